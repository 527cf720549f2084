// SPDX-License-Identifier: AGPL-3.0-or-later
// Sites with several doors, on the server: the site feed, what a kiosk's token may upload,
// coordinators' corrections and their audit trail, kiosks enrolled again, kiosk names, and
// what reports make of several doors' events (through the domain's reconciliation).
#include <algorithm>
#include <mutex>
#include <set>

#include "checkin/core/corrections.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::testing;
using checkin::server::Actor;
using checkin::server::Device;
using checkin::sync::EventStatus;

namespace {

struct Doors {
  StoreDatabase db;
  std::unique_ptr<server::ServerStore> store = db.open();
  Organisation org{*store};
  Device front = org.enrol_kiosk(kNoon, "front");
  Device back = org.enrol_kiosk(kNoon, "back");
  server::PersonRecord ana = org.add_person("Ana", {org.program.id});
  server::PersonRecord vic = org.add_person("Vic");
  std::string ana_pass, vic_pass;
  std::int64_t seq = 100;

  Doors() {
    must(store->create_signing_key(kNoon));
    ana_pass = must(store->issue_pass(ana.id, kNoon + 24h * 30, kNoon)).record.pass_id;
    vic_pass = must(store->issue_pass(vic.id, kNoon + 24h * 30, kNoon)).record.pass_id;
  }

  AttendanceEvent at(const Device& door, EventKind kind, WallTime when, const std::string& pass = {}) {
    AttendanceEvent e = checkin_event(door, ++seq, kind == EventKind::shift_start || kind == EventKind::shift_end ? "" : org.session.id, pass, {}, when);
    e.kind = kind;
    return e;
  }

  EventStatus upload(const Device& door, const AttendanceEvent& event, WallTime now = kNoon + 1h) {
    auto results = must(store->ingest(door, std::span(&event, 1), now));
    return results.front().status;
  }
  std::string reason(const Device& door, const AttendanceEvent& event) {
    auto results = must(store->ingest(door, std::span(&event, 1), kNoon + 1h));
    CHECK(results.front().status == EventStatus::rejected);
    return results.front().reason;
  }

  // Every event the feed relays to this door, page by page from nothing.
  std::vector<AttendanceEvent> whole_feed(const Device& door, WallTime now = kNoon + 1h, std::size_t page = 500) {
    std::vector<AttendanceEvent> events;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      auto got = must(store->site_feed(door, cursor, now, page));
      events.insert(events.end(), got.events.begin(), got.events.end());
      cursor = got.next_cursor;
      if (!got.has_more) break;
    }
    return events;
  }
};

bool has(const std::vector<AttendanceEvent>& events, const std::string& id) {
  return std::ranges::any_of(events, [&](const AttendanceEvent& e) { return e.event_id == id; });
}

}  // namespace

TEST_CASE("site feed: every door learns the site's attendance, in commit order, page by page, and only what is new",
          "[server][store]") {
  Doors s;
  auto in = s.at(s.front, EventKind::checkin, kNoon, s.ana_pass);
  REQUIRE(s.upload(s.front, in) == EventStatus::accepted);
  auto first = must(s.store->site_feed(s.back, "", kNoon + 1h));
  REQUIRE(first.events.size() == 1);
  CHECK(first.events[0].event_id == in.event_id);
  CHECK(first.events[0].person_id == s.ana.id);  // the server says whose pass it was
  CHECK_FALSE(first.has_more);

  // Nothing new: an empty page with a cursor to come back with.
  auto again = must(s.store->site_feed(s.back, first.next_cursor, kNoon + 1h));
  CHECK(again.events.empty());

  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) {
    auto walk_in = s.at(s.back, EventKind::walk_in, kNoon + std::chrono::minutes{i});
    walk_in.walk_in_name = "Sam";
    REQUIRE(s.upload(s.back, walk_in) == EventStatus::accepted);
    ids.push_back(walk_in.event_id);
  }
  std::vector<AttendanceEvent> paged;
  std::string cursor = again.next_cursor;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = must(s.store->site_feed(s.front, cursor, kNoon + 1h, 3));
    paged.insert(paged.end(), page.events.begin(), page.events.end());
    cursor = page.next_cursor;
    if (!page.has_more) break;
  }
  REQUIRE(paged.size() == 7);
  for (std::size_t i = 0; i < ids.size(); ++i) CHECK(paged[i].event_id == ids[i]);
  CHECK(paged[0].walk_in_name == "Sam");

  SECTION("a cursor from another database, or garbage, starts again from the window") {
    CHECK(s.whole_feed(s.front).size() == 8);
    CHECK(must(s.store->site_feed(s.front, "bm90IGEgY3Vyc29y", kNoon + 1h)).events.size() == 8);
  }
  SECTION("another site's kiosk learns nothing of this site") {
    auto northside = must(s.store->create_site(checkin::Site{"", "Northside"}));
    auto token = must(s.store->create_enrolment_token(northside.id, kNoon));
    auto enrolled = must(s.store->enrol(sync::EnrolRequest{token.token, "north", "test"}, kNoon));
    Device north = must(s.store->authenticate(enrolled.device_id, enrolled.device_token, kNoon));
    CHECK(s.whole_feed(north).empty());
  }
  SECTION("sessions over for a day and a half drop out of the window") {
    CHECK(s.whole_feed(s.front, kNoon + 40h).empty());
  }
}

