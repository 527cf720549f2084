// SPDX-License-Identifier: AGPL-3.0-or-later
// The staff side of the kiosk on a real SQLite store: letting someone in past a refusal,
// undoing and moving a check-in from the Recent tab, the Names list agreeing with the
// count, and naming the kiosk. What each writes is read back from the store.
#include <algorithm>

#include "checkin/sync/enrolment.hpp"
#include "kiosk_fixture.hpp"

using namespace checkin;
using namespace checkin::testing;
using ui::Screen;

namespace {

// Today's card of a session on the admin screen.
ui::SessionCard card(Fixture& f, const Id& session) {
  for (const auto& c : f.view().admin.sessions)
    if (c.id == session) return c;
  FAIL("no card for " << session);
  return {};
}

std::vector<AttendanceEvent> recorded(Fixture& f) { return f.store.events_since(WallTime{}).value(); }

const AttendanceEvent* last_of(const std::vector<AttendanceEvent>& events, EventKind kind) {
  auto it = std::find_if(events.rbegin(), events.rend(), [&](const AttendanceEvent& e) { return e.kind == kind; });
  return it == events.rend() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("let in anyway: a full session admits one more, recorded as let in by staff") {
  Fixture f;
  auto schedule = f.data.kiosk_schedule();
  for (auto& s : schedule.sessions)
    if (s.id == "sess-lunch") s.capacity = 1;
  f.kiosk->set_schedule(schedule);
  f.scan("ben");
  REQUIRE(f.view().result.outcome == Outcome::checked_in);
  f.tap(K::dismiss);
  f.scan("dee");
  REQUIRE(f.view().result.outcome == Outcome::session_full);
  f.tap(K::dismiss);
  f.scan("revoked");
  f.tap(K::dismiss);

  f.enter_pin(kPin);
  auto v = f.view();
  REQUIRE(v.screen == Screen::admin);
  REQUIRE(v.admin.refusals.size() == 2);
  CHECK(v.admin.refusals[0].outcome == "pass_revoked");
  CHECK(v.admin.refusals[0].let_in.empty());  // an invalid pass is never let in
  const auto full = v.admin.refusals[1];
  CHECK(full.outcome == "session_full");
  REQUIRE(full.let_in.size() == 1);
  CHECK(full.let_in[0].id == "sess-lunch");

  f.tap(K::let_in, full.id);
  v = f.view();
  CHECK(v.admin.refusals[1].let_in_done);
  auto events = recorded(f);
  REQUIRE(events.size() == 2);
  CHECK(events[1].kind == EventKind::checkin);
  CHECK(events[1].person_id == "person-dee");
  CHECK(events[1].session_id == "sess-lunch");
  CHECK(events[1].flags & flag_forced);
  CHECK(events[1].flags & flag_staff);
  CHECK(card(f, "sess-lunch").checked_in == 2);

  f.tap(K::let_in, full.id);  // a second tap lets no one in twice
  CHECK(recorded(f).size() == 2);
}

TEST_CASE("let in anyway: someone not registered is let in to the session staff choose") {
  Fixture f;
  f.enter_pin(kPin);
  f.tap(K::toggle_served, "sess-lunch");  // this door serves only the support group
  f.tap(K::dismiss);
  f.scan("ben");
  REQUIRE(f.view().result.outcome == Outcome::not_registered);
  f.tap(K::dismiss);
  f.enter_pin(kPin);
  auto v = f.view();
  REQUIRE(v.admin.refusals.size() == 1);
  REQUIRE(v.admin.refusals[0].let_in.size() == 1);
  CHECK(v.admin.refusals[0].let_in[0].id == "sess-peer");
  f.tap(K::let_in, v.admin.refusals[0].id);
  auto events = recorded(f);
  REQUIRE(events.size() == 1);
  CHECK(events[0].session_id == "sess-peer");
  CHECK(events[0].flags & flag_forced);
}

TEST_CASE("Recent: an undo is asked first, then the check-in stops counting, at this door and on the server") {
  Fixture f;
  f.scan("ben");
  f.tap(K::dismiss);
  f.enter_pin(kPin);
  f.tap(K::admin_tab, {}, static_cast<int>(ui::AdminTab::recent));
  auto v = f.view();
  REQUIRE(v.admin.recent.size() == 1);
  const auto row = v.admin.recent[0];
  CHECK(row.who == "Ben");
  CHECK(row.session == "Community lunch");
  CHECK(row.here);
  CHECK_FALSE(row.by_staff);

  f.tap(K::undo_checkin, row.event_id);
  CHECK(f.view().admin.undo_asked == row.event_id);
  CHECK(recorded(f).size() == 1);  // nothing happens until staff confirm
  f.tap(K::cancel_staff_step);
  CHECK(f.view().admin.undo_asked.empty());
  CHECK(recorded(f).size() == 1);

  f.tap(K::undo_checkin, row.event_id);
  f.tap(K::confirm_undo, row.event_id);
  v = f.view();
  CHECK(v.admin.recent.empty());
  CHECK(v.admin.correction_note == "admin.recent.undone");
  auto events = recorded(f);
  REQUIRE(events.size() == 2);
  CHECK(events[1].kind == EventKind::undo);
  CHECK(events[1].undoes_event_id == row.event_id);
  CHECK(events[1].flags & flag_staff);
  CHECK(f.store.outbox_counts().value().pending == 2);  // the server hears of the undo too
  CHECK(card(f, "sess-lunch").checked_in == 0);

  f.tap(K::confirm_undo, row.event_id);  // a stale second confirmation does nothing
  CHECK(recorded(f).size() == 2);
}

TEST_CASE("Recent: a check-in in the wrong session is moved to the right one") {
  Fixture f;
  f.scan("ben");
  f.tap(K::dismiss);
  f.enter_pin(kPin);
  f.tap(K::admin_tab, {}, static_cast<int>(ui::AdminTab::recent));
  const auto row = f.view().admin.recent.at(0);
  f.tap(K::move_checkin, row.event_id);
  auto v = f.view();
  CHECK(v.admin.move_asked == row.event_id);
  REQUIRE_FALSE(v.admin.move_to.empty());
  CHECK(std::none_of(v.admin.move_to.begin(), v.admin.move_to.end(),
                     [](const ui::SessionCard& c) { return c.id == "sess-lunch"; }));  // not where it is
  f.tap(K::move_to_session, "sess-peer");
  v = f.view();
  CHECK(v.admin.move_asked.empty());
  CHECK(v.admin.correction_note == "admin.recent.moved");
  const auto events = recorded(f);
  const auto* undo = last_of(events, EventKind::undo);
  REQUIRE(undo);
  CHECK(undo->undoes_event_id == row.event_id);
  const auto* moved = last_of(events, EventKind::checkin);
  REQUIRE(moved);
  CHECK(moved->session_id == "sess-peer");
  CHECK(moved->person_id == "person-ben");
  CHECK(moved->flags & flag_staff);
  CHECK(card(f, "sess-lunch").checked_in == 0);
  CHECK(card(f, "sess-peer").checked_in == 1);
  REQUIRE(v.admin.recent.size() == 1);
  CHECK(v.admin.recent[0].session.empty());  // the support group is discreet: no name, no program
  CHECK(v.admin.recent[0].who.empty());
  CHECK(v.admin.recent[0].by_staff);
}

TEST_CASE("Names agree with the count: named people, then pass holders without a name and anonymous check-ins") {
  Fixture f;
  f.scan("ben");
  f.tap(K::dismiss);
  f.scan("dee");  // no preferred name on file
  f.tap(K::dismiss);
  f.tap(K::open_anonymous);
  f.tap(K::choose_session, "sess-lunch");
  f.tap(K::dismiss);
  f.enter_pin(kPin);
  CHECK(card(f, "sess-lunch").checked_in == 3);
  f.tap(K::show_names, "sess-lunch");
  auto v = f.view();
  CHECK(v.admin.names == std::vector<std::string>{"Ben"});
  CHECK(v.admin.names_pass_holders == 1);
  CHECK(v.admin.names_anonymous == 1);
}

TEST_CASE("naming the kiosk: typed on its keyboard, shown at once, sent at the next sync") {
  Fixture f;
  f.enter_pin(kPin);
  f.tap(K::admin_tab, {}, static_cast<int>(ui::AdminTab::sync));
  f.tap(K::start_naming);
  CHECK(f.view().admin.naming);
  f.tap(K::type_text, "Back door ");
  f.tap(K::save_name);
  auto v = f.view();
  CHECK_FALSE(v.admin.naming);
  CHECK(v.admin.device_name == "Back door");  // spaces at the ends trimmed
  CHECK(f.store.get_setting(store::kDeviceNamePendingSetting).value() == "Back door");

  SECTION("a blank name is not saved, and a name stops at the longest the server keeps") {
    f.tap(K::start_naming);
    for (int i = 0; i < 3; ++i) f.tap(K::erase_text);
    for (int i = 0; i < 10; ++i) f.tap(K::erase_text);
    f.tap(K::type_text, "   ");
    f.tap(K::save_name);
    CHECK(f.view().admin.naming);  // still asking
    CHECK(f.store.get_setting(store::kDeviceNameSetting).value() == "Back door");
    f.tap(K::type_text, std::string(sync::kMaxDeviceNameLength, 'x'));
    f.tap(K::type_text, "y");
    CHECK(f.view().admin.naming_text.size() <= sync::kMaxDeviceNameLength);
    f.tap(K::cancel_staff_step);
    CHECK_FALSE(f.view().admin.naming);
    CHECK(f.store.get_setting(store::kDeviceNameSetting).value() == "Back door");
  }
}

TEST_CASE("leaving kiosk mode is asked first, and any other tap keeps the kiosk running") {
  Fixture f;
  f.enter_pin(kPin);
  f.tap(K::admin_tab, {}, static_cast<int>(ui::AdminTab::settings));
  f.tap(K::leave_kiosk);
  CHECK(f.view().admin.leave_asked);
  CHECK_FALSE(f.kiosk->leave_requested());
  f.tap(K::cancel_staff_step);  // "Keep it running"
  CHECK_FALSE(f.view().admin.leave_asked);
  f.tap(K::leave_kiosk);
  f.tap(K::leave_kiosk);  // "Leave kiosk mode" again: now it closes
  CHECK(f.kiosk->leave_requested());
}

TEST_CASE("the PIN pad's Clear starts the PIN again") {
  Fixture f;
  f.tap(K::open_admin);
  f.tap(K::pin_digit, {}, 9);
  f.tap(K::pin_digit, {}, 9);
  f.tap(K::pin_erase);
  CHECK(f.view().pin.digits_entered == 0);
  for (char c : kPin) f.tap(K::pin_digit, {}, c - '0');
  f.tap(K::pin_submit);
  CHECK(f.view().screen == Screen::admin);
}
