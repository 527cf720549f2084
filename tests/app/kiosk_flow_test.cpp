// SPDX-License-Identifier: AGPL-3.0-or-later
// The kiosk's screen flow on the demo organisation and a real SQLite store: what a
// participant, a volunteer and staff see after each scan or tap.
#include "checkin_catch.hpp"

#include <fstream>
#include <sstream>

#include "fault_vfs.hpp"
#include "kiosk_fixture.hpp"

using namespace checkin;
using namespace checkin::app;
using namespace checkin::testing;
using namespace std::chrono;
using ui::Intent;
using ui::Screen;
using K = ui::Intent::Kind;


TEST_CASE("Ready shows what is open, discreet sessions by their public alias only") {
  Fixture f;
  auto v = f.view();
  CHECK(v.screen == Screen::ready);
  REQUIRE(v.ready.open_now.size() == 2);
  CHECK(v.ready.open_now[0].title == "Community lunch");
  CHECK(v.ready.open_now[0].room == "Main hall");
  CHECK(v.ready.open_now[1].discreet);
  CHECK(v.ready.open_now[1].title == "Tuesday evening group");  // never "Tuesday peer support"
  CHECK(v.ready.open_now[1].room.empty());
  CHECK(v.ready.anonymous_available);
  CHECK(v.ready.walk_in_available);
}

TEST_CASE("a scan shows a result, then Ready again by itself or on a tap") {
  Fixture f;
  f.scan("ben");
  auto v = f.view();
  CHECK(v.screen == Screen::result);
  CHECK(v.result.outcome == Outcome::checked_in);
  CHECK(v.result.name == "Ben");
  CHECK(v.result.where == "Community lunch · Main hall");
  CHECK(v.result.seconds_left == 6);
  CHECK(f.kiosk->take_cue() == Cue::success);
  CHECK(f.kiosk->take_cue() == Cue::none);
  CHECK(f.kiosk->time_to_next_timer() <= 1s);
  f.clock.advance(5s);
  f.kiosk->tick();
  CHECK(f.view().screen == Screen::result);
  f.clock.advance(1s);
  f.kiosk->tick();
  CHECK(f.view().screen == Screen::ready);

  f.clock.advance(10s);
  f.scan("ana");  // registered for the discreet group, and the lunch is open to all: asked
  CHECK(f.view().screen == Screen::choose_session);
  f.tap(K::choose_session, "sess-peer");  // discreet group: no name, no program
  v = f.view();
  CHECK(v.result.outcome == Outcome::checked_in);
  CHECK(v.result.name.empty());
  CHECK(v.result.where.empty());
  CHECK(v.result.group);  // the screen says "your group"
  f.tap(K::dismiss);
  CHECK(f.view().screen == Screen::ready);
}

TEST_CASE("refusals say 'see a volunteer' in public and give the reason to staff") {
  Fixture f;
  f.scan("revoked");
  auto v = f.view();
  CHECK(v.screen == Screen::result);
  CHECK(v.result.outcome == Outcome::pass_revoked);
  CHECK(f.kiosk->take_cue() == Cue::see_volunteer);
  f.kiosk->on_scan("https://example.org/not-ours");
  f.enter_pin(kPin);
  v = f.view();
  REQUIRE(v.screen == Screen::admin);
  REQUIRE(v.admin.refusals.size() == 2);
  CHECK(v.admin.refusals[0].outcome == "not_our_code");
  CHECK(v.admin.refusals[1].outcome == "pass_revoked");
  CHECK(v.admin.refusals[1].reason == "pass revoked");
}

TEST_CASE("several sessions fit: the person chooses") {
  Fixture f;
  auto schedule = f.data.kiosk_schedule();
  Session quiz{"sess-quiz", "prog-quiz", "site-riverside", "Library", kNow, kNow + 1h, {}, {}, {}};
  schedule.sessions.push_back(with_default_window(quiz));
  schedule.programs.push_back(Program{"prog-quiz", "Quiz night", false, false, false, Registration::open, false, false});
  f.kiosk->set_schedule(schedule);
  f.scan("ben");
  auto v = f.view();
  REQUIRE(v.screen == Screen::choose_session);
  CHECK(v.choose.purpose == ui::ChoosePurpose::pass);
  CHECK(v.choose.choices.size() == 2);
  CHECK(f.kiosk->take_cue() == Cue::none);
  f.tap(K::choose_session, "sess-quiz");
  v = f.view();
  CHECK(v.screen == Screen::result);
  CHECK(v.result.where == "Quiz night · Library");
}

