// SPDX-License-Identifier: AGPL-3.0-or-later
// The kiosk's flow with sync: the Ready dot and the admin Sync tab follow the worker's
// status, check-ins nudge it, caches reload when it changed them, and only staff behind
// the PIN can enrol the kiosk (an enrolment code holds a secret token). A fake worker
// stands in for the sync thread; the store is real.
#include "checkin_catch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "checkin/app/kiosk.hpp"
#include "checkin/app/sync_link.hpp"
#include "checkin/demo/demo_data.hpp"
#include "checkin/sync/enrolment.hpp"
#include "kiosk_fixture.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::app;
using namespace std::chrono;
using ui::Intent;
using ui::Screen;
using ui::SyncDot;
using K = ui::Intent::Kind;
using sync::SyncState;
using sync::SyncStatus;

namespace {

using checkin::testing::kNow;
using checkin::testing::kPin;
using checkin::testing::pin_hash;
const std::string kToken = "s3cr3t-t0ken-abcdefghijklmnop";

std::string enrolment_text() {
  return sync::to_text(sync::EnrolmentCode{"https://checkin.example.org:8443", kToken, std::string(64, 'a')});
}

// Stands in for the sync thread: records what the flow asked, reports what a test sets.
class FakeSync final : public SyncLink {
 public:
  void nudge() override { ++nudges; }
  void enrol(sync::EnrolmentCode code) override { enrolments.push_back(std::move(code)); }
  SyncStatus status() const override { return now; }

  int nudges = 0;
  std::vector<sync::EnrolmentCode> enrolments;
  SyncStatus now;
};

struct Fixture {
  checkin::testing::TempDir dir;
  demo::DemoData data = demo::make_demo_data(kNow);
  ManualClock clock{kNow};
  store::Store store;
  CheckInDesk desk;
  FakeSync sync;
  Kiosk kiosk;

