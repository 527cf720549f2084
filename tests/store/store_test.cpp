// SPDX-License-Identifier: AGPL-3.0-or-later
// Unit tests of the store, each on a fresh SQLite file in its own temporary directory.
#include "checkin_catch.hpp"

#include <algorithm>
#include <set>
#include <thread>

#include "checkin/store/store.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::store;
using checkin::testing::at_utc;
using checkin::testing::checkin_event;
using checkin::testing::RawDatabase;
using checkin::testing::TempDir;

namespace {

Store open_store(const std::string& path) {
  auto store = Store::open(path);
  if (!store) FAIL("opening the store failed: " << store.error().message);
  return std::move(*store);
}

std::vector<std::string> ids_of(const std::vector<AttendanceEvent>& events) {
  std::vector<std::string> ids;
  for (const auto& event : events) ids.push_back(event.event_id);
  return ids;
}

AttendanceEvent appended(Store& store, AttendanceEvent event) {
  auto committed = store.append(std::span(&event, 1));
  if (!committed) FAIL("append failed: " << committed.error().message);
  return committed->at(0);
}

}  // namespace

TEST_CASE("open creates a WAL database at the latest schema version", "[store]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  {
    auto store = open_store(path);
    REQUIRE(store.path() == path);
    REQUIRE(store.integrity_check().has_value());
  }
  RawDatabase raw(path);
  CHECK(raw.text("PRAGMA journal_mode") == "wal");
  CHECK(raw.integer("PRAGMA user_version") == Store::schema_version());
  CHECK(raw.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'attendance_log'") == 1);
}

TEST_CASE("reopening keeps the data and the schema version", "[store]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  {
    auto store = open_store(path);
    appended(store, checkin_event("e1"));
  }
  auto store = open_store(path);
  auto events = store.events_since(WallTime{});
  REQUIRE(events);
  CHECK(ids_of(*events) == std::vector<std::string>{"e1"});
  CHECK(RawDatabase(path).integer("PRAGMA user_version") == Store::schema_version());
}

TEST_CASE("append assigns each device's sequence numbers from 1 and returns the committed events", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));

  std::vector<AttendanceEvent> batch{checkin_event("e1"), checkin_event("e2"), checkin_event("e3")};
  batch[1].seq = 99;  // whatever the caller put there is replaced
  auto committed = store.append(batch);
  REQUIRE(committed);
  REQUIRE(committed->size() == 3);
  CHECK(committed->at(0).seq == 1);
  CHECK(committed->at(1).seq == 2);
  CHECK(committed->at(2).seq == 3);
  CHECK(ids_of(*committed) == std::vector<std::string>{"e1", "e2", "e3"});

  CHECK(appended(store, checkin_event("e4")).seq == 4);
  CHECK(appended(store, checkin_event("other-1", "session-1", at_utc(2026, 11, 26), "kiosk-2")).seq == 1);
  CHECK(appended(store, checkin_event("e5")).seq == 5);

  auto nothing = store.append({});
  REQUIRE(nothing);
  CHECK(nothing->empty());
}