TEST_CASE("anonymous check-in: straight in with one session, a choice with several") {
  Fixture f;
  f.tap(K::open_anonymous);
  auto v = f.view();
  REQUIRE(v.screen == Screen::choose_session);
  CHECK(v.choose.purpose == ui::ChoosePurpose::anonymous);
  f.tap(K::choose_session, "sess-peer");
  v = f.view();
  CHECK(v.result.outcome == Outcome::checked_in);
  CHECK(v.result.name.empty());
  auto pending = f.store.pending_uploads(10).value();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].kind == EventKind::anonymous_checkin);
  CHECK(pending[0].pass_id.empty());
  CHECK(pending[0].person_id.empty());
}

TEST_CASE("No pass? A walk-in types an optional name on the on-screen keyboard") {
  Fixture f;
  f.tap(K::open_no_pass);
  auto v = f.view();
  REQUIRE(v.screen == Screen::no_pass);
  REQUIRE(v.no_pass.sessions.size() == 1);  // only the lunch allows walk-ins
  CHECK(v.no_pass.selected == "sess-lunch");
  CHECK(f.view().no_pass.shifted);  // the first letter is a capital
  f.tap(K::toggle_shift);
  CHECK_FALSE(f.view().no_pass.shifted);
  f.tap(K::toggle_shift);
  for (auto s : {"J", "o", "s", "x"}) f.tap(K::type_text, s);
  CHECK_FALSE(f.view().no_pass.shifted);
  f.tap(K::erase_text);
  f.tap(K::type_text, "é");
  CHECK(f.view().no_pass.name == "José");
  f.tap(K::confirm_walk_in);
  v = f.view();
  CHECK(v.screen == Screen::result);
  CHECK(v.result.name == "José");
  CHECK(v.no_pass.name.empty());
  auto pending = f.store.pending_uploads(10).value();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].kind == EventKind::walk_in);
  CHECK(pending[0].walk_in_name == "José");

  // An abandoned form forgets the typed name.
  f.tap(K::dismiss);
  f.tap(K::open_no_pass);
  f.tap(K::type_text, "Kim");
  f.clock.advance(91s);
  f.kiosk->tick();
  CHECK(f.view().screen == Screen::ready);
  f.tap(K::open_no_pass);
  CHECK(f.view().no_pass.name.empty());
}

TEST_CASE("check-out asks for one-tap feedback that is stored without the person") {
  Fixture f;
  f.check_in("ana", "sess-peer");
  f.clock.advance(40min);
  f.scan("ana");
  auto v = f.view();
  REQUIRE(v.screen == Screen::feedback);
  f.tap(K::feedback, {}, 4);
  v = f.view();
  CHECK(v.screen == Screen::result);
  CHECK(v.result.outcome == Outcome::checked_out);
  auto feedback = f.store.pending_feedback().value();
  REQUIRE(feedback.size() == 1);
  CHECK(feedback[0].feedback.rating == 4);
  CHECK(feedback[0].feedback.session_id == "sess-peer");
}

TEST_CASE("staff PIN: wrong tries lock the pad, and the count survives a restart") {
  Fixture f;
  for (int i = 0; i < kFreePinTries; ++i) f.enter_pin("1111");
  auto v = f.view();
  CHECK(v.screen == Screen::admin_pin);
  CHECK(v.pin.wrong);
  CHECK(v.pin.locked_seconds == 30);
  f.restart_kiosk();
  f.tap(K::open_admin);
  for (char c : kPin) f.tap(K::pin_digit, {}, c - '0');
  f.tap(K::pin_submit);
  CHECK(f.view().screen == Screen::admin_pin);
  CHECK(f.view().pin.locked_seconds == 30);
  f.clock.advance(30s);
  f.enter_pin(kPin);
  CHECK(f.view().screen == Screen::admin);
  f.clock.advance(181s);
  f.kiosk->tick();
  CHECK(f.view().screen == Screen::ready);  // staff screens lock themselves
}

