// SPDX-License-Identifier: AGPL-3.0-or-later
// Check in by name (issue 19): a participant who forgot their pass is found on the roster
// by staff behind the PIN and checked in, recorded as made by staff, on a real SQLite
// store. Never on a public screen; in a discreet program the screen names no one.
#include <algorithm>

#include "kiosk_fixture.hpp"

using namespace checkin;
using namespace checkin::testing;
using ui::Screen;

namespace {

std::vector<AttendanceEvent> recorded(Fixture& f) { return f.store.events_since(WallTime{}).value(); }

void find(Fixture& f, const std::string& typed) {
  f.tap(K::start_find);
  f.tap(K::type_text, typed);
}

std::vector<std::string> names_found(Fixture& f) {
  std::vector<std::string> names;
  for (const auto& person : f.view().admin.find.found) names.push_back(person.name);
  return names;
}

}  // namespace

TEST_CASE("check in by name: staff find someone without their pass, the check-in is theirs and made by staff") {
  Fixture f;
  f.enter_pin(kPin);
  auto v = f.view();
  REQUIRE(v.screen == Screen::admin);
  CHECK(v.admin.find.available);  // sessions are open now

  f.tap(K::start_find);
  CHECK(f.view().admin.find.active);
  f.tap(K::type_text, "B");
  CHECK(f.view().admin.find.found.empty());  // one letter lists no one
  f.tap(K::type_text, "e");
  REQUIRE(names_found(f) == std::vector<std::string>{"Ben"});
  const auto ben = f.view().admin.find.found.front();
  CHECK(ben.person_id == "person-ben");
  CHECK(ben.reference == person_reference("person-ben"));

  f.tap(K::choose_found, ben.person_id);
  v = f.view();
  CHECK(v.admin.find.chosen.name == "Ben");
  std::vector<Id> offered;
  for (const auto& s : v.admin.find.sessions) offered.push_back(s.id);
  CHECK(offered == std::vector<Id>{"sess-lunch", "sess-peer"});  // every session open now

  f.tap(K::check_in_found, "sess-lunch");
  v = f.view();
  CHECK_FALSE(v.admin.find.active);
  CHECK(v.admin.find.typed.empty());
  CHECK(v.admin.find.result == ui::FindView::Result::checked_in);
  CHECK(v.admin.find.result_name == "Ben");
  CHECK(v.admin.find.result_session == "Community lunch");
  auto events = recorded(f);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == EventKind::checkin);
  CHECK(events[0].person_id == "person-ben");
  CHECK(events[0].pass_id.empty());
  CHECK(events[0].session_id == "sess-lunch");
  CHECK(events[0].flags & flag_staff);
  CHECK_FALSE(events[0].flags & flag_forced);  // the lunch is open to all: no rule overridden

  SECTION("the same person again is 'already checked in', and so is their pass when they find it") {
    find(f, "ben");
    f.tap(K::choose_found, "person-ben");
    f.tap(K::check_in_found, "sess-lunch");
    CHECK(f.view().admin.find.result == ui::FindView::Result::already_in);
    CHECK(recorded(f).size() == 1);
    f.tap(K::dismiss);
    f.scan("ben");
    CHECK(f.view().result.outcome == Outcome::already_checked_in);
  }

  SECTION("a session they are not registered for: staff decide, and it is flagged forced") {
    find(f, "be");
    f.tap(K::choose_found, "person-ben");
    f.tap(K::check_in_found, "sess-peer");
    auto last = recorded(f).back();
    CHECK(last.session_id == "sess-peer");
    CHECK(last.flags & flag_forced);
    CHECK(last.flags & flag_staff);
  }

  SECTION("a discreet program: the screen confirms it without the name or the group") {
    find(f, "an");
    REQUIRE(names_found(f) == std::vector<std::string>{"Ana"});
    f.tap(K::choose_found, "person-ana");
    f.tap(K::check_in_found, "sess-peer");
    v = f.view();
    CHECK(v.admin.find.result == ui::FindView::Result::checked_in);
    CHECK(v.admin.find.result_name.empty());
    CHECK(v.admin.find.result_session.empty());
    CHECK(recorded(f).back().person_id == "person-ana");
    CHECK_FALSE(recorded(f).back().flags & flag_forced);  // registered for it
  }
}

TEST_CASE("check in by name leaves nothing behind and is never public") {
  Fixture f;
  SECTION("what was typed is gone when the admin screen closes") {
    f.enter_pin(kPin);
    find(f, "Be");
    REQUIRE_FALSE(f.view().admin.find.found.empty());
    f.tap(K::dismiss);
    f.enter_pin(kPin);
    CHECK_FALSE(f.view().admin.find.active);
    CHECK(f.view().admin.find.typed.empty());
    CHECK(f.view().admin.find.found.empty());
  }
  SECTION("the public screens ignore it") {
    f.tap(K::start_find);
    f.tap(K::type_text, "Ben");
    auto v = f.view();
    CHECK(v.screen == Screen::ready);
    CHECK_FALSE(v.admin.find.active);
    CHECK(v.admin.find.found.empty());
    f.tap(K::check_in_found, "sess-lunch");
    CHECK(recorded(f).empty());
  }
  SECTION("discreet mode hides every name on this kiosk: no search at all") {
    f.enter_pin(kPin);
    f.tap(K::admin_tab, {}, static_cast<int>(ui::AdminTab::settings));
    f.tap(K::toggle_discreet_mode);
    f.tap(K::admin_tab, {}, static_cast<int>(ui::AdminTab::sessions));
    CHECK_FALSE(f.view().admin.find.available);
    find(f, "Ben");
    CHECK(f.view().admin.find.found.empty());
    CHECK_FALSE(f.view().admin.find.active);
  }
  SECTION("nothing open now: nothing to check in to") {
    f.clock.advance(std::chrono::hours{5});
    f.enter_pin(kPin);
    CHECK_FALSE(f.view().admin.find.available);
  }
}