TEST_CASE("append keeps every field of every kind of event", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));

  AttendanceEvent shift_end;
  shift_end.event_id = "0190a0b1-0000-7000-8000-000000000001";
  shift_end.device_id = "kiosk-1";
  shift_end.kind = EventKind::shift_end;
  shift_end.shift_id = "shift-7";
  shift_end.pass_id = "aabbccddeeff00112233445566778899";
  shift_end.person_id = "person-9";
  shift_end.shift_duration = Millis{3 * 3600 * 1000 + 17};
  shift_end.wall_time = at_utc(2026, 11, 26, 21, 5) + Millis{250};
  shift_end.monotonic = Millis{987'654'321};
  shift_end.boot_id = "5f1c0e2a-boot";
  shift_end.flags = flag_auto_closed | flag_clock_unsynced;

  AttendanceEvent walk_in = checkin_event("walk-in-1");
  walk_in.kind = EventKind::walk_in;
  walk_in.pass_id.clear();
  walk_in.person_id.clear();
  walk_in.walk_in_name = "Zoë ☀";
  walk_in.flags = flag_forced;

  AttendanceEvent undo;
  undo.event_id = "undo-1";
  undo.device_id = "kiosk-1";
  undo.kind = EventKind::undo;
  undo.undoes_event_id = "walk-in-1";
  undo.wall_time = at_utc(2026, 11, 26, 21, 6);

  std::vector<AttendanceEvent> batch{shift_end, walk_in, undo};
  REQUIRE(store.append(batch));
  auto events = store.events_since(WallTime{});
  REQUIRE(events);
  REQUIRE(events->size() == 3);

  const AttendanceEvent& read = events->at(0);
  CHECK(read.event_id == shift_end.event_id);
  CHECK(read.device_id == shift_end.device_id);
  CHECK(read.seq == 1);
  CHECK(read.kind == EventKind::shift_end);
  CHECK(read.session_id.empty());
  CHECK(read.shift_id == "shift-7");
  CHECK(read.pass_id == shift_end.pass_id);
  CHECK(read.person_id == "person-9");
  CHECK(read.shift_duration == shift_end.shift_duration);
  CHECK(read.wall_time == shift_end.wall_time);
  CHECK(read.monotonic == shift_end.monotonic);
  CHECK(read.boot_id == shift_end.boot_id);
  CHECK(read.flags == (flag_auto_closed | flag_clock_unsynced));

  CHECK(events->at(1).kind == EventKind::walk_in);
  CHECK(events->at(1).walk_in_name == "Zoë ☀");
  CHECK(events->at(1).flags == flag_forced);
  CHECK(events->at(2).kind == EventKind::undo);
  CHECK(events->at(2).undoes_event_id == "walk-in-1");
}

TEST_CASE("a batch with a duplicate event id records nothing", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  appended(store, checkin_event("e1"));

  std::vector<AttendanceEvent> batch{checkin_event("e2"), checkin_event("e1")};
  auto result = store.append(batch);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == Errc::invalid_input);
  CHECK_THAT(result.error().message, Catch::Matchers::ContainsSubstring("event_id"));

  auto events = store.events_since(WallTime{});
  REQUIRE(events);
  CHECK(ids_of(*events) == std::vector<std::string>{"e1"});
  // The failed transaction did not use up a sequence number.
  CHECK(appended(store, checkin_event("e2")).seq == 2);
  auto counts = store.outbox_counts();
  REQUIRE(counts);
  CHECK(counts->pending == 2);
}

TEST_CASE("append refuses events without an event id or a device id", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  std::vector<AttendanceEvent> no_id{checkin_event("")};
  auto result = store.append(no_id);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == Errc::invalid_input);

  std::vector<AttendanceEvent> no_device{checkin_event("e1", "session-1", at_utc(2026, 1, 1), "")};
  result = store.append(no_device);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == Errc::invalid_input);
  CHECK(store.events_since(WallTime{})->empty());
}

TEST_CASE("sequence numbers are never reused after uploaded events are purged", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  std::vector<AttendanceEvent> batch{checkin_event("e1"), checkin_event("e2")};
  REQUIRE(store.append(batch));
  std::vector<std::string> ids{"e1", "e2"};
  REQUIRE(store.mark_uploaded(ids));
  auto purged = store.purge_uploaded_before(at_utc(2030, 1, 1));
  REQUIRE(purged);
  CHECK(*purged == 2);
  CHECK(appended(store, checkin_event("e3")).seq == 3);
}

TEST_CASE("events_since returns the events at or after a time, in commit order", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  appended(store, checkin_event("yesterday", "s1", at_utc(2026, 11, 25, 18)));
  appended(store, checkin_event("today-late", "s1", at_utc(2026, 11, 26, 20)));
  appended(store, checkin_event("today-early", "s1", at_utc(2026, 11, 26, 9)));  // clock stepped back

  auto today = store.events_since(at_utc(2026, 11, 26));
  REQUIRE(today);
  CHECK(ids_of(*today) == std::vector<std::string>{"today-late", "today-early"});
  auto exact = store.events_since(at_utc(2026, 11, 26, 20));
  REQUIRE(exact);
  CHECK(ids_of(*exact) == std::vector<std::string>{"today-late"});
}