TEST_CASE("admin: choose sessions, names on request (never discreet), export CSV") {
  Fixture f;
  f.scan("ben");
  f.check_in("ana", "sess-peer");
  f.scan("vic");
  f.enter_pin(kPin);
  auto v = f.view();
  REQUIRE(v.screen == Screen::admin);
  REQUIRE(v.admin.sessions.size() == 3);  // today's two sessions (not tomorrow's) and the shift
  CHECK(v.admin.pending_events == 3);

  f.tap(K::show_names, "sess-lunch");
  CHECK(f.view().admin.names == std::vector<std::string>{"Ben"});
  f.tap(K::show_names, "sess-peer");
  CHECK(f.view().admin.names.empty());

  f.kiosk->on_scan(f.data.pass("dee").text);  // scans are ignored on staff screens
  CHECK(f.store.outbox_counts().value().pending == 3);

  f.tap(K::toggle_served, "sess-lunch");
  f.tap(K::export_csv);
  v = f.view();
  REQUIRE(v.admin.export_state == ui::AdminView::ExportState::done);
  CHECK(v.admin.export_rows == 3);
  std::ifstream in(v.admin.export_file);
  std::stringstream csv;
  csv << in.rdbuf();
  CHECK(csv.str().find("Ben") != std::string::npos);
  CHECK(csv.str().find("Tuesday peer support") == std::string::npos);

  f.tap(K::set_export_path, (f.dir.path() / "unplugged").string());
  f.tap(K::export_csv);
  CHECK(f.view().admin.export_state == ui::AdminView::ExportState::failed);

  f.tap(K::dismiss);
  REQUIRE(f.view().ready.open_now.size() == 1);  // the lunch is no longer served here
  f.restart_kiosk();
  CHECK(f.view().ready.open_now.size() == 1);   // and that survives a restart
}

TEST_CASE("discreet mode hides every name on this kiosk") {
  Fixture f;
  f.enter_pin(kPin);
  f.tap(K::toggle_discreet_mode);
  f.tap(K::dismiss);
  f.scan("ben");
  auto v = f.view();
  CHECK(v.result.outcome == Outcome::checked_in);
  CHECK(v.result.name.empty());
  CHECK(v.result.where.empty());
  for (const auto& card : v.ready.open_now) CHECK(card.title.empty());
}

TEST_CASE("a failing disk: see a volunteer, and the fault on the admin screen") {
  Fixture f(store::OpenOptions::using_vfs(checkin::testing::FaultVfs::name()));
  {
    checkin::testing::FaultGuard full(checkin::testing::Fault::disk_full);
    f.scan("ben");
  }
  auto v = f.view();
  CHECK(v.result.outcome == Outcome::not_recorded);
  CHECK(f.kiosk->take_cue() == Cue::see_volunteer);
  f.enter_pin(kPin);
  CHECK_FALSE(f.view().admin.store_fault.empty());
  f.tap(K::dismiss);
  f.clock.advance(10s);
  f.scan("ben");
  CHECK(f.view().result.outcome == Outcome::checked_in);
  f.enter_pin(kPin);
  CHECK(f.view().admin.store_fault.empty());
}

TEST_CASE("people are greeted in their own language when the kiosk has it") {
  Fixture f;
  auto roster = f.data.roster;
  roster.people.at("person-ben").language = "es";
  f.desk.set_roster(roster);
  f.scan("ben");
  CHECK(f.view().language == "es");
  f.tap(K::dismiss);
  CHECK(f.view().language == "en");
}

TEST_CASE("a language tapped at the door wins over the roster's, for the greeting and the feedback") {
  Fixture f;
  // Ben's roster language is English; he taps Español, then scans.
  f.tap(K::set_language, "es");
  f.scan("ben");
  CHECK(f.view().result.outcome == Outcome::checked_in);
  CHECK(f.view().language == "es");
  f.tap(K::dismiss);
  CHECK(f.view().language == "en");  // the next person starts in the kiosk's language
  // Ana (English on file) taps Español at her group, and again when she leaves: the
  // feedback question is in Spanish too.
  f.tap(K::set_language, "es");
  f.check_in("ana", "sess-peer");
  CHECK(f.view().screen == ui::Screen::result);
  CHECK(f.view().result.outcome == Outcome::checked_in);
  CHECK(f.view().language == "es");
  f.tap(K::dismiss);
  f.clock.advance(std::chrono::minutes{20});
  f.tap(K::set_language, "es");
  f.scan("ana");
  CHECK(f.view().screen == ui::Screen::feedback);
  CHECK(f.view().language == "es");
  f.tap(K::skip_feedback);
  f.tap(K::dismiss);
  // Someone without a language on file is greeted in the kiosk's.
  auto roster = f.data.roster;
  roster.people.at("person-vic").language = "";
  f.desk.set_roster(roster);
  f.scan("vic");
  CHECK(f.view().language == "en");
}