TEST_CASE("site feed: a discreet program's walk-in names never leave the server", "[server][store]") {
  Doors s;
  Program group = must(s.store->create_program(Program{.id = "", .name = "Evening group", .discreet = true,
                                                        .walk_ins_allowed = true}));
  Session evening = s.org.add_session(group.id, kNoon - 30min, kNoon + 90min);
  auto walk_in = s.at(s.front, EventKind::walk_in, kNoon);
  walk_in.session_id = evening.id;
  walk_in.walk_in_name = "Jo";
  REQUIRE(s.upload(s.front, walk_in) == EventStatus::accepted);
  auto feed = s.whole_feed(s.back);
  REQUIRE(feed.size() == 1);
  CHECK(feed[0].walk_in_name.empty());
}

TEST_CASE("site feed: news of a site is announced after the commit", "[server][store]") {
  Doors s;
  std::mutex mutex;
  std::vector<Id> heard;
  s.store->on_site_attendance([&](const Id& site) {
    std::lock_guard lock(mutex);
    heard.push_back(site);
  });
  REQUIRE(s.upload(s.front, s.at(s.front, EventKind::checkin, kNoon, s.ana_pass)) == EventStatus::accepted);
  {
    std::lock_guard lock(mutex);
    REQUIRE_FALSE(heard.empty());
    CHECK(heard.back() == s.org.site.id);
  }
  // A duplicate adds nothing and announces nothing new... but a correction does.
  heard.clear();
  auto feed = s.whole_feed(s.back);
  must(s.store->undo_attendance(feed[0].event_id, Actor::command_line(), "", kNoon + 2h));
  std::lock_guard lock(mutex);
  CHECK(std::ranges::count(heard, s.org.site.id) >= 1);
  s.store->on_site_attendance({});
}

TEST_CASE("ingest: a kiosk's token writes only its own site's facts, in range", "[server][store]") {
  Doors s;
  auto valid = [&] { return s.at(s.front, EventKind::checkin, kNoon, s.ana_pass); };

  // Another site's session, in the same database.
  auto other_site = must(s.store->create_site(checkin::Site{"", "Northside"}));
  Session elsewhere;
  elsewhere.program_id = s.org.program.id;
  elsewhere.site_id = other_site.id;
  elsewhere.start = kNoon - 30min;
  elsewhere.end = kNoon + 90min;
  elsewhere = must(s.store->create_session(elsewhere));

  AttendanceEvent event = valid();
  event.session_id = elsewhere.id;
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::ContainsSubstring("another site"));
  event = valid();
  event.session_id = "no-such-session";
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::ContainsSubstring("no session"));
  event = s.at(s.front, EventKind::shift_end, kNoon, s.vic_pass);
  event.shift_id = "no-such-shift";
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::ContainsSubstring("no shift"));

  Shift desk = must(s.store->create_shift(Shift{"", s.org.site.id, "desk", kNoon - 1h, kNoon + 3h, {s.vic.id}}));
  for (Millis duration : {Millis{-36'000'000}, Millis{std::numeric_limits<std::int64_t>::max()}, Millis{25 * 3'600'000LL}}) {
    event = s.at(s.front, EventKind::shift_end, kNoon, s.vic_pass);
    event.shift_id = desk.id;
    event.shift_duration = duration;
    CHECK_THAT(s.reason(s.front, event), Catch::Matchers::ContainsSubstring("shift_duration_ms"));
  }
  event = valid();
  event.wall_time = std::chrono::sys_days{std::chrono::year{9999} / 12 / 31};
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::ContainsSubstring("ahead"));
  event = valid();
  event.wall_time = WallTime{};
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::ContainsSubstring("before 2020"));
  event = valid();
  event.monotonic = Millis{-1};
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::ContainsSubstring("monotonic"));
  event = valid();
  event.device_id = "local-anything";
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::ContainsSubstring("another kiosk's local id"));
  CHECK(must(s.store->event_count()) == 0);

  SECTION("an undo names an event of this site that the server has") {
    event = s.at(s.front, EventKind::undo, kNoon);
    event.undoes_event_id = make_uuid_v7(kNoon);
    CHECK_THAT(s.reason(s.front, event), Catch::Matchers::ContainsSubstring("does not have"));
    auto in = valid();
    REQUIRE(s.upload(s.front, in) == EventStatus::accepted);
    event.undoes_event_id = in.event_id;
    event.session_id.clear();  // the server files it under its target's session
    REQUIRE(s.upload(s.back, [&] {
              auto undo = event;
              undo.device_id = s.back.id;
              return undo;
            }()) == EventStatus::accepted);
    CHECK(must(s.store->attendance_count(s.org.session.id)) == 0);
  }
}