TEST_CASE("events_for_sessions and events_for_shifts include the undo events that refer to them", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  appended(store, checkin_event("a1", "session-a"));
  appended(store, checkin_event("b1", "session-b"));
  appended(store, checkin_event("c1", "session-c"));
  AttendanceEvent undo_b1 = checkin_event("undo-b1", "");
  undo_b1.kind = EventKind::undo;
  undo_b1.undoes_event_id = "b1";
  appended(store, undo_b1);
  appended(store, checkin_event("a2", "session-a"));

  AttendanceEvent shift_start = checkin_event("shift-1-start", "");
  shift_start.kind = EventKind::shift_start;
  shift_start.shift_id = "shift-1";
  appended(store, shift_start);

  std::vector<Id> sessions{"session-b", "session-a", "session-a"};
  auto events = store.events_for_sessions(sessions);
  REQUIRE(events);
  CHECK(ids_of(*events) == std::vector<std::string>{"a1", "b1", "undo-b1", "a2"});

  std::vector<Id> shifts{"shift-1"};
  auto shift_events = store.events_for_shifts(shifts);
  REQUIRE(shift_events);
  CHECK(ids_of(*shift_events) == std::vector<std::string>{"shift-1-start"});

  std::vector<Id> unknown{"nope"};
  CHECK(store.events_for_sessions(unknown)->empty());
}

TEST_CASE("the outbox hands out pending events in sequence order until they are uploaded", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  for (int i = 1; i <= 5; ++i) appended(store, checkin_event("e" + std::to_string(i)));

  auto first = store.pending_uploads(3);
  REQUIRE(first);
  CHECK(ids_of(*first) == std::vector<std::string>{"e1", "e2", "e3"});
  CHECK(first->at(2).seq == 3);

  std::vector<std::string> accepted{"e1", "e3", "not-ours"};
  auto changed = store.mark_uploaded(accepted);
  REQUIRE(changed);
  CHECK(*changed == 2);
  CHECK(*store.mark_uploaded(accepted) == 0);  // retrying a batch is harmless

  auto rest = store.pending_uploads(100);
  REQUIRE(rest);
  CHECK(ids_of(*rest) == std::vector<std::string>{"e2", "e4", "e5"});
  auto counts = store.outbox_counts();
  REQUIRE(counts);
  CHECK(counts->pending == 3);
  CHECK(counts->uploaded == 2);
  CHECK(counts->dead == 0);
  CHECK(store.pending_uploads(0)->empty());
}

TEST_CASE("rejected events become dead letters with their reason and can be queued again", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  appended(store, checkin_event("e1"));
  appended(store, checkin_event("e2"));

  std::vector<std::string> both{"e1", "e2"};
  REQUIRE(store.note_upload_failure(both, "HTTP 503"));
  REQUIRE(store.note_upload_failure(both, "connection reset"));
  REQUIRE(store.mark_dead_letter("e1", "HTTP 422: unknown session"));

  auto dead = store.dead_letters();
  REQUIRE(dead);
  REQUIRE(dead->size() == 1);
  CHECK(dead->at(0).event.event_id == "e1");
  CHECK(dead->at(0).reason == "HTTP 422: unknown session");
  CHECK(dead->at(0).attempts == 3);
  CHECK(dead->at(0).last_error == "connection reset");
  CHECK(ids_of(*store.pending_uploads(10)) == std::vector<std::string>{"e2"});

  auto missing = store.mark_dead_letter("nope", "whatever");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == Errc::not_found);

  REQUIRE(store.requeue_dead_letter("e1"));
  CHECK(store.dead_letters()->empty());
  CHECK(ids_of(*store.pending_uploads(10)) == std::vector<std::string>{"e1", "e2"});
  auto not_dead = store.requeue_dead_letter("e2");
  REQUIRE_FALSE(not_dead);
  CHECK(not_dead.error().code == Errc::not_found);
}

