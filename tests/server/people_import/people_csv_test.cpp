// SPDX-License-Identifier: AGPL-3.0-or-later
// parse_people_csv: what a coordinator's spreadsheet can throw at it, and the line
// numbers the report must give (the line a spreadsheet shows, header = 1).
#include "checkin_catch.hpp"

#include <string>

#include "checkin/server/people_csv.hpp"

using namespace checkin;
using namespace checkin::server;
using Catch::Matchers::ContainsSubstring;

namespace {

PeopleImport parsed(std::string_view csv) {
  auto result = parse_people_csv(csv);
  if (!result) FAIL("parse_people_csv failed: " << result.error().message);
  return std::move(*result);
}

Error refused(std::string_view csv) {
  auto result = parse_people_csv(csv);
  REQUIRE_FALSE(result);
  return result.error();
}

}  // namespace

TEST_CASE("a clean file gives every person, programs split, nothing reported", "[people_csv]") {
  const auto people = parsed(
      "preferred_name,language,programs\n"
      "Ana,es,Tuesday peer support|Food bank\n"
      "Sam,en,\n"
      ",,\n");  // a row of empty cells, as spreadsheets write for an empty row
  CHECK(people.problems.empty());
  REQUIRE(people.rows.size() == 2);
  CHECK(people.rows[0].line == 2);
  CHECK(people.rows[0].preferred_name == "Ana");
  CHECK(people.rows[0].language == "es");
  CHECK(people.rows[0].programs == std::vector<std::string>{"Tuesday peer support", "Food bank"});
  CHECK(people.rows[1].line == 3);
  CHECK(people.rows[1].preferred_name == "Sam");
  CHECK(people.rows[1].programs.empty());
}

TEST_CASE("an empty preferred name is a person (the name is optional)", "[people_csv]") {
  const auto people = parsed("name,language\n,fr\n");
  CHECK(people.problems.empty());
  REQUIRE(people.rows.size() == 1);
  CHECK(people.rows[0].preferred_name.empty());
  CHECK(people.rows[0].language == "fr");
}

TEST_CASE("a UTF-8 byte order mark and accented names are read", "[people_csv]") {
  const auto people = parsed("\xEF\xBB\xBFname\nJos\xC3\xA9\n");
  CHECK(people.problems.empty());
  REQUIRE(people.rows.size() == 1);
  CHECK(people.rows[0].preferred_name == "Jos\xC3\xA9");
}

TEST_CASE("CRLF line ends give the same rows and lines as LF", "[people_csv]") {
  const auto people = parsed("name,language\r\nAna,es\r\n\r\nSam,en\r\n");
  CHECK(people.problems.empty());
  REQUIRE(people.rows.size() == 2);
  CHECK(people.rows[0].preferred_name == "Ana");
  CHECK(people.rows[0].language == "es");
  CHECK(people.rows[1].line == 4);
  CHECK(people.rows[1].language == "en");
}

TEST_CASE("semicolon-separated files (Excel in many locales) are read", "[people_csv]") {
  const auto people = parsed(
      "Preferred Name;Language;Programs\n"
      "Ana;es;\"Food bank;Choir\"\n"
      "M\xC3\xBCller, Jo;de;Choir\n");
  CHECK(people.problems.empty());
  REQUIRE(people.rows.size() == 2);
  CHECK(people.rows[0].programs == std::vector<std::string>{"Food bank", "Choir"});
  CHECK(people.rows[1].preferred_name == "M\xC3\xBCller, Jo");
}

TEST_CASE("quoted cells keep commas and quotes, lines stay right after a multi-line cell",
          "[people_csv]") {
  const auto people = parsed(
      "name,programs\n"
      "\"Lee, Jo\",\"The \"\"Wednesday\"\" group\"\n"
      "Ana,\"Choir\n"
      "Food bank\"\n"  // a line break inside a quoted cell: still one row, from line 3;
                       // between programs it separates them (Alt+Enter in a spreadsheet)
      "Sam,\n"
      "\"Two\nlines\",\n");  // a line break in a name is refused, on the line it starts
  REQUIRE(people.rows.size() == 3);
  CHECK(people.rows[0].preferred_name == "Lee, Jo");
  CHECK(people.rows[0].programs == std::vector<std::string>{"The \"Wednesday\" group"});
  CHECK(people.rows[1].line == 3);
  CHECK(people.rows[1].programs == std::vector<std::string>{"Choir", "Food bank"});
  CHECK(people.rows[2].line == 5);
  CHECK(people.rows[2].preferred_name == "Sam");
  REQUIRE(people.problems.size() == 1);
  CHECK(people.problems[0].line == 6);
  CHECK_THAT(people.problems[0].reason, ContainsSubstring("cell A (preferred_name) contains a control character"));
}

TEST_CASE("a Windows-1252 file is refused with advice to save as CSV UTF-8", "[people_csv]") {
  const auto error = refused("name\nAna\nJos\xE9\n");
  CHECK(error.code == Errc::invalid_input);
  CHECK_THAT(error.message, ContainsSubstring("not UTF-8"));
  CHECK_THAT(error.message, ContainsSubstring("line 3"));
  CHECK_THAT(error.message, ContainsSubstring("0xE9"));
  CHECK_THAT(error.message, ContainsSubstring("CSV UTF-8"));
}

