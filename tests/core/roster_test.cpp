// SPDX-License-Identifier: AGPL-3.0-or-later
// Looking someone up on the kiosk's roster by name (staff, behind the PIN): word starts,
// any case, with or without accents; and the short reference that tells namesakes apart.
#include "checkin_catch.hpp"

#include "checkin/core/domain.hpp"

using namespace checkin;

namespace {

Roster roster() {
  Roster r;
  r.add(Person{"p-0001", "Ángela Ruiz", "es", {}}, {"aa01"});
  r.add(Person{"p-0002", "Ana", "en", {}}, {"aa02"});
  r.add(Person{"p-0003", "Juan-Antonio O'Neill", "es", {}}, {"aa03"});
  r.add(Person{"p-0004", "BEN", "en", {}}, {"aa04"});
  r.add(Person{"p-0005", "", "en", {}}, {"aa05"});  // no name: never found by one
  r.add(Person{"p-0006", "Ana", "en", {}}, {"aa06"});
  r.add(Person{"p-0007", "Núñez Çelik", "es", {}}, {"aa07"});
  return r;
}

std::vector<Id> found(const Roster& r, std::string_view typed, std::size_t most = 10) {
  std::vector<Id> ids;
  for (const Person* p : r.find_by_name(typed, most)) ids.push_back(p->id);
  return ids;
}

}  // namespace

TEST_CASE("the roster finds people by the start of any of their names, ignoring case and accents") {
  const Roster r = roster();
  CHECK(found(r, "an") == std::vector<Id>{"p-0002", "p-0006", "p-0001", "p-0003"});  // by name, then id
  CHECK(found(r, "ANG") == std::vector<Id>{"p-0001"});
  CHECK(found(r, "ángel") == std::vector<Id>{"p-0001"});
  CHECK(found(r, "ruiz") == std::vector<Id>{"p-0001"});
  CHECK(found(r, "angela r") == std::vector<Id>{"p-0001"});
  CHECK(found(r, "ant") == std::vector<Id>{"p-0003"});  // after a hyphen
  CHECK(found(r, "ne") == std::vector<Id>{"p-0003"});   // after an apostrophe
  CHECK(found(r, "nunez") == std::vector<Id>{"p-0007"});
  CHECK(found(r, "celik") == std::vector<Id>{"p-0007"});
  CHECK(found(r, "ben") == std::vector<Id>{"p-0004"});
  CHECK(found(r, "uiz").empty());  // inside a word: no
  CHECK(found(r, "a").empty());    // one letter lists no one
  CHECK(found(r, " b ").empty());
  CHECK(found(r, "  be ") == std::vector<Id>{"p-0004"});
  CHECK(found(r, "an", 2) == std::vector<Id>{"p-0002", "p-0006"});
  CHECK(found(Roster{}, "an").empty());
}

TEST_CASE("a person's short reference is the end of their id, in capitals") {
  CHECK(person_reference("0193a7c2-5b1e-7f3a-9c44-2e8d51de7f3a") == "7F3A");
  CHECK(person_reference("person-ben") == "NBEN");  // letters and digits only
  CHECK(person_reference("ab") == "AB");
}