TEST_CASE("ingest: a refusal says in words a volunteer understands what was not counted and what to do", "[server][store]") {
  Doors s;
  auto event = s.at(s.front, EventKind::checkin, kNoon, s.ana_pass);
  event.wall_time = std::chrono::sys_days{std::chrono::year{2031} / 3 / 4} + 9h + 30min;
  const std::string clock = s.reason(s.front, event);
  CHECK_THAT(clock, Catch::Matchers::StartsWith("The server did not count this check-in: the kiosk's clock said "
                                                "2031-03-04 09:30 UTC when it was recorded"));
  CHECK_THAT(clock, Catch::Matchers::ContainsSubstring("Please check the kiosk's date and time. A coordinator can record "
                                                       "it by hand on the dashboard. (wall_time is more than a day ahead"));

  event = s.at(s.front, EventKind::walk_in, kNoon);
  event.session_id = "no-such-session";
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::StartsWith("The server did not count this walk-in: the server "
                                                                   "has no such session (was it removed?)"));
  Shift desk = must(s.store->create_shift(Shift{"", s.org.site.id, "desk", kNoon - 1h, kNoon + 3h, {s.vic.id}}));
  event = s.at(s.front, EventKind::shift_end, kNoon, s.vic_pass);
  event.shift_id = desk.id;
  event.shift_duration = 30h;
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::StartsWith("The server did not count this shift end: it says the "
                                                                   "shift lasted 30 hours, and a shift counts from 0 to "
                                                                   "24 hours."));
  event = s.at(s.front, EventKind::undo, kNoon);
  event.undoes_event_id = make_uuid_v7(kNoon);
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::StartsWith("The server did not count this undo: the server has not "
                                                                   "received what it undoes"));
  event = s.at(s.front, EventKind::checkin, kNoon, s.ana_pass);
  event.device_id = s.back.id;
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::StartsWith("The server did not count this check-in: it carries "
                                                                   "another kiosk's id"));
  event = s.at(s.front, EventKind::checkin, kNoon, s.ana_pass);
  event.event_id = "not-a-uuid";
  CHECK_THAT(s.reason(s.front, event), Catch::Matchers::StartsWith("The server did not count this check-in: the kiosk sent "
                                                                   "it incomplete or damaged."));
  CHECK(must(s.store->event_count()) == 0);
}

