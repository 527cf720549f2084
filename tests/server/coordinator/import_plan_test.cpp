// SPDX-License-Identifier: AGPL-3.0-or-later
// The people import plan: program names resolved case-insensitively (or ids), rows that
// name an unknown or ambiguous program reported by line without repeating the cell.
#include "checkin_catch.hpp"

#include "checkin/server/import_plan.hpp"

using namespace checkin;
using namespace checkin::server;

namespace {

Program program(std::string id, std::string name) {
  Program p;
  p.id = std::move(id);
  p.name = std::move(name);
  return p;
}

}  // namespace

TEST_CASE("import plan: programs by name or id, bad rows by line", "[server][coordinator][import]") {
  const std::vector<Program> programs = {program("p-lunch", "Lunch"), program("p-peer", "Peer Support"),
                                         program("p-art1", "Art"), program("p-art2", "art")};
  auto parsed = parse_people_csv(
      "name,language,programs\r\n"
      "Ana,en,lunch\r\n"               // line 2
      "Ben,,PEER SUPPORT|p-art2\r\n"   // line 3: a name and an id
      "Cara,es,Chess club\r\n"         // line 4: unknown
      "Dee,,Art\r\n"                   // line 5: two programs are called that
      "=Bad,,Lunch\r\n"                // line 6: the parser refuses it
      "Eve,,\r\n"                      // line 7: no programs
      "Fay,,Lunch;Chess;Draughts\r\n"  // line 8: two unknown
      "Gus,,Lunch|lunch\r\n");         // line 9: the same program twice
  REQUIRE(parsed);
  REQUIRE(parsed->problems.size() == 1);

  const ImportPlan plan = plan_import(*parsed, programs, "site-1");
  REQUIRE(plan.people.size() == 4);
  REQUIRE(plan.lines == std::vector<std::size_t>{2, 3, 7, 9});
  CHECK(plan.people[0].preferred_name == "Ana");
  CHECK(plan.people[0].language == "en");
  CHECK(plan.people[0].registered_programs == std::vector<Id>{"p-lunch"});
  CHECK(plan.people[0].site_id == "site-1");
  CHECK(plan.people[0].id.empty());
  CHECK(plan.people[1].registered_programs == std::vector<Id>{"p-art2", "p-peer"});
  CHECK(plan.people[2].registered_programs.empty());
  CHECK(plan.people[3].registered_programs == std::vector<Id>{"p-lunch"});

  REQUIRE(plan.problems.size() == 4);
  CHECK(plan.problems[0].line == 4);
  CHECK(plan.problems[0].reason == "the programs cell names a program that does not exist");
  CHECK(plan.problems[1].line == 5);
  CHECK_THAT(plan.problems[1].reason, Catch::Matchers::ContainsSubstring("several programs") && Catch::Matchers::ContainsSubstring("id"));
  CHECK(plan.problems[2].line == 6);  // the parser's, in line order with the others
  CHECK(plan.problems[3].line == 8);
  CHECK(plan.problems[3].reason == "the programs cell names 2 programs that do not exist");
  // Reasons may be logged: they never repeat what the cells said.
  for (const auto& problem : plan.problems) {
    CHECK_THAT(problem.reason, !Catch::Matchers::ContainsSubstring("Chess") && !Catch::Matchers::ContainsSubstring("Draughts") && !Catch::Matchers::ContainsSubstring("Art") &&
                                   !Catch::Matchers::ContainsSubstring("Bad"));
  }
}

TEST_CASE("import plan: with no programs at all every named program is unknown", "[server][coordinator][import]") {
  auto parsed = parse_people_csv("name,programs\nAna,Lunch\nBen,\n");
  REQUIRE(parsed);
  const ImportPlan plan = plan_import(*parsed, {}, "");
  REQUIRE(plan.people.size() == 1);
  CHECK(plan.people[0].preferred_name == "Ben");
  CHECK(plan.lines == std::vector<std::size_t>{3});
  REQUIRE(plan.problems.size() == 1);
  CHECK(plan.problems[0].line == 2);
}