TEST_CASE("purge removes only uploaded events older than the cut-off", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  appended(store, checkin_event("old-uploaded", "s", at_utc(2026, 11, 1)));
  appended(store, checkin_event("old-pending", "s", at_utc(2026, 11, 1)));
  appended(store, checkin_event("old-dead", "s", at_utc(2026, 11, 1)));
  appended(store, checkin_event("new-uploaded", "s", at_utc(2026, 11, 20)));
  std::vector<std::string> uploaded{"old-uploaded", "new-uploaded"};
  REQUIRE(store.mark_uploaded(uploaded));
  REQUIRE(store.mark_dead_letter("old-dead", "HTTP 400"));

  auto purged = store.purge_uploaded_before(at_utc(2026, 11, 10));
  REQUIRE(purged);
  CHECK(*purged == 1);
  auto left = store.events_since(WallTime{});
  REQUIRE(left);
  CHECK(ids_of(*left) == std::vector<std::string>{"old-pending", "old-dead", "new-uploaded"});
  auto counts = store.outbox_counts();
  REQUIRE(counts);
  CHECK(counts->pending == 1);
  CHECK(counts->dead == 1);
  CHECK(counts->uploaded == 1);
  REQUIRE(store.integrity_check());
}

namespace {

Schedule sample_schedule() {
  Schedule schedule;
  schedule.programs.push_back(Program{"p-support", "Tuesday peer support", true, true, false, Registration::roster,
                                      true, true});
  schedule.programs.push_back(Program{"p-social", "Drop-in social", false, false, true, Registration::open, false,
                                      false});
  Session support{"s-1", "p-support", "site-1", "Room 2", at_utc(2026, 11, 26, 18), at_utc(2026, 11, 26, 20), {}, {},
                  12};
  schedule.sessions.push_back(with_default_window(support));
  Session social{"s-2", "p-social", "site-1", "", at_utc(2026, 11, 27, 14), at_utc(2026, 11, 27, 17), {}, {},
                 std::nullopt};
  schedule.sessions.push_back(with_default_window(social));
  schedule.shifts.push_back(Shift{"sh-1", "site-1", "front desk", at_utc(2026, 11, 26, 17), at_utc(2026, 11, 26, 21),
                                  {"person-2", "person-1"}});
  schedule.shifts.push_back(Shift{"sh-2", "site-1", "kitchen", at_utc(2026, 11, 27, 13), at_utc(2026, 11, 27, 18), {}});
  return schedule;
}

}  // namespace

TEST_CASE("the schedule is replaced and loaded as a whole", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  auto empty = store.load_schedule();
  REQUIRE(empty);
  CHECK(empty->programs.empty());

  const Schedule schedule = sample_schedule();
  REQUIRE(store.replace_schedule(schedule));
  auto loaded = store.load_schedule();
  REQUIRE(loaded);
  REQUIRE(loaded->programs.size() == 2);
  const Program& support = loaded->programs[0];
  CHECK(support.id == "p-support");
  CHECK(support.name == "Tuesday peer support");
  CHECK(support.discreet);
  CHECK(support.anonymous_allowed);
  CHECK_FALSE(support.walk_ins_allowed);
  CHECK(support.registration == Registration::roster);
  CHECK(support.tracks_checkout);
  CHECK(support.feedback_enabled);
  CHECK(loaded->programs[1].registration == Registration::open);
  CHECK(loaded->programs[1].walk_ins_allowed);

  REQUIRE(loaded->sessions.size() == 2);
  const Session& s1 = loaded->sessions[0];
  CHECK(s1.id == "s-1");
  CHECK(s1.program_id == "p-support");
  CHECK(s1.site_id == "site-1");
  CHECK(s1.room == "Room 2");
  CHECK(s1.start == schedule.sessions[0].start);
  CHECK(s1.end == schedule.sessions[0].end);
  CHECK(s1.window_opens == schedule.sessions[0].window_opens);
  CHECK(s1.window_closes == schedule.sessions[0].window_closes);
  CHECK(s1.capacity == 12);
  CHECK_FALSE(loaded->sessions[1].capacity.has_value());

  REQUIRE(loaded->shifts.size() == 2);
  CHECK(loaded->shifts[0].role == "front desk");
  CHECK(loaded->shifts[0].start == schedule.shifts[0].start);
  CHECK(loaded->shifts[0].assigned_people == std::vector<Id>{"person-2", "person-1"});
  CHECK(loaded->shifts[1].assigned_people.empty());

  Schedule next;
  next.programs.push_back(schedule.programs[1]);
  next.sessions.push_back(schedule.sessions[1]);
  REQUIRE(store.replace_schedule(next));
  loaded = store.load_schedule();
  REQUIRE(loaded);
  CHECK(loaded->programs.size() == 1);
  CHECK(loaded->sessions.size() == 1);
  CHECK(loaded->shifts.empty());
}

