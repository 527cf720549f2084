// SPDX-License-Identifier: AGPL-3.0-or-later
// The check-in desk on a real SQLite file: a check-in is accepted only once committed,
// a failing disk is "please see a volunteer" with nothing half-recorded, and a restarted
// kiosk remembers who is already in.
#include "checkin_catch.hpp"

#include "checkin/core/desk.hpp"
#include "checkin/store/store.hpp"
#include "fault_vfs.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace std::chrono;
using checkin::testing::Fault;
using checkin::testing::FaultGuard;
using checkin::testing::FaultVfs;
using checkin::testing::TempDir;

namespace {

const WallTime kStart = sys_days{2026y / November / 26} + 18h;

struct Kiosk {
  SigningKey key = SigningKey::generate();
  Schedule schedule;
  Roster roster;
  std::string ana_pass_id = new_pass_id();
  std::string ana = issue_pass(key, ana_pass_id, kStart + days{30}).value();
  std::string ben = issue_pass(key, new_pass_id(), kStart + days{30}).value();

  Kiosk() {
    schedule.programs = {Program{"p", "Evening group", false, true, false, Registration::open, false, false}};
    Session s{"s", "p", "site", "Room 1", kStart, kStart + 90min, {}, {}, {}};
    schedule.sessions = {with_default_window(s)};
    roster.add(Person{"person-ana", "Ana", "en", {}}, {ana_pass_id});
  }

  CheckInDesk desk(const Clock& clock, EventStore& store) const {
    CheckInDesk d(clock, store, "kiosk-1");
    d.set_schedule(schedule);
    d.set_roster(roster);
    REQUIRE(d.verifier().keys().add(key.public_key()));
    return d;
  }
};

}  // namespace

TEST_CASE("a check-in is committed to disk before it is reported") {
  TempDir dir;
  Kiosk kiosk;
  ManualClock clock(kStart);
  auto store = store::Store::open(dir.file("kiosk.db")).value();
  auto desk = kiosk.desk(clock, store);

  auto d = desk.scan(kiosk.ana);
  REQUIRE(d);
  CHECK(d->outcome == Outcome::checked_in);
  REQUIRE(d->events.size() == 1);
  CHECK(d->events[0].seq == 1);

  auto pending = store.pending_uploads(10).value();
  REQUIRE(pending.size() == 1);
  CHECK(pending[0].event_id == d->events[0].event_id);
  CHECK(pending[0].person_id == "person-ana");
}

TEST_CASE("a full or read-only disk is 'please see a volunteer' and nothing is recorded") {
  TempDir dir;
  Kiosk kiosk;
  ManualClock clock(kStart);
  auto store = store::Store::open(dir.file("kiosk.db"), {.vfs = FaultVfs::name()}).value();
  auto desk = kiosk.desk(clock, store);

  for (Fault fault : {Fault::disk_full, Fault::read_only, Fault::io_error}) {
    {
      FaultGuard guard(fault);
      auto d = desk.scan(kiosk.ana);
      REQUIRE(d);
      CHECK(d->outcome == Outcome::not_recorded);
      CHECK(needs_volunteer(d->outcome));
      CHECK(d->events.empty());
      CHECK_FALSE(d->reason.empty());
      CHECK(desk.session_tally(*desk.schedule().session("s")).attendees == 0);
    }
    clock.advance(10s);  // past the repeat window: the person tries again
  }
  CHECK(store.outbox_counts().value().pending == 0);

  // Space is back: the same person is checked in, once.
  auto d = desk.scan(kiosk.ana);
  REQUIRE(d);
  CHECK(d->outcome == Outcome::checked_in);
  CHECK(store.outbox_counts().value().pending == 1);
  CHECK(store.integrity_check());
}

TEST_CASE("a restarted kiosk remembers who is in and who is on shift") {
  TempDir dir;
  Kiosk kiosk;
  ManualClock clock(kStart);
  {
    auto store = store::Store::open(dir.file("kiosk.db")).value();
    auto desk = kiosk.desk(clock, store);
    REQUIRE(desk.scan(kiosk.ana)->outcome == Outcome::checked_in);
    REQUIRE(desk.scan(kiosk.ben)->outcome == Outcome::checked_in);
  }
  clock.reboot("boot-2");
  clock.advance(5min);
  auto store = store::Store::open(dir.file("kiosk.db")).value();
  auto desk = kiosk.desk(clock, store);
  desk.load_history(store.events_since(kStart - 24h).value());
  CHECK(desk.session_tally(*desk.schedule().session("s")).attendees == 2);
  auto again = desk.scan(kiosk.ana);
  REQUIRE(again);
  CHECK(again->outcome == Outcome::already_checked_in);
  CHECK(again->events.empty());
  CHECK(store.outbox_counts().value().pending == 2);
}