TEST_CASE("feedback at check-out can be turned off at a kiosk the queue can see, here or for the site") {
  Fixture f;
  auto leave_group = [&] {
    f.check_in("ana", "sess-peer");
    f.tap(K::dismiss);
    f.clock.advance(std::chrono::minutes{20});
    f.scan("ana");
  };
  SECTION("by staff on this kiosk") {
    f.enter_pin(kPin);
    f.tap(K::admin_tab, {}, static_cast<int>(ui::AdminTab::settings));
    CHECK(f.view().admin.feedback);
    f.tap(K::toggle_feedback);
    CHECK_FALSE(f.view().admin.feedback);
    CHECK(f.store.get_setting("feedback").value() == std::optional<std::string>("false"));
    f.tap(K::dismiss);
  }
  SECTION("by a coordinator for the site") {
    REQUIRE(f.store.set_setting("central.feedback", "false"));
    f.restart_kiosk();  // as after a sync brought it
  }
  leave_group();
  CHECK(f.view().screen == ui::Screen::result);  // goodbye, without the question
  CHECK(f.view().result.outcome == Outcome::checked_out);
}

TEST_CASE("nothing open: the Ready screen says what opens next instead of asking for a pass") {
  Fixture f;
  CHECK_FALSE(f.view().ready.open_now.empty());
  CHECK(f.view().ready.next.id.empty());  // something is open: no "next" line
  f.clock.advance(std::chrono::hours{4});   // 22:00 (UTC in tests): the lunch and the group are over
  auto v = f.view();
  CHECK(v.ready.open_now.empty());
  CHECK(v.ready.next.id == "sess-lunch-tomorrow");
  CHECK(v.ready.next.title == "Community lunch");
  CHECK(v.ready.next_tomorrow);
}

TEST_CASE("settings: the file's defaults, then the site's central settings, then this kiosk's staff") {
  Fixture f;
  CHECK(f.kiosk->settings().volume == 40);
  CHECK_FALSE(f.kiosk->settings().discreet_mode);
  // Sync keeps what coordinators set for the site as central.<key>.
  REQUIRE(f.store.set_setting("central.volume", "10"));
  REQUIRE(f.store.set_setting("central.discreet_mode", "true"));
  REQUIRE(f.store.set_setting("central.export_dir", "/elsewhere"));  // not a central setting
  f.restart_kiosk();
  CHECK(f.kiosk->settings().volume == 10);
  CHECK(f.kiosk->settings().discreet_mode);
  CHECK(f.kiosk->settings().export_dir == f.dir.path().string());
  // Staff change the language here: only that key is this kiosk's own.
  f.enter_pin(kPin);
  f.tap(K::set_language, "es");
  REQUIRE(f.store.set_setting("central.volume", "25"));
  f.kiosk->load_caches();  // as after a sync that changed the caches
  CHECK(f.kiosk->settings().volume == 25);
  CHECK(f.kiosk->settings().language == "es");
  // ... and a volume chosen on the kiosk wins over the site's.
  f.tap(K::set_volume, {}, 70);
  REQUIRE(f.store.set_setting("central.volume", "5"));
  f.kiosk->load_caches();
  CHECK(f.kiosk->settings().volume == 70);
}

TEST_CASE("What do we record?: the notice with the server's periods and contact, then Ready again") {
  Fixture f;
  REQUIRE(f.store.set_setting("central.privacy_contact", "Ask at reception, or write to privacy@example.org"));
  REQUIRE(f.store.set_setting("central.retention_discreet_days", "60"));
  REQUIRE(f.store.set_setting("central.retention_other_days", "400"));
  f.restart_kiosk();
  f.tap(K::open_privacy);
  auto v = f.view();
  CHECK(v.screen == Screen::privacy);
  CHECK(v.privacy.discreet_days == 60);
  CHECK(v.privacy.other_days == 400);
  CHECK(v.privacy.contact == "Ask at reception, or write to privacy@example.org");
  f.tap(K::dismiss);
  CHECK(f.view().screen == Screen::ready);

  // Left open, it goes back to Ready by itself; a kiosk's own setting cannot change it.
  f.tap(K::open_privacy);
  f.clock.advance(121s);
  f.kiosk->tick();
  CHECK(f.view().screen == Screen::ready);
  REQUIRE(f.store.set_setting("privacy_contact", "a local value"));
  f.restart_kiosk();
  CHECK(f.view().privacy.contact == "Ask at reception, or write to privacy@example.org");
}