TEST_CASE("a schedule with a session of an unknown program is refused and the old one kept", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  REQUIRE(store.replace_schedule(sample_schedule()));

  Schedule broken = sample_schedule();
  broken.sessions[0].program_id = "p-missing";
  broken.shifts[0].role = "changed";
  auto result = store.replace_schedule(broken);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == Errc::invalid_input);

  auto loaded = store.load_schedule();
  REQUIRE(loaded);
  CHECK(loaded->sessions.size() == 2);
  CHECK(loaded->sessions[0].program_id == "p-support");
  CHECK(loaded->shifts[0].role == "front desk");
}

TEST_CASE("the roster is replaced and loaded as a whole", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  Roster roster;
  roster.add(Person{"person-1", "Sam", "en", {"p-support", "p-art"}}, {"aa01", "aa02"});
  roster.add(Person{"person-2", "", "es", {}}, {"bb01"});
  REQUIRE(store.replace_roster(roster));

  auto loaded = store.load_roster();
  REQUIRE(loaded);
  REQUIRE(loaded->people.size() == 2);
  const Person* sam = loaded->find_by_pass("aa02");
  REQUIRE(sam);
  CHECK(sam->id == "person-1");
  CHECK(sam->preferred_name == "Sam");
  CHECK(sam->language == "en");
  auto programs = sam->registered_programs;
  std::sort(programs.begin(), programs.end());
  CHECK(programs == std::vector<Id>{"p-art", "p-support"});
  const Person* unnamed = loaded->find_by_pass("bb01");
  REQUIRE(unnamed);
  CHECK(unnamed->preferred_name.empty());
  CHECK(loaded->person_by_pass.size() == 3);

  Roster smaller;
  smaller.add(Person{"person-2", "Ana", "es", {}}, {"bb02"});
  REQUIRE(store.replace_roster(smaller));
  loaded = store.load_roster();
  REQUIRE(loaded);
  CHECK(loaded->people.size() == 1);
  CHECK(loaded->find_by_pass("aa01") == nullptr);
  CHECK(loaded->find_by_pass("bb01") == nullptr);
  REQUIRE(loaded->find_by_pass("bb02"));
  CHECK(loaded->find_by_pass("bb02")->preferred_name == "Ana");
}

TEST_CASE("a roster whose pass points at a missing person is refused and the old one kept", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  Roster roster;
  roster.add(Person{"person-1", "Sam", "en", {}}, {"aa01"});
  REQUIRE(store.replace_roster(roster));

  Roster broken;
  broken.add(Person{"person-2", "Ana", "es", {}}, {"bb01"});
  broken.person_by_pass["cc01"] = "person-unknown";
  auto result = store.replace_roster(broken);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == Errc::invalid_input);
  auto loaded = store.load_roster();
  REQUIRE(loaded);
  CHECK(loaded->people.size() == 1);
  CHECK(loaded->find_by_pass("aa01"));
}