TEST_CASE("UTF-16 files, zero bytes and malformed UTF-8 are refused", "[people_csv]") {
  using namespace std::string_literals;
  CHECK_THAT(refused("\xFF\xFEn\0a\0m\0e\0"s).message, ContainsSubstring("UTF-16"));
  CHECK_THAT(refused("n\0a\0m\0e\0"s).message, ContainsSubstring("CSV UTF-8"));
  CHECK(refused("name\n\xC0\xAF\n").code == Errc::invalid_input);          // overlong '/'
  CHECK(refused("name\n\xED\xA0\x80\n").code == Errc::invalid_input);      // a surrogate
  CHECK(refused("name\nAn\xC3").code == Errc::invalid_input);              // cut short
}

TEST_CASE("an unclosed quote refuses the file, naming the line it opens on", "[people_csv]") {
  const auto error = refused("name,language\nAna,es\n\"Sam,en\nLee,fr\n");
  CHECK(error.code == Errc::invalid_input);
  CHECK_THAT(error.message, ContainsSubstring("line 3"));
  CHECK_THAT(error.message, ContainsSubstring("never closed"));
}

TEST_CASE("rows with too many or too few cells are reported, the others kept", "[people_csv]") {
  const auto people = parsed(
      "name,language\n"
      "Ana,es,extra\n"
      "Sam\n"
      "Lee,fr\n"
      "\"Jo\"x,en\n");
  REQUIRE(people.rows.size() == 1);
  CHECK(people.rows[0].preferred_name == "Lee");
  REQUIRE(people.problems.size() == 3);
  CHECK(people.problems[0].line == 2);
  CHECK(people.problems[0].reason == "the row has 3 cells but the header has 2 columns");
  CHECK(people.problems[1].line == 3);
  CHECK(people.problems[1].reason == "the row has 1 cells but the header has 2 columns");
  CHECK(people.problems[2].line == 5);
  CHECK_THAT(people.problems[2].reason, ContainsSubstring("text after its closing quote"));
}

TEST_CASE("formula-injection cells are reported with their line and cell", "[people_csv]") {
  const auto people = parsed(
      "name,language,programs\n"
      "=cmd|' /C calc'!A0,en,\n"
      "+1,en,\n"
      "Ana,-2,\n"
      "Sam,en,@SUM(1)\n"
      "Lee,en,Choir| =HYPERLINK(\"x\")\n"
      " =1+1,en,\n"  // spaces before the '=' do not hide it
      "Jo-Ann,en,Choir\n");  // a '-' inside a name is fine
  REQUIRE(people.rows.size() == 1);
  CHECK(people.rows[0].preferred_name == "Jo-Ann");
  REQUIRE(people.problems.size() == 6);
  CHECK(people.problems[0].line == 2);
  CHECK(people.problems[0].reason ==
        "cell A (preferred_name) starts with '=', which a spreadsheet would run as a formula");
  CHECK(people.problems[1].line == 3);
  CHECK_THAT(people.problems[1].reason, ContainsSubstring("cell A (preferred_name) starts with '+'"));
  CHECK(people.problems[2].line == 4);
  CHECK_THAT(people.problems[2].reason, ContainsSubstring("cell B (language) starts with '-'"));
  CHECK(people.problems[3].line == 5);
  CHECK_THAT(people.problems[3].reason, ContainsSubstring("cell C (programs) starts with '@'"));
  CHECK(people.problems[4].line == 6);
  CHECK_THAT(people.problems[4].reason, ContainsSubstring("cell C (programs) has a program starting with '='"));
  CHECK(people.problems[5].line == 7);
  CHECK_THAT(people.problems[5].reason, ContainsSubstring("starts with '='"));
  for (const auto& problem : people.problems) {
    CHECK_THAT(problem.reason, !ContainsSubstring("cmd") && !ContainsSubstring("SUM") && !ContainsSubstring("HYPERLINK"));
  }
}

TEST_CASE("reasons never repeat a cell's content (they may be logged)", "[people_csv]") {
  const auto people = parsed("name,language\nAna,spanish\n");
  REQUIRE(people.problems.size() == 1);
  CHECK(people.problems[0].reason == "cell B (language) is not a language code such as en, es or pt-BR");
  CHECK_THAT(people.problems[0].reason, !ContainsSubstring("Ana") && !ContainsSubstring("spanish"));
}

TEST_CASE("language codes: short tags pass, anything else is reported", "[people_csv]") {
  const auto people = parsed("name,language\nA,en\nB,pt-BR\nC,zh-Hant\nD,es_419\nE,\nF,e\nG,english\nH,en-\nI,1en\n");
  CHECK(people.rows.size() == 5);
  REQUIRE(people.problems.size() == 4);
  CHECK(people.problems[0].line == 7);
  CHECK(people.problems[3].line == 10);
}