TEST_CASE("ingest: a shift end credits no more than the time since the start the server has", "[server][store]") {
  Doors s;
  Shift desk = must(s.store->create_shift(Shift{"", s.org.site.id, "desk", kNoon - 1h, kNoon + 6h, {s.vic.id}}));
  auto shift_event = [&](const Device& door, EventKind kind, WallTime at, Millis monotonic, Millis worked = {}) {
    auto e = s.at(door, kind, at, s.vic_pass);
    e.shift_id = desk.id;
    e.monotonic = monotonic;
    e.shift_duration = worked;
    return e;
  };
  REQUIRE(s.upload(s.front, shift_event(s.front, EventKind::shift_start, kNoon, 1h)) == EventStatus::accepted);
  // Two hours later at the same door: two hours (and a little for clocks) is fine, five is not.
  CHECK(s.upload(s.front, shift_event(s.front, EventKind::shift_end, kNoon + 2h, 3h, 2h + 3min)) == EventStatus::accepted);
  auto five = shift_event(s.front, EventKind::shift_end, kNoon + 2h, 3h, 5h);
  CHECK_THAT(s.reason(s.front, five),
             Catch::Matchers::StartsWith("The server did not count this shift end: it says the shift lasted 5 h 00 min, "
                                         "but its start came only 2 h 00 min before it."));
  // The same kiosk in the same boot counted monotonically: its wall clock was put back an
  // hour meanwhile, its own count stands.
  CHECK(s.upload(s.front, shift_event(s.front, EventKind::shift_end, kNoon + 1h, 3h, 2h)) == EventStatus::accepted);
  // Another door knows only the wall times.
  CHECK(s.upload(s.back, shift_event(s.back, EventKind::shift_end, kNoon + 3h, 10min, 3h)) == EventStatus::accepted);
  CHECK_THAT(s.reason(s.back, shift_event(s.back, EventKind::shift_end, kNoon + 3h, 10min, 4h)),
             Catch::Matchers::ContainsSubstring("its start came only 3 h 00 min before it"));
  // An end whose start has not arrived yet is held to the day's limit only.
  auto other = s.at(s.back, EventKind::shift_end, kNoon + 3h, s.ana_pass);
  other.shift_id = desk.id;
  other.shift_duration = 8h;
  CHECK(s.upload(s.back, other) == EventStatus::accepted);
}

TEST_CASE("ingest: an event from a kiosk whose clock was not confirmed yet is kept at a plausible time, still flagged",
          "[server][store]") {
  Doors s;
  const WallTime uploaded = kNoon + 1h;
  auto stored_time = [&](const std::string& event_id) {
    for (const auto& e : s.whole_feed(s.back))
      if (e.event_id == event_id) {
        CHECK((e.flags & flag_clock_unsynced) != 0);
        return e.wall_time;
      }
    FAIL("event " << event_id << " is not in the feed");
    return WallTime{};
  };
  // A Pi that booted without a network: 1970, or a day ahead. Kept, at the upload's time.
  auto early = s.at(s.front, EventKind::checkin, WallTime{} + 5min, s.ana_pass);
  early.flags |= flag_clock_unsynced;
  REQUIRE(s.upload(s.front, early, uploaded) == EventStatus::accepted);
  CHECK(stored_time(early.event_id) == uploaded);
  auto ahead = s.at(s.front, EventKind::checkout, uploaded + 50h, s.ana_pass);
  ahead.flags |= flag_clock_unsynced;
  REQUIRE(s.upload(s.front, ahead, uploaded) == EventStatus::accepted);
  CHECK(stored_time(ahead.event_id) == uploaded);
  // A kiosk whose clock is off by what it said at its last contact: its time, put right.
  Device known = s.back;
  known.clock_offset = 48h;
  auto offset = s.at(s.back, EventKind::checkin, kNoon + 48h + 10min, s.vic_pass);
  offset.flags |= flag_clock_unsynced;
  REQUIRE(s.upload(known, offset, uploaded) == EventStatus::accepted);
  CHECK(stored_time(offset.event_id) == kNoon + 10min);
  // A confirmed clock at such a time is refused: that kiosk's clock is wrong and says so.
  auto synced = s.at(s.front, EventKind::checkin, uploaded + 50h, s.vic_pass);
  CHECK_THAT(s.reason(s.front, synced), Catch::Matchers::ContainsSubstring("ahead"));
}

TEST_CASE("ingest: a kiosk's own local id (named at enrolment) is accepted, another local id is not", "[server][store]") {
  Doors s;
  auto token = must(s.store->create_enrolment_token(s.org.site.id, kNoon));
  const std::string local = "local-" + make_uuid_v7(kNoon - 24h);
  auto enrolled = must(s.store->enrol(sync::EnrolRequest{token.token, "hall", "test", local}, kNoon));
  Device hall = must(s.store->authenticate(enrolled.device_id, enrolled.device_token, kNoon));
  auto early = s.at(hall, EventKind::checkin, kNoon, s.ana_pass);
  early.device_id = local;
  CHECK(s.upload(hall, early) == EventStatus::accepted);
  auto stranger = s.at(hall, EventKind::checkin, kNoon, s.vic_pass);
  stranger.device_id = "local-" + make_uuid_v7(kNoon);
  CHECK_THAT(s.reason(hall, stranger), Catch::Matchers::ContainsSubstring("local id"));
}

