// SPDX-License-Identifier: AGPL-3.0-or-later
// Store::apply_download: one sync download round lands in one transaction, all or nothing.
#include "checkin_catch.hpp"

#include "checkin/store/store.hpp"
#include "fault_vfs.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::store;
using checkin::testing::at_utc;
using checkin::testing::Fault;
using checkin::testing::FaultGuard;
using checkin::testing::FaultVfs;
using checkin::testing::RawDatabase;
using checkin::testing::TempDir;

namespace {

Store open_store(const std::string& path, const OpenOptions& options = {}) {
  auto store = Store::open(path, options);
  if (!store) FAIL("opening the store failed: " << store.error().message);
  return std::move(*store);
}

Schedule schedule_with(const std::string& program_id, const std::string& session_id, const std::string& shift_id) {
  Schedule schedule;
  schedule.programs.push_back(
      Program{program_id, "Program " + program_id, false, false, false, Registration::open, false, false});
  Session session{session_id, program_id, "site-1", "Hall", at_utc(2026, 11, 26, 18), at_utc(2026, 11, 26, 20),
                  {}, {}, 12};
  schedule.sessions.push_back(with_default_window(session));
  schedule.shifts.push_back(
      Shift{shift_id, "site-1", "front desk", at_utc(2026, 11, 26, 17), at_utc(2026, 11, 26, 21), {"person-9"}});
  return schedule;
}

Roster roster_with(const std::string& person_id, const std::string& pass_id) {
  Roster roster;
  roster.add(Person{person_id, "Sam", "en", {}}, {pass_id});
  return roster;
}

// The state the "old" round left: every cache filled, a cursor and the kiosk's own settings.
DownloadedChanges first_round() {
  DownloadedChanges changes;
  changes.schedule = schedule_with("p-old", "s-old", "sh-old");
  changes.roster = roster_with("person-old", "aa01");
  changes.revocations = {Revocation{"bb01", at_utc(2026, 11, 1)}};
  changes.replace_revocations = true;
  changes.public_keys = std::vector{PublicKeyRecord{"0a0b", "00112233"}};
  changes.central_settings = std::map<std::string, std::string>{{"result_seconds", "4"}, {"volume_cap", "70"}};
  changes.site_name = "Riverside";
  changes.cursor = "cursor-1";
  return changes;
}

DownloadedChanges second_round() {
  DownloadedChanges changes;
  changes.schedule = schedule_with("p-new", "s-new", "sh-new");
  changes.roster = roster_with("person-new", "aa02");
  changes.revocations = {Revocation{"BB02", at_utc(2026, 11, 2)}};
  changes.public_keys = std::vector{PublicKeyRecord{"0c0d", "44556677"}};
  changes.central_settings = std::map<std::string, std::string>{{"result_seconds", "6"}};
  changes.site_name = "Riverside Centre";
  changes.cursor = "cursor-2";
  return changes;
}

std::string setting(Store& store, std::string_view key) {
  auto value = store.get_setting(key);
  REQUIRE(value);
  return value->value_or("<none>");
}

void check_first_round(Store& store) {
  auto schedule = store.load_schedule();
  REQUIRE(schedule);
  REQUIRE(schedule->sessions.size() == 1);
  CHECK(schedule->sessions[0].id == "s-old");
  REQUIRE(schedule->shifts.size() == 1);
  CHECK(schedule->shifts[0].id == "sh-old");
  auto roster = store.load_roster();
  REQUIRE(roster);
  CHECK(roster->people.size() == 1);
  CHECK(roster->people.contains("person-old"));
  auto revoked = store.revocations();
  REQUIRE(revoked);
  REQUIRE(revoked->size() == 1);
  CHECK(revoked->at(0).pass_id_hex == "bb01");
  auto keys = store.load_public_keys();
  REQUIRE(keys);
  REQUIRE(keys->size() == 1);
  CHECK(keys->at(0).key_id_hex == "0a0b");
  CHECK(setting(store, "central.result_seconds") == "4");
  CHECK(setting(store, "central.volume_cap") == "70");
  CHECK(setting(store, "site_name") == "Riverside");
  CHECK(setting(store, "sync_cursor") == "cursor-1");
  CHECK(setting(store, "language") == "es");
}

}  // namespace