TEST_CASE("names over 200 characters and control characters are reported", "[people_csv]") {
  std::string long_name;
  for (int i = 0; i < 201; ++i) long_name += "\xC3\xA9";  // 201 characters, 402 bytes
  std::string just_fits;
  for (int i = 0; i < 200; ++i) just_fits += "\xC3\xA9";
  const auto people = parsed("name\n" + long_name + "\n" + just_fits + "\nA\tB\nC\x7F\nD\xC2\x85\n");
  REQUIRE(people.rows.size() == 1);
  CHECK(people.rows[0].line == 3);
  REQUIRE(people.problems.size() == 4);
  CHECK(people.problems[0].line == 2);
  CHECK(people.problems[0].reason == "cell A (preferred_name) is longer than 200 characters");
  CHECK_THAT(people.problems[1].reason, ContainsSubstring("control character"));
  CHECK_THAT(people.problems[2].reason, ContainsSubstring("control character"));
  CHECK_THAT(people.problems[3].reason, ContainsSubstring("control character"));
}

TEST_CASE("a control character inside a program name is reported", "[people_csv]") {
  const auto people = parsed("name,programs\nAna,\"Choir|Food\tbank\"\n");
  CHECK(people.rows.empty());
  REQUIRE(people.problems.size() == 1);
  CHECK(people.problems[0].reason == "cell B (programs) contains a control character (such as a tab)");
}

TEST_CASE("several problems of one row are reported together", "[people_csv]") {
  const auto people = parsed("name,language\n=x,??\n");
  REQUIRE(people.problems.size() == 1);
  CHECK(people.problems[0].reason ==
        "cell A (preferred_name) starts with '=', which a spreadsheet would run as a formula; "
        "cell B (language) is not a language code such as en, es or pt-BR");
}

TEST_CASE("empty lines are skipped, before the header too, and lines still count", "[people_csv]") {
  const auto people = parsed("\n\nname\n\nAna\n   \n,\nSam");  // "," = a row of empty cells
  CHECK(people.problems.empty());
  REQUIRE(people.rows.size() == 2);
  CHECK(people.rows[0].line == 5);
  CHECK(people.rows[1].line == 8);
}

TEST_CASE("header variants: case, spaces, order, name or preferred_name, optional columns",
          "[people_csv]") {
  for (const std::string_view header :
       {"name", "Name", " NAME ", "preferred_name", "Preferred Name", "preferred-name"}) {
    const auto people = parsed(std::string(header) + "\nAna\n");
    REQUIRE(people.rows.size() == 1);
    CHECK(people.rows[0].preferred_name == "Ana");
  }
  const auto reordered = parsed("Programs , LANGUAGE,Name\nChoir|Food bank,es,Ana\n");
  REQUIRE(reordered.rows.size() == 1);
  CHECK(reordered.rows[0].preferred_name == "Ana");
  CHECK(reordered.rows[0].language == "es");
  CHECK(reordered.rows[0].programs.size() == 2);
}

TEST_CASE("a missing, unknown or duplicate header column refuses the file", "[people_csv]") {
  CHECK_THAT(refused("Ana,es\nSam,en\n").message, ContainsSubstring("line 1 is not a header"));
  CHECK_THAT(refused("language,programs\nes,Choir\n").message, ContainsSubstring("no preferred_name"));
  CHECK_THAT(refused("name,surname\nAna,Diaz\n").message, ContainsSubstring("column B (\"surname\")"));
  CHECK_THAT(refused("name,preferred_name\nAna,Ana\n").message, ContainsSubstring("twice (columns A and B)"));
  CHECK_THAT(refused("name,,language\nAna,,es\n").message, ContainsSubstring("column B has no name"));
  CHECK_THAT(refused("").message, ContainsSubstring("empty"));
  CHECK_THAT(refused("\xEF\xBB\xBF\r\n\r\n").message, ContainsSubstring("empty"));
  CHECK(refused("").code == Errc::invalid_input);
}

TEST_CASE("a 10,000-row file parses", "[people_csv]") {
  std::string csv = "preferred_name,language,programs\r\n";
  for (int i = 0; i < 10'000; ++i) csv += "Person " + std::to_string(i) + ",en,Choir|Food bank\r\n";
  const auto people = parsed(csv);
  CHECK(people.problems.empty());
  REQUIRE(people.rows.size() == 10'000);
  CHECK(people.rows.back().line == 10'001);
  CHECK(people.rows.back().preferred_name == "Person 9999");
}

TEST_CASE("a file over the size or row limit is refused", "[people_csv]") {
  const std::string too_big(max_people_csv_bytes + 1, 'a');
  const auto big = refused(too_big);
  CHECK(big.code == Errc::limit_exceeded);
  CHECK_THAT(big.message, ContainsSubstring("at most 8 MiB"));

  std::string too_many = "name\n";
  for (std::size_t i = 0; i <= max_people_csv_rows; ++i) too_many += "A\n";
  REQUIRE(too_many.size() <= max_people_csv_bytes);
  const auto many = refused(too_many);
  CHECK(many.code == Errc::limit_exceeded);
  CHECK_THAT(many.message, ContainsSubstring("more than 50000 people"));
}