TEST_CASE("revocations are added, listed and looked up regardless of hex case", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  std::vector<Revocation> first{{"AABB01", at_utc(2026, 11, 2)}, {"ccdd02", at_utc(2026, 11, 1)}};
  REQUIRE(store.add_revocations(first));
  std::vector<Revocation> again{{"aabb01", at_utc(2026, 11, 5)}};  // a later duplicate keeps the earliest
  REQUIRE(store.add_revocations(again));

  auto list = store.revocations();
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK(list->at(0).pass_id_hex == "ccdd02");
  CHECK(list->at(1).pass_id_hex == "aabb01");
  CHECK(list->at(1).revoked_at == at_utc(2026, 11, 2));

  CHECK(*store.is_revoked("aabb01"));
  CHECK(*store.is_revoked("AaBb01"));
  CHECK_FALSE(*store.is_revoked("eeff03"));

  std::vector<Revocation> not_hex{{"xyz", at_utc(2026, 11, 1)}};
  auto refused = store.add_revocations(not_hex);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::invalid_input);

  std::vector<Revocation> resync{{"eeff03", at_utc(2026, 11, 9)}};
  REQUIRE(store.replace_revocations(resync));
  CHECK_FALSE(*store.is_revoked("aabb01"));
  CHECK(*store.is_revoked("eeff03"));
}

TEST_CASE("public keys are saved as the whole active set", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  std::vector<PublicKeyRecord> keys{{"0a0b0c0d", "11223344556677889900aabbccddeeff"}, {"01020304", "ffee"}};
  REQUIRE(store.save_public_keys(keys));
  auto loaded = store.load_public_keys();
  REQUIRE(loaded);
  REQUIRE(loaded->size() == 2);
  CHECK(loaded->at(0).key_id_hex == "01020304");
  CHECK(loaded->at(1).public_key_hex == "11223344556677889900aabbccddeeff");

  std::vector<PublicKeyRecord> rotated{{"0A0B0C0D", "11223344556677889900AABBCCDDEEFF"}};
  REQUIRE(store.save_public_keys(rotated));
  loaded = store.load_public_keys();
  REQUIRE(loaded);
  REQUIRE(loaded->size() == 1);
  CHECK(loaded->at(0).key_id_hex == "0a0b0c0d");

  std::vector<PublicKeyRecord> bad{{"0a", "not hex"}};
  auto refused = store.save_public_keys(bad);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::invalid_input);
  CHECK(store.load_public_keys()->size() == 1);
}

TEST_CASE("settings and the device id are kept as text", "[store]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  {
    auto store = open_store(path);
    CHECK_FALSE(store.get_setting("language")->has_value());
    CHECK_FALSE(store.device_id()->has_value());
    REQUIRE(store.set_setting("language", "en"));
    REQUIRE(store.set_setting("language", "es"));
    REQUIRE(store.set_setting("volume", ""));
    REQUIRE(store.set_device_id("kiosk-42"));
    REQUIRE(store.set_device_id("kiosk-43"));
    auto empty_id = store.set_device_id("");
    REQUIRE_FALSE(empty_id);
    CHECK(empty_id.error().code == Errc::invalid_input);
  }
  auto store = open_store(path);
  CHECK(store.get_setting("language")->value() == "es");
  CHECK(store.get_setting("volume")->value().empty());
  CHECK(*store.all_settings() == std::map<std::string, std::string>{{"language", "es"}, {"volume", ""}});
  CHECK(store.device_id()->value() == "kiosk-43");
}