  explicit Fixture(bool with_sync = true)
      : store(store::Store::open(dir.file("kiosk.db")).value()),
        desk(clock, store, "local-1"),
        kiosk(desk, store, PinGuard(pin_hash()), KioskSettings{}) {
    // What a sync (or the demo) leaves in the store; the kiosk loads it from there.
    store::PublicKeyRecord key{data.key.public_key().key_id(), data.key.public_key().to_hex()};
    std::vector<store::Revocation> revoked;
    for (const auto& id : data.revoked) revoked.push_back({id, kNow});
    REQUIRE(store.replace_schedule(data.kiosk_schedule()));
    REQUIRE(store.replace_roster(data.roster));
    REQUIRE(store.save_public_keys(std::span(&key, 1)));
    REQUIRE(store.replace_revocations(revoked));
    REQUIRE(store.set_setting("site_name", data.site.name));
    kiosk.set_languages({{"en", "English"}, {"es", "Español"}});
    kiosk.load_caches();
    kiosk.load_history();
    if (with_sync) kiosk.set_sync(&sync);
  }
  void scan(std::string_view label) { kiosk.on_scan(data.pass(label).text); }
  void tap(K kind, std::string text = {}, int number = 0) { kiosk.on_intent(Intent{kind, std::move(text), number}); }
  ui::ViewState view() { return kiosk.view(); }
  void enter_admin() {
    tap(K::open_admin);
    for (char c : kPin) tap(K::pin_digit, {}, c - '0');
    tap(K::pin_submit);
    REQUIRE(view().screen == Screen::admin);
    tap(K::admin_tab, {}, static_cast<int>(ui::AdminTab::sync));
  }
  std::int64_t pending() { return store.outbox_counts().value().pending; }
};

// Everything written to stderr (the log) while `run` runs.
template <class Run>
std::string stderr_of(Run&& run) {
  checkin::testing::TempDir dir;
  const std::string file = dir.file("stderr.log");
  std::fflush(stderr);
  const int saved = dup(STDERR_FILENO);
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  dup2(fd, STDERR_FILENO);
  close(fd);
  run();
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

SyncStatus status(SyncState state, std::int64_t pending = 0, std::int64_t dead = 0, bool ever_synced = true) {
  SyncStatus s;
  s.state = state;
  s.pending = pending;
  s.dead_letters = dead;
  if (ever_synced) s.last_success = kNow - 1min;
  return s;
}

}  // namespace

TEST_CASE("the Ready dot: one mapping from every sync state") {
  CHECK(sync_dot(status(SyncState::not_enrolled, 0, 0, false)) == SyncDot::not_enrolled);
  CHECK(sync_dot(status(SyncState::synced)) == SyncDot::synced);
  CHECK(sync_dot(status(SyncState::synced, 3)) == SyncDot::pending);  // recorded since the last pass
  CHECK(sync_dot(status(SyncState::syncing)) == SyncDot::synced);     // no flicker while a pass runs
  CHECK(sync_dot(status(SyncState::syncing, 2)) == SyncDot::pending);
  CHECK(sync_dot(status(SyncState::syncing, 0, 0, false)) == SyncDot::pending);  // the first pass, after enrolment
  CHECK(sync_dot(status(SyncState::retrying)) == SyncDot::offline);
  CHECK(sync_dot(status(SyncState::retrying, 5)) == SyncDot::offline);
  CHECK(sync_dot(status(SyncState::needs_enrolment)) == SyncDot::needs_attention);
  CHECK(sync_dot(status(SyncState::synced, 0, 1)) == SyncDot::needs_attention);  // the server refused an event
  CHECK(sync_dot(status(SyncState::retrying, 4, 2)) == SyncDot::needs_attention);

  CHECK(sync_phase(SyncState::not_enrolled) == ui::SyncPhase::not_enrolled);
  CHECK(sync_phase(SyncState::syncing) == ui::SyncPhase::syncing);
  CHECK(sync_phase(SyncState::synced) == ui::SyncPhase::synced);
  CHECK(sync_phase(SyncState::retrying) == ui::SyncPhase::retrying);
  CHECK(sync_phase(SyncState::needs_enrolment) == ui::SyncPhase::needs_enrolment);
}

TEST_CASE("clock offset: said in whole minutes, only past 2 minutes") {
  CHECK(clock_offset_minutes(std::nullopt) == 0);
  CHECK(clock_offset_minutes(Millis{0}) == 0);
  CHECK(clock_offset_minutes(Millis{119'000}) == 0);
  CHECK(clock_offset_minutes(Millis{120'000}) == 0);
  CHECK(clock_offset_minutes(Millis{-120'000}) == 0);
  CHECK(clock_offset_minutes(Millis{121'000}) == 2);
  CHECK(clock_offset_minutes(Millis{150'000}) == 3);  // rounded to the nearest minute
  CHECK(clock_offset_minutes(Millis{-200'000}) == -3);
  CHECK(clock_offset_minutes(hours{1}) == 60);
  CHECK(clock_offset_minutes(-(hours{1} + minutes{29} + seconds{40})) == -90);

  Fixture f;
  f.sync.now = status(SyncState::synced);
  f.sync.now.clock_offset = hours{1};
  f.enter_admin();
  CHECK(f.view().admin.clock_offset_minutes == 60);
  f.sync.now.clock_offset = Millis{90'000};
  f.kiosk.tick();
  CHECK(f.view().admin.clock_offset_minutes == 0);
}

TEST_CASE("every recorded event nudges sync, the dot and the admin tab follow the worker") {
  Fixture f;
  CHECK(f.view().ready.sync_shown);
  CHECK(f.view().ready.sync == SyncDot::not_enrolled);
  f.kiosk.take_sync_change();

  f.sync.now = status(SyncState::synced);
  f.sync.now.device_id = "kiosk-9";
  f.sync.now.server_url = "https://checkin.example.org";
  f.sync.now.last_error = "";
  f.sync.now.next_attempt = kNow + 1min;
  f.kiosk.tick();
  CHECK(f.kiosk.take_sync_change());  // the main loop redraws
  CHECK_FALSE(f.kiosk.take_sync_change());
  f.kiosk.tick();
  CHECK_FALSE(f.kiosk.take_sync_change());  // nothing new: no redraw
  CHECK(f.view().ready.sync == SyncDot::synced);

  f.scan("ben");
  CHECK(f.sync.nudges == 1);
  f.tap(K::dismiss);
  f.scan("revoked");  // a refusal records nothing
  CHECK(f.sync.nudges == 1);
  f.tap(K::dismiss);
  f.tap(K::open_anonymous);
  f.tap(K::choose_session, "sess-lunch");
  CHECK(f.sync.nudges == 2);

  f.sync.now = status(SyncState::retrying, 2);
  f.sync.now.last_error = "could not connect to checkin.example.org";
  f.sync.now.next_attempt = kNow + 30s;
  f.kiosk.tick();
  CHECK(f.view().ready.sync == SyncDot::offline);

  f.enter_admin();
  auto v = f.view();
  CHECK(v.admin.sync == SyncDot::offline);
  CHECK(v.admin.sync_phase == ui::SyncPhase::retrying);
  CHECK(v.admin.last_error == "could not connect to checkin.example.org");
  CHECK(v.admin.last_sync.size() == 5);    // today: the time alone
  CHECK(v.admin.next_attempt.size() == 5);
  CHECK(v.admin.pending_events == 2);      // the store's own count

  f.tap(K::sync_now);
  CHECK(f.sync.nudges == 3);

  // A last sync on another day shows its date.
  f.sync.now.last_success = kNow - 48h;
  f.kiosk.tick();
  CHECK(f.view().admin.last_sync.size() == 16);
}

TEST_CASE("sync turned off: no dot, no enrolment, the admin tab says so") {
  Fixture f(/*with_sync=*/false);
  CHECK_FALSE(f.view().ready.sync_shown);
  f.scan("ben");
  CHECK(f.pending() == 1);  // kept for the CSV export
  f.tap(K::dismiss);
  f.enter_admin();
  CHECK(f.view().admin.sync_phase == ui::SyncPhase::disabled);
  f.tap(K::start_enrolment);
  CHECK(f.view().admin.enrol == ui::EnrolStep::none);
  f.kiosk.on_scan(enrolment_text());
  CHECK(f.view().admin.enrol == ui::EnrolStep::none);
}

TEST_CASE("an enrolment code at the Ready screen does not enrol and is never logged") {
  Fixture f;
  std::string log = stderr_of([&] { f.kiosk.on_scan(enrolment_text()); });
  auto v = f.view();
  CHECK(v.screen == Screen::result);
  CHECK(v.result.outcome == Outcome::not_our_code);  // "please see a volunteer"
  CHECK(f.sync.enrolments.empty());
  CHECK(f.pending() == 0);
  CHECK_THAT(log, Catch::Matchers::ContainsSubstring("enrolment code"));
  CHECK_THAT(log, !Catch::Matchers::ContainsSubstring(kToken) && !Catch::Matchers::ContainsSubstring("checkin-enrol:"));

  f.tap(K::dismiss);
  f.enter_admin();
  v = f.view();
  REQUIRE_FALSE(v.admin.refusals.empty());
  CHECK(v.admin.refusals[0].outcome == "not_our_code");
  CHECK_THAT(v.admin.refusals[0].reason, Catch::Matchers::ContainsSubstring("enrolment code") && !Catch::Matchers::ContainsSubstring(kToken));

  // On the admin screen, but not in enrol mode: ignored as well.
  f.kiosk.on_scan(enrolment_text());
  CHECK(f.sync.enrolments.empty());
  CHECK(f.view().admin.enrol == ui::EnrolStep::none);
}

TEST_CASE("enrol mode: a pass is ignored, a malformed code is explained, a good one enrols") {
  Fixture f;
  f.enter_admin();
  f.tap(K::start_enrolment);
  CHECK(f.view().admin.enrol == ui::EnrolStep::waiting_for_code);

  f.scan("ben");
  auto v = f.view();
  CHECK(v.screen == Screen::admin);
  CHECK(v.admin.enrol == ui::EnrolStep::waiting_for_code);
  CHECK(v.admin.enrol_note == ui::EnrolNote::pass_ignored);
  CHECK(f.pending() == 0);  // not checked in

  std::string log = stderr_of([&] { f.kiosk.on_scan("checkin-enrol:v1?url=ftp%3A%2F%2Fx&token=" + kToken); });
  v = f.view();
  CHECK(v.admin.enrol == ui::EnrolStep::waiting_for_code);
  CHECK(v.admin.enrol_note == ui::EnrolNote::malformed_code);
  CHECK_THAT(v.admin.enrol_detail, Catch::Matchers::ContainsSubstring("url"));
  CHECK(f.sync.enrolments.empty());
  CHECK_THAT(log, !Catch::Matchers::ContainsSubstring(kToken));

  log = stderr_of([&] { f.kiosk.on_scan(enrolment_text()); });
  REQUIRE(f.sync.enrolments.size() == 1);
  CHECK(f.sync.enrolments[0].server_url == "https://checkin.example.org:8443");
  CHECK(f.sync.enrolments[0].token == kToken);
  CHECK(f.view().admin.enrol == ui::EnrolStep::enrolling);
  CHECK_THAT(log, !Catch::Matchers::ContainsSubstring(kToken));
  f.kiosk.on_scan(enrolment_text());  // the camera sees it again: one enrolment is enough
  CHECK(f.sync.enrolments.size() == 1);

  // The worker enrols: the store has the server's id for this kiosk, the status says so.
  REQUIRE(f.store.set_device_id("kiosk-42"));
  f.sync.now.state = SyncState::syncing;
  f.sync.now.device_id = "kiosk-42";
  f.sync.now.server_url = "https://checkin.example.org:8443";
  f.sync.now.caches_version = 1;
  f.kiosk.tick();
  v = f.view();
  CHECK(v.admin.enrol == ui::EnrolStep::enrolled);
  CHECK(v.admin.device_id == "kiosk-42");
  CHECK(v.admin.server_url == "https://checkin.example.org:8443");
  CHECK(f.desk.device_id() == "kiosk-42");

  // Events from now on carry the new id.
  f.tap(K::dismiss);
  f.scan("ben");
  auto events = f.store.pending_uploads(10).value();
  REQUIRE(events.size() == 1);
  CHECK(events[0].device_id == "kiosk-42");
}

TEST_CASE("enrolment that fails shows the worker's reason, and can be tried again") {
  Fixture f;
  f.sync.now = status(SyncState::not_enrolled, 0, 0, false);
  f.enter_admin();
  f.tap(K::start_enrolment);
  f.kiosk.on_scan(enrolment_text());
  REQUIRE(f.view().admin.enrol == ui::EnrolStep::enrolling);
  f.kiosk.tick();
  CHECK(f.view().admin.enrol == ui::EnrolStep::enrolling);  // no answer yet
  f.sync.now.last_error = "the enrolment token has expired or was used already";
  f.kiosk.tick();
  auto v = f.view();
  CHECK(v.admin.enrol == ui::EnrolStep::failed);
  CHECK(v.admin.enrol_detail == "the enrolment token has expired or was used already");
  CHECK(f.desk.device_id() == "local-1");

  // The same words again: the status cannot tell, so the wait is bounded.
  f.tap(K::start_enrolment);
  f.kiosk.on_scan(enrolment_text());
  f.clock.advance(30s);
  f.kiosk.tick();
  CHECK(f.view().admin.enrol == ui::EnrolStep::enrolling);
  f.clock.advance(61s);
  f.kiosk.tick();
  CHECK(f.view().admin.enrol == ui::EnrolStep::failed);

  f.tap(K::start_enrolment);
  CHECK(f.view().admin.enrol == ui::EnrolStep::waiting_for_code);
  f.tap(K::cancel_enrolment);
  CHECK(f.view().admin.enrol == ui::EnrolStep::none);
  CHECK(f.sync.enrolments.size() == 2);
}

TEST_CASE("when sync changed the caches, the kiosk reloads them from the store") {
  Fixture f;
  f.sync.now = status(SyncState::synced);
  f.kiosk.tick();
  REQUIRE(f.view().ready.open_now.size() == 2);

  // The worker downloaded a new schedule (one session fewer), a revocation and a site name.
  Schedule smaller = f.data.kiosk_schedule();
  std::erase_if(smaller.sessions, [](const Session& s) { return s.id == "sess-lunch"; });
  REQUIRE(f.store.replace_schedule(smaller));
  store::Revocation ben{f.data.pass("ben").pass_id, kNow};
  REQUIRE(f.store.add_revocations(std::span(&ben, 1)));
  REQUIRE(f.store.set_setting("site_name", "Northside Library"));
  f.kiosk.tick();
  CHECK(f.view().ready.open_now.size() == 2);  // caches_version unchanged: nothing reloaded

  f.sync.now.caches_version = 1;
  f.kiosk.tick();
  auto v = f.view();
  CHECK(v.ready.open_now.size() == 1);
  CHECK(v.site_name == "Northside Library");
  f.scan("ben");
  CHECK(f.view().result.outcome == Outcome::pass_revoked);

  // A key rotated out stops being trusted.
  REQUIRE(f.store.save_public_keys({}));
  f.sync.now.caches_version = 2;
  f.kiosk.tick();
  f.tap(K::dismiss);
  f.clock.advance(10s);
  f.scan("dee");
  CHECK(f.view().result.outcome == Outcome::not_our_code);
  CHECK(f.desk.ledger().events().empty());
}
