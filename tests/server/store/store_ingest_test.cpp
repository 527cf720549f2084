// SPDX-License-Identifier: AGPL-3.0-or-later
// Uploads: accepted, duplicate and rejected events, counting across kiosks, undo, feedback.
#include <algorithm>
#include <atomic>
#include <thread>

#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::testing;
using checkin::server::Device;
using checkin::server::StoredEvent;
using checkin::sync::EventStatus;

namespace {

struct Uploads {
  StoreDatabase db;
  std::unique_ptr<server::ServerStore> store = db.open();
  Organisation org{*store};
  Device kiosk = org.enrol_kiosk(kNoon, "kiosk-1");
  Device other_kiosk = org.enrol_kiosk(kNoon, "kiosk-2");
  server::PersonRecord ana = org.add_person("Ana", {org.program.id});
  std::string ana_pass;

  Uploads() {
    must(store->create_signing_key(kNoon));
    ana_pass = must(store->issue_pass(ana.id, kNoon + 24h * 30, kNoon)).record.pass_id;
  }

  std::vector<sync::EventResult> upload(const Device& device, std::vector<AttendanceEvent> events,
                                        WallTime now = kNoon + 1h) {
    return must(store->ingest(device, events, now));
  }

  const StoredEvent* stored(const Device& device, const std::string& event_id) {
    events_ = must(store->events_of_device(device.id));
    auto found = std::find_if(events_.begin(), events_.end(),
                              [&](const StoredEvent& e) { return e.event.event_id == event_id; });
    return found == events_.end() ? nullptr : &*found;
  }

  std::vector<StoredEvent> events_;
};

std::string reason_for(Uploads& u, AttendanceEvent event) {
  auto results = u.upload(u.kiosk, {std::move(event)});
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == EventStatus::rejected);
  return results[0].reason;
}

}  // namespace

TEST_CASE("ingest: accepted once, duplicate forever, from any device", "[server][store]") {
  Uploads u;
  auto event = checkin_event(u.kiosk, 1, u.org.session.id, u.ana_pass);
  auto first = u.upload(u.kiosk, {event});
  REQUIRE(first.size() == 1);
  CHECK(first[0].event_id == event.event_id);
  CHECK(first[0].status == EventStatus::accepted);

  SECTION("the same batch again answers duplicate and changes nothing") {
    auto again = u.upload(u.kiosk, {event});
    CHECK(again[0].status == EventStatus::duplicate);
    CHECK(must(u.store->event_count()) == 1);
  }
  SECTION("the same event id from another kiosk is a duplicate too") {
    AttendanceEvent copied = event;
    copied.device_id = u.other_kiosk.id;
    CHECK(u.upload(u.other_kiosk, {copied})[0].status == EventStatus::duplicate);
  }
  SECTION("one id twice in one batch: the second is the duplicate") {
    auto fresh = checkin_event(u.kiosk, 2, u.org.session.id, u.ana_pass);
    auto results = u.upload(u.kiosk, {fresh, fresh});
    CHECK(results[0].status == EventStatus::accepted);
    CHECK(results[1].status == EventStatus::duplicate);
  }

  // Every field as the kiosk sent it, plus what the server made of it.
  const StoredEvent* kept = u.stored(u.kiosk, event.event_id);
  REQUIRE(kept);
  CHECK(kept->event.device_id == u.kiosk.id);
  CHECK(kept->event.seq == 1);
  CHECK(kept->event.kind == EventKind::checkin);
  CHECK(kept->event.session_id == u.org.session.id);
  CHECK(kept->event.pass_id == u.ana_pass);
  CHECK(kept->event.wall_time == kNoon);
  CHECK(kept->event.monotonic == 5s);
  CHECK(kept->event.boot_id == "boot-1");
  CHECK(kept->resolved_person_id == u.ana.id);  // from the pass: the kiosk did not know her
  CHECK(kept->counted);
  CHECK(kept->received_at == kNoon + 1h);

  auto devices = must(u.store->devices());
  auto device = std::find_if(devices.begin(), devices.end(), [&](const Device& d) { return d.id == u.kiosk.id; });
  REQUIRE(device != devices.end());
  CHECK(device->last_seq >= 1);
  CHECK(device->last_upload);
}