TEST_CASE("re-enrolment: the same kiosk proves its earlier enrolment, its stranded events arrive exactly once",
          "[server][store]") {
  Doors s;
  // The front door recorded two check-ins offline, then was enrolled again with a new code.
  auto token = must(s.store->create_enrolment_token(s.org.site.id, kNoon));
  auto first = must(s.store->enrol(sync::EnrolRequest{token.token, "vm", "test"}, kNoon));
  Device old_front = must(s.store->authenticate(first.device_id, first.device_token, kNoon));
  auto one = s.at(old_front, EventKind::checkin, kNoon, s.ana_pass);
  auto two = s.at(old_front, EventKind::walk_in, kNoon + 1min);
  REQUIRE(s.upload(old_front, one) == EventStatus::accepted);  // one got through before

  auto again = must(s.store->create_enrolment_token(s.org.site.id, kNoon + 1h, "Front door"));
  auto second = must(s.store->enrol(
      sync::EnrolRequest{again.token, "vm", "test", "", first.device_id, first.device_token}, kNoon + 1h));
  CHECK(second.device_name == "Front door");
  Device new_front = must(s.store->authenticate(second.device_id, second.device_token, kNoon));
  CHECK(new_front.replaces == old_front.id);
  // The old enrolment no longer works and shows as replaced.
  auto refused = s.store->authenticate(first.device_id, first.device_token, kNoon);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("replaced"));
  auto devices = must(s.store->devices());
  auto old_row = std::ranges::find(devices, old_front.id, &Device::id);
  REQUIRE(old_row != devices.end());
  CHECK(old_row->replaced_by == new_front.id);

  // The outbox goes up under the new enrolment: the old id's events are its own.
  auto results = must(s.store->ingest(new_front, std::vector{one, two}, kNoon + 2h));
  CHECK(results[0].status == EventStatus::duplicate);
  CHECK(results[1].status == EventStatus::accepted);
  CHECK(must(s.store->attendance_count(s.org.session.id)) == 2);

  SECTION("without the proof it is a new kiosk, and the old one's events stay refused") {
    auto third_token = must(s.store->create_enrolment_token(s.org.site.id, kNoon + 3h));
    auto third = must(s.store->enrol(
        sync::EnrolRequest{third_token.token, "vm", "test", "", first.device_id, "not-the-token"}, kNoon + 3h));
    Device stranger = must(s.store->authenticate(third.device_id, third.device_token, kNoon));
    CHECK(stranger.replaces.empty());
    auto late = s.at(old_front, EventKind::walk_in, kNoon + 2min);
    CHECK_THAT(s.reason(stranger, late), Catch::Matchers::ContainsSubstring("another enrolled kiosk"));
  }
}

TEST_CASE("kiosk names: from the code, else the kiosk's proposal, renamed later", "[server][store]") {
  Doors s;
  auto named = must(s.store->create_enrolment_token(s.org.site.id, kNoon, "Back door"));
  CHECK(must(s.store->enrol(sync::EnrolRequest{named.token, "vm", "test"}, kNoon)).device_name == "Back door");
  auto unnamed = must(s.store->create_enrolment_token(s.org.site.id, kNoon));
  auto proposed = must(s.store->enrol(sync::EnrolRequest{unnamed.token, "kitchen-pi", "test"}, kNoon));
  CHECK(proposed.device_name == "kitchen-pi");
  must(s.store->rename_device(proposed.device_id, "Kitchen"));
  auto devices = must(s.store->devices());
  CHECK(std::ranges::find(devices, proposed.device_id, &Device::id)->name == "Kitchen");
  CHECK(s.store->rename_device(proposed.device_id, std::string("a\nb")).error().code == Errc::invalid_input);
  CHECK(s.store->rename_device("no-such-kiosk", "x").error().code == Errc::not_found);
  CHECK(s.store->create_enrolment_token(s.org.site.id, kNoon, std::string(61, 'n')).error().code == Errc::invalid_input);
  // The changes feed tells the kiosk its name.
  Device kitchen = must(s.store->authenticate(proposed.device_id, proposed.device_token, kNoon));
  CHECK(must(s.store->changes(kitchen, "", kNoon)).device_name == "Kitchen");
}