TEST_CASE("apply_download replaces the caches, adds revocations and keeps the cursor", "[store][download]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  REQUIRE(store.set_setting("language", "es"));  // the kiosk's own setting is never touched
  REQUIRE(store.apply_download(first_round()));
  check_first_round(store);

  REQUIRE(store.apply_download(second_round()));
  auto schedule = store.load_schedule();
  REQUIRE(schedule);
  REQUIRE(schedule->programs.size() == 1);
  CHECK(schedule->programs[0].id == "p-new");
  REQUIRE(schedule->sessions.size() == 1);
  CHECK(schedule->sessions[0].id == "s-new");
  REQUIRE(schedule->shifts.size() == 1);
  CHECK(schedule->shifts[0].assigned_people == std::vector<Id>{"person-9"});
  auto roster = store.load_roster();
  REQUIRE(roster);
  CHECK(roster->people.size() == 1);
  CHECK(roster->find_by_pass("aa02") != nullptr);
  CHECK(roster->find_by_pass("aa01") == nullptr);
  // Not a full resync: revocations are added, in lower case.
  CHECK(*store.is_revoked("bb01"));
  CHECK(*store.is_revoked("bb02"));
  auto keys = store.load_public_keys();
  REQUIRE(keys);
  REQUIRE(keys->size() == 1);
  CHECK(keys->at(0).key_id_hex == "0c0d");
  // Central settings are replaced as a set: one no longer sent is gone.
  CHECK(setting(store, "central.result_seconds") == "6");
  CHECK(setting(store, "central.volume_cap") == "<none>");
  CHECK(setting(store, "site_name") == "Riverside Centre");
  CHECK(setting(store, "sync_cursor") == "cursor-2");
  CHECK(setting(store, "language") == "es");
}

TEST_CASE("apply_download leaves alone what the round did not bring", "[store][download]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  REQUIRE(store.set_setting("language", "es"));
  REQUIRE(store.apply_download(first_round()));

  DownloadedChanges quiet;
  quiet.schedule = first_round().schedule;
  quiet.cursor = "cursor-1b";
  REQUIRE(store.apply_download(quiet));
  auto roster = store.load_roster();
  REQUIRE(roster);
  CHECK(roster->people.contains("person-old"));
  CHECK(*store.is_revoked("bb01"));
  CHECK(store.load_public_keys()->size() == 1);
  CHECK(setting(store, "central.result_seconds") == "4");
  CHECK(setting(store, "site_name") == "Riverside");
  CHECK(setting(store, "sync_cursor") == "cursor-1b");
}

TEST_CASE("apply_download on a full resync replaces revocations, an empty roster clears it", "[store][download]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  REQUIRE(store.apply_download(first_round()));

  DownloadedChanges resync;
  resync.schedule = Schedule{};
  resync.roster = Roster{};
  resync.replace_revocations = true;
  resync.revocations = {Revocation{"cc03", at_utc(2026, 11, 3)}};
  resync.cursor = "cursor-9";
  REQUIRE(store.apply_download(resync));
  CHECK(store.load_schedule()->sessions.empty());
  CHECK(store.load_roster()->people.empty());
  CHECK_FALSE(*store.is_revoked("bb01"));
  CHECK(*store.is_revoked("cc03"));
  CHECK(setting(store, "sync_cursor") == "cursor-9");
}

TEST_CASE("apply_download with a bad part applies nothing, not even the cursor", "[store][download]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  REQUIRE(store.set_setting("language", "es"));
  REQUIRE(store.apply_download(first_round()));

  SECTION("a revocation that is not hex, after the schedule was written") {
    auto bad = second_round();
    bad.revocations.push_back(Revocation{"not hex!", at_utc(2026, 11, 4)});
    auto result = store.apply_download(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::invalid_input);
  }
  SECTION("a session of a program the schedule lacks") {
    auto bad = second_round();
    bad.schedule.sessions[0].program_id = "p-missing";
    REQUIRE_FALSE(store.apply_download(bad));
  }
  SECTION("a public key that is not hex, after the roster was written") {
    auto bad = second_round();
    bad.public_keys = std::vector{PublicKeyRecord{"0c0d", "zz"}};
    REQUIRE_FALSE(store.apply_download(bad));
  }
  check_first_round(store);
}

TEST_CASE("a storage fault at any write of apply_download leaves the old round and cursor", "[store][download][fault]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  auto store = open_store(path, OpenOptions::using_vfs(FaultVfs::name()));
  REQUIRE(store.set_setting("language", "es"));
  REQUIRE(store.apply_download(first_round()));

  bool reached_the_end = false;
  int failed_attempts = 0;
  // Fail the first write, then the second, ... until the transaction needs fewer writes.
  for (int writes_before_fault = 0; writes_before_fault < 200 && !reached_the_end; ++writes_before_fault) {
    INFO("writes before the fault: " << writes_before_fault);
    {
      FaultGuard fault(Fault::io_error, writes_before_fault);
      auto result = store.apply_download(second_round());
      if (result) {
        reached_the_end = true;
      } else {
        ++failed_attempts;
        CHECK(FaultVfs::faults_injected() > 0);
      }
    }
    if (!reached_the_end) {
      // A fresh connection sees what is on disk: the old state, whole.
      auto reopened = open_store(path);
      check_first_round(reopened);
      CHECK(RawDatabase(path).text("PRAGMA integrity_check") == "ok");
    }
  }
  REQUIRE(reached_the_end);
  CHECK(failed_attempts > 0);
  CHECK(setting(store, "sync_cursor") == "cursor-2");
  CHECK(store.integrity_check().has_value());
}