TEST_CASE("ingest: events that cannot be facts are rejected with a reason and not stored", "[server][store]") {
  Uploads u;
  auto valid = [&] { return checkin_event(u.kiosk, 1, u.org.session.id, u.ana_pass); };

  AttendanceEvent event = valid();
  event.device_id = u.other_kiosk.id;
  CHECK_THAT(reason_for(u, event), Catch::Matchers::ContainsSubstring("another enrolled kiosk"));

  event = valid();
  event.device_id = "some-other-id";
  CHECK_THAT(reason_for(u, event), Catch::Matchers::ContainsSubstring("device_id"));

  event = valid();
  event.session_id.clear();
  CHECK_THAT(reason_for(u, event), Catch::Matchers::ContainsSubstring("session_id"));

  event = valid();
  event.kind = EventKind::walk_in;
  event.session_id.clear();
  CHECK_THAT(reason_for(u, event), Catch::Matchers::ContainsSubstring("session_id"));

  event = valid();
  event.kind = EventKind::shift_start;
  CHECK_THAT(reason_for(u, event), Catch::Matchers::ContainsSubstring("shift_id"));

  event = valid();
  event.kind = EventKind::undo;
  CHECK_THAT(reason_for(u, event), Catch::Matchers::ContainsSubstring("undoes_event_id"));

  event = valid();
  event.seq = 0;
  CHECK_THAT(reason_for(u, event), Catch::Matchers::ContainsSubstring("seq"));

  event = valid();
  event.event_id = "not-a-uuid";
  CHECK_THAT(reason_for(u, event), Catch::Matchers::ContainsSubstring("UUID"));

  event = valid();
  event.walk_in_name = std::string(5000, 'x');
  CHECK_THAT(reason_for(u, event), Catch::Matchers::ContainsSubstring("walk_in_name"));

  event = valid();
  event.boot_id = std::string("boot\0id", 7);
  CHECK_THAT(reason_for(u, event), Catch::Matchers::ContainsSubstring("NUL"));

  CHECK(must(u.store->event_count()) == 0);

  SECTION("a rejected event does not spoil the rest of its batch") {
    AttendanceEvent bad = valid();
    bad.seq = -3;
    AttendanceEvent good = valid();
    good.seq = 2;
    auto results = u.upload(u.kiosk, {bad, good});
    CHECK(results[0].status == EventStatus::rejected);
    CHECK(results[1].status == EventStatus::accepted);
    CHECK(must(u.store->event_count()) == 1);
  }

  SECTION("another kiosk's local- id is refused (a kiosk's own is accepted: store_sites_test)") {
    AttendanceEvent early = valid();
    early.device_id = "local-" + make_uuid_v7(kNoon - 24h);
    CHECK_THAT(reason_for(u, early), Catch::Matchers::ContainsSubstring("local id"));
  }
}

TEST_CASE("ingest: two kiosks checking in one person count once, the second flagged", "[server][store]") {
  Uploads u;
  auto at_door = checkin_event(u.kiosk, 1, u.org.session.id, u.ana_pass, "", kNoon);
  auto upstairs = checkin_event(u.other_kiosk, 1, u.org.session.id, u.ana_pass, u.ana.id, kNoon + 5min);
  CHECK(u.upload(u.kiosk, {at_door})[0].status == EventStatus::accepted);
  CHECK(u.upload(u.other_kiosk, {upstairs})[0].status == EventStatus::accepted);
  CHECK(must(u.store->attendance_count(u.org.session.id)) == 1);
  CHECK(u.stored(u.kiosk, at_door.event_id)->counted);
  const StoredEvent* second = u.stored(u.other_kiosk, upstairs.event_id);
  REQUIRE(second);
  CHECK_FALSE(second->counted);

  SECTION("undoing the counted one leaves the other: still one") {
    AttendanceEvent undo = checkin_event(u.kiosk, 2, "", "", "", kNoon + 6min);
    undo.kind = EventKind::undo;
    undo.undoes_event_id = at_door.event_id;
    CHECK(u.upload(u.kiosk, {undo})[0].status == EventStatus::accepted);
    CHECK(must(u.store->attendance_count(u.org.session.id)) == 1);
  }
  SECTION("undoing both: nobody") {
    AttendanceEvent undo_first = checkin_event(u.kiosk, 2, "", "", "", kNoon + 6min);
    undo_first.kind = EventKind::undo;
    undo_first.undoes_event_id = at_door.event_id;
    AttendanceEvent undo_second = checkin_event(u.other_kiosk, 2, "", "", "", kNoon + 6min);
    undo_second.kind = EventKind::undo;
    undo_second.undoes_event_id = upstairs.event_id;
    u.upload(u.kiosk, {undo_first});
    u.upload(u.other_kiosk, {undo_second});
    CHECK(must(u.store->attendance_count(u.org.session.id)) == 0);
  }
}

TEST_CASE("ingest: two kiosks uploading one person's check-ins at the same moment count them once",
          "[server][store]") {
  Uploads u;
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    Session session = u.org.add_session(u.org.program.id, kNoon + std::chrono::hours{round}, kNoon + 24h);
    auto at_door = checkin_event(u.kiosk, 10 + round, session.id, u.ana_pass);
    auto upstairs = checkin_event(u.other_kiosk, 10 + round, session.id, u.ana_pass);
    std::atomic<bool> go{false};
    auto upload = [&](const Device& device, AttendanceEvent event) {
      while (!go) std::this_thread::yield();
      auto results = u.store->ingest(device, std::span<const AttendanceEvent>(&event, 1), kNoon + 1h);
      CHECK(results);
    };
    std::thread a(upload, std::cref(u.kiosk), at_door), b(upload, std::cref(u.other_kiosk), upstairs);
    go = true;
    a.join();
    b.join();
    CHECK(must(u.store->attendance_count(session.id)) == 1);
    const StoredEvent* first = u.stored(u.kiosk, at_door.event_id);
    const bool first_counted = first && first->counted;
    const StoredEvent* second = u.stored(u.other_kiosk, upstairs.event_id);
    const bool second_counted = second && second->counted;
    CHECK(first_counted != second_counted);  // exactly one of the two counts
  }
}