TEST_CASE("corrections: undo, move and add by a coordinator are events every door learns, each audited",
          "[server][store]") {
  Doors s;
  auto in = s.at(s.front, EventKind::checkin, kNoon, s.ana_pass);
  REQUIRE(s.upload(s.front, in) == EventStatus::accepted);
  Session later = s.org.add_session(s.org.program.id, kNoon, kNoon + 2h);
  const Actor sam{"", "sam"};

  auto moved = must(s.store->move_attendance(in.event_id, later.id, sam, "wrong room", kNoon + 10min));
  REQUIRE(moved.size() == 2);
  CHECK(moved[0].kind == EventKind::undo);
  CHECK(moved[1].session_id == later.id);
  CHECK(moved[1].flags & flag_staff);
  CHECK(must(s.store->attendance_count(s.org.session.id)) == 0);
  CHECK(must(s.store->attendance_count(later.id)) == 1);
  auto feed = s.whole_feed(s.back);
  CHECK(has(feed, moved[0].event_id));
  CHECK(has(feed, moved[1].event_id));

  // Corrections of what is not a standing check-in are refused, and change nothing.
  CHECK(s.store->undo_attendance(in.event_id, sam, "", kNoon).error().code == Errc::conflict);  // undone already
  CHECK(s.store->undo_attendance(moved[0].event_id, sam, "", kNoon).error().code == Errc::conflict);  // an undo
  CHECK(s.store->undo_attendance(make_uuid_v7(kNoon), sam, "", kNoon).error().code == Errc::not_found);
  CHECK(s.store->move_attendance(moved[1].event_id, later.id, sam, "", kNoon).error().code == Errc::invalid_input);

  auto added = must(s.store->add_attendance(s.org.session.id, server::ManualAttendee{s.vic.id, ""}, sam, "",
                                            kNoon + 20min));
  CHECK(added.person_id == s.vic.id);
  CHECK(added.pass_id == s.vic_pass);  // so a scan of her pass is the same attendee
  auto walk_in = must(s.store->add_attendance(s.org.session.id, server::ManualAttendee{"", "Jo"}, sam, "kiosk down",
                                              kNoon + 21min));
  CHECK(walk_in.kind == EventKind::walk_in);
  CHECK(must(s.store->attendance_count(s.org.session.id)) == 2);
  // Vic's own scan at a door afterwards is the same attendee: still two.
  REQUIRE(s.upload(s.front, s.at(s.front, EventKind::checkin, kNoon + 25min, s.vic_pass)) == EventStatus::accepted);
  CHECK(must(s.store->attendance_count(s.org.session.id)) == 2);
  CHECK(s.store->add_attendance(s.org.session.id, server::ManualAttendee{"", ""}, sam, "", kNoon).error().code ==
        Errc::invalid_input);

  auto trail = must(s.store->audit_log(server::AuditFilter{.action = "attendance."}));
  REQUIRE(trail.size() == 3);
  CHECK(trail[2].action == "attendance.move");
  CHECK(trail[2].object_id == in.event_id);
  CHECK(trail[2].reason == "wrong room");
  CHECK(trail[2].actor == "sam");
  CHECK(trail[2].site_id == s.org.site.id);
  for (const auto& entry : trail) {
    CHECK(entry.detail.find("Vic") == std::string::npos);  // ids, never names
    CHECK(entry.detail.find("Jo") == std::string::npos);
  }
  // The desk that made them is no kiosk.
  for (const auto& device : must(s.store->devices())) CHECK_FALSE(device.id.starts_with("desk-"));
}