TEST_CASE("feedback is stored with the day only and removed after upload", "[store]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  auto store = open_store(path);
  REQUIRE(store.record_feedback(Feedback{"s-1", 5}, at_utc(2026, 11, 26, 19, 42)));
  REQUIRE(store.record_feedback(Feedback{"s-1", 3}, at_utc(2026, 11, 26, 19, 43)));
  REQUIRE(store.record_feedback(Feedback{"s-0", 4}, at_utc(2026, 11, 25, 19, 0)));

  for (int rating : {0, 6, -1}) {
    auto refused = store.record_feedback(Feedback{"s-1", rating}, at_utc(2026, 11, 26));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::invalid_input);
  }

  auto pending = store.pending_feedback();
  REQUIRE(pending);
  REQUIRE(pending->size() == 3);
  CHECK(pending->at(0).feedback.session_id == "s-0");
  CHECK(pending->at(0).day == "2026-11-25");
  CHECK(pending->at(1).feedback.rating == 3);  // by rating within a day, not by time recorded
  CHECK(pending->at(2).feedback.rating == 5);
  CHECK(pending->at(2).day == "2026-11-26");

  // Nothing in the table could tie a rating to a person, an event or a moment.
  RawDatabase raw(path);
  auto columns = raw.column("SELECT name FROM pragma_table_info('feedback') ORDER BY cid");
  CHECK(columns == std::vector<std::string>{"id", "session_id", "rating", "day"});

  std::vector<std::int64_t> uploaded{pending->at(0).id, pending->at(2).id};
  REQUIRE(store.remove_feedback(uploaded));
  pending = store.pending_feedback();
  REQUIRE(pending);
  REQUIRE(pending->size() == 1);
  CHECK(pending->at(0).feedback.rating == 3);
}

TEST_CASE("two stores on one file append concurrently without sharing a sequence number", "[store]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  { open_store(path); }
  constexpr int per_thread = 40;
  auto writer = [&](const std::string& prefix, std::vector<std::string>& errors) {
    auto store = Store::open(path);
    if (!store) {
      errors.push_back(store.error().message);
      return;
    }
    for (int i = 0; i < per_thread; ++i) {
      AttendanceEvent event = checkin_event(prefix + std::to_string(i));
      auto committed = store->append(std::span(&event, 1));
      if (!committed) errors.push_back(committed.error().message);
    }
  };
  std::vector<std::string> errors_a, errors_b;
  std::thread a(writer, "a", std::ref(errors_a));
  std::thread b(writer, "b", std::ref(errors_b));
  a.join();
  b.join();
  CHECK(errors_a.empty());
  CHECK(errors_b.empty());

  RawDatabase raw(path);
  CHECK(raw.integer("SELECT count(*) FROM attendance_log") == 2 * per_thread);
  CHECK(raw.integer("SELECT count(DISTINCT seq) FROM attendance_log") == 2 * per_thread);
  CHECK(raw.integer("SELECT max(seq) FROM attendance_log") == 2 * per_thread);
}

TEST_CASE("a store opened read-only reads but refuses every write", "[store]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  {
    auto store = open_store(path);
    appended(store, checkin_event("e1"));
  }
  auto store = Store::open(path, OpenOptions::reading_only());
  REQUIRE(store);
  auto events = store->events_since(WallTime{});
  REQUIRE(events);
  CHECK(events->size() == 1);

  std::vector<AttendanceEvent> batch{checkin_event("e2")};
  auto refused = store->append(batch);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::storage_readonly);
  auto setting = store->set_setting("a", "b");
  REQUIRE_FALSE(setting);
  CHECK(setting.error().code == Errc::storage_readonly);
  CHECK(store->events_since(WallTime{})->size() == 1);
}

TEST_CASE("a moved-from store answers with errors instead of crashing", "[store]") {
  TempDir dir;
  auto store = open_store(dir.file("kiosk.db"));
  Store moved = std::move(store);
  appended(moved, checkin_event("e1"));

  std::vector<AttendanceEvent> batch{checkin_event("e2")};
  auto result = store.append(batch);  // NOLINT(bugprone-use-after-move): that is the point
  REQUIRE_FALSE(result);
  CHECK(result.error().code == Errc::storage_io);
  CHECK_FALSE(store.outbox_counts());
  CHECK(store.path().empty());
}