TEST_CASE("ingest: anonymous check-ins and walk-ins without a pass each count", "[server][store]") {
  Uploads u;
  std::vector<AttendanceEvent> batch;
  for (int i = 0; i < 3; ++i) {
    auto anonymous = checkin_event(u.kiosk, i + 1, u.org.session.id, "");
    anonymous.kind = EventKind::anonymous_checkin;
    batch.push_back(anonymous);
  }
  auto walk_in = checkin_event(u.kiosk, 4, u.org.session.id, "");
  walk_in.kind = EventKind::walk_in;
  walk_in.walk_in_name = "Sam";
  batch.push_back(walk_in);
  auto second_walk_in = walk_in;
  second_walk_in.event_id = make_uuid_v7(kNoon);
  second_walk_in.seq = 5;
  batch.push_back(second_walk_in);
  batch.push_back(checkin_event(u.kiosk, 6, u.org.session.id, u.ana_pass));
  batch.push_back(checkin_event(u.kiosk, 7, u.org.session.id, u.ana_pass));  // Ana again: one person

  auto results = u.upload(u.kiosk, batch);
  for (const auto& result : results) CHECK(result.status == EventStatus::accepted);
  CHECK(must(u.store->attendance_count(u.org.session.id)) == 6);
  auto device = must(u.store->devices());
  auto kiosk = std::find_if(device.begin(), device.end(), [&](const Device& d) { return d.id == u.kiosk.id; });
  CHECK(kiosk->last_seq == 7);
  CHECK(kiosk->last_upload == kNoon + 1h);
}

TEST_CASE("ingest: SQL metacharacters in event text are stored as text", "[server][store]") {
  Uploads u;
  const std::string nasty = "x'); DELETE FROM events; -- \"$1\" ? %";
  auto walk_in = checkin_event(u.kiosk, 1, u.org.session.id, "");
  walk_in.kind = EventKind::walk_in;
  walk_in.walk_in_name = nasty;
  walk_in.boot_id = nasty;
  walk_in.person_id = "person' OR 1=1 --";
  CHECK(u.upload(u.kiosk, {walk_in})[0].status == EventStatus::accepted);
  const StoredEvent* kept = u.stored(u.kiosk, walk_in.event_id);
  REQUIRE(kept);
  CHECK(kept->event.walk_in_name == nasty);
  CHECK(kept->event.boot_id == nasty);
  // Nobody of that id: the server names nobody, and keeps no id of nobody it knows (it may
  // be someone erased).
  CHECK(kept->event.person_id.empty());
  CHECK(kept->resolved_person_id.empty());
  CHECK(must(u.store->event_count()) == 1);
  auto session = checkin_event(u.kiosk, 2, "session'; DROP TABLE events; --", u.ana_pass);
  CHECK_THAT(reason_for(u, session), Catch::Matchers::ContainsSubstring("no session"));
}

TEST_CASE("feedback: stored once per kiosk row, checked, and counted per session", "[server][store]") {
  Uploads u;
  std::vector<sync::FeedbackItem> items{{11, Feedback{u.org.session.id, 4}, "2026-11-26"},
                                        {12, Feedback{u.org.session.id, 5}, "2026-11-26"}};
  CHECK(must(u.store->ingest_feedback(u.kiosk, items, kNoon)).stored == 2);
  CHECK(must(u.store->ingest_feedback(u.kiosk, items, kNoon)).stored == 0);  // a retry
  CHECK(must(u.store->ingest_feedback(u.other_kiosk, items, kNoon)).stored == 2);  // row ids are per kiosk

  // The report: per session, how many gave each rating; the filter's sites and dates hold.
  server::ReportFilter filter{{}, {}, u.org.session.start - 24h, u.org.session.start + 24h};
  auto report = must(u.store->feedback_by_session(filter));
  REQUIRE(report.size() == 1);
  CHECK(report[0].session.id == u.org.session.id);
  CHECK(report[0].ratings == std::array<std::int64_t, 5>{0, 0, 0, 2, 2});
  filter.site_ids = {"another-site"};
  CHECK(must(u.store->feedback_by_session(filter)).empty());
  filter = server::ReportFilter{{}, {}, u.org.session.start + 24h, u.org.session.start + 48h};
  CHECK(must(u.store->feedback_by_session(filter)).empty());

  std::vector<sync::FeedbackItem> bad{{13, Feedback{u.org.session.id, 9}, "2026-11-26"}};
  CHECK(u.store->ingest_feedback(u.kiosk, bad, kNoon).error().code == Errc::invalid_input);
  bad = {{13, Feedback{u.org.session.id, 3}, "26/11/2026"}};
  CHECK(u.store->ingest_feedback(u.kiosk, bad, kNoon).error().code == Errc::invalid_input);
}