TEST_CASE("reports across doors: stays, forgotten check-outs, over capacity, one shift from two doors",
          "[server][store]") {
  Doors s;
  Program lunch = must(s.store->create_program(Program{.id = "", .name = "Community lunch", .tracks_checkout = true}));
  Session session = s.org.add_session(lunch.id, kNoon - 30min, kNoon + 90min);
  must(s.store->update_session([&] {
    Session capped = session;
    capped.capacity = 1;
    return capped;
  }()));
  // Ana in at the front, "in" again at the back 45 minutes later (the back door was offline: she left).
  auto in = s.at(s.front, EventKind::checkin, kNoon - 20min, s.ana_pass);
  in.session_id = session.id;
  auto out_at_back = s.at(s.back, EventKind::checkin, kNoon + 25min, s.ana_pass);
  out_at_back.session_id = session.id;
  auto vic_in = s.at(s.back, EventKind::checkin, kNoon - 10min, s.vic_pass);
  vic_in.session_id = session.id;
  for (const auto& [door, event] : {std::pair{&s.front, in}, std::pair{&s.back, out_at_back}, std::pair{&s.back, vic_in}})
    REQUIRE(s.upload(*door, event) == EventStatus::accepted);

  auto detail = must(s.store->session_attendance(session.id, kNoon + 30min));
  CHECK(detail.tally.attendees == 2);
  REQUIRE(detail.stays.size() == 2);
  const auto& ana_stay = detail.stays[0].stay.person_id == s.ana.id ? detail.stays[0] : detail.stays[1];
  CHECK(ana_stay.stay.end == Stay::End::checked_out);
  CHECK(ana_stay.stay.out == kNoon + 25min);
  CHECK(ana_stay.name == "Ana");
  CHECK(ana_stay.device_name == "front");

  server::ReportFilter range{{s.org.site.id}, lunch.id, kNoon - 24h, kNoon + 24h};
  auto by_session = must(s.store->attendance_by_session(range));
  REQUIRE(by_session.size() == 1);
  CHECK(by_session[0].attendees == 2);
  CHECK(by_session[0].over_capacity);  // two in the room with a capacity of one

  // After the session and its grace, Vic never checked out: closed at the end, flagged.
  auto records = must(s.store->attendance_records(range, kNoon + 4h));
  REQUIRE(records.size() == 2);
  auto vic_record = std::ranges::find(records, s.vic.id, &server::AttendanceRecord::person_id);
  REQUIRE(vic_record != records.end());
  CHECK(vic_record->closed_at_session_end);
  CHECK(vic_record->checked_out_at == session.end);

  // A volunteer's shift started at the front and "started" again at the back on leaving;
  // both doors closed it automatically at night.
  Shift desk = must(s.store->create_shift(Shift{"", s.org.site.id, "welcome desk", kNoon - 2h, kNoon + 2h, {s.vic.id}}));
  auto shift_event = [&](const Device& door, EventKind kind, WallTime when, Millis duration, std::uint32_t flags) {
    auto e = s.at(door, kind, when, s.vic_pass);
    e.shift_id = desk.id;
    e.shift_duration = duration;
    e.flags |= flags;
    return e;
  };
  for (const auto& [door, event] :
       {std::pair{&s.front, shift_event(s.front, EventKind::shift_start, kNoon - 2h, {}, 0)},
        std::pair{&s.back, shift_event(s.back, EventKind::shift_start, kNoon - 75min, {}, 0)},
        std::pair{&s.front, shift_event(s.front, EventKind::shift_end, kNoon + 3h, 4h, flag_auto_closed)},
        std::pair{&s.back, shift_event(s.back, EventKind::shift_end, kNoon + 3h, 195min, flag_auto_closed)}})
    REQUIRE(s.upload(*door, event, kNoon + 4h) == EventStatus::accepted);
  auto shifts = must(s.store->worked_shifts(server::ReportFilter{{}, {}, kNoon - 24h, kNoon + 24h}));
  REQUIRE(shifts.size() == 1);
  CHECK(shifts[0].credited == 45min);
  CHECK(shifts[0].status == server::ShiftStatus::credited);
  CHECK(shifts[0].ended_by_second_start);
  CHECK(must(s.store->review_queue({})).empty());
}

TEST_CASE("on shift now: a volunteer who started at any door, until the shift is ended", "[server][store]") {
  Doors s;
  Shift desk = must(s.store->create_shift(Shift{"", s.org.site.id, "welcome desk", kNoon - 1h, kNoon + 3h, {s.vic.id}}));
  auto start = s.at(s.back, EventKind::shift_start, kNoon - 50min, s.vic_pass);
  start.shift_id = desk.id;
  REQUIRE(s.upload(s.back, start) == EventStatus::accepted);
  auto on = must(s.store->on_shift_now({s.org.site.id}, kNoon));
  REQUIRE(on.size() == 1);
  CHECK(on[0].preferred_name == "Vic");
  CHECK(on[0].shift.role == "welcome desk");
  auto end = s.at(s.front, EventKind::shift_end, kNoon + 10min, s.vic_pass);
  end.shift_id = desk.id;
  REQUIRE(s.upload(s.front, end) == EventStatus::accepted);
  CHECK(must(s.store->on_shift_now({s.org.site.id}, kNoon + 20min)).empty());
}
