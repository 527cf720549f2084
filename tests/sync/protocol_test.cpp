// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include <limits>

#include "checkin/core/ids.hpp"
#include "checkin/sync/events.hpp"
#include "checkin/sync/site_feed.hpp"

using namespace checkin;
using namespace checkin::sync;
using namespace std::chrono;

namespace {

AttendanceEvent event(EventKind kind, std::int64_t seq) {
  AttendanceEvent e;
  e.wall_time = sys_days{2026y / November / 26} + 18h + 30min + 5s + 123ms;
  e.event_id = make_uuid_v7(e.wall_time);
  e.device_id = "kiosk-1";
  e.seq = seq;
  e.kind = kind;
  e.monotonic = Millis{987654};
  e.boot_id = "boot-1";
  return e;
}

}  // namespace

TEST_CASE("an event batch survives the wire, field by field") {
  EventBatch batch{"kiosk-1", {}};
  auto checkin = event(EventKind::checkin, 1);
  checkin.session_id = "sess-1";
  checkin.pass_id = "00112233445566778899aabbccddeeff";
  checkin.person_id = "person-1";
  checkin.flags = flag_clock_unsynced | flag_forced;
  auto shift_end = event(EventKind::shift_end, 2);
  shift_end.shift_id = "shift-1";
  shift_end.shift_duration = 3h + 5min;
  shift_end.flags = flag_auto_closed;
  auto walk_in = event(EventKind::walk_in, 3);
  walk_in.session_id = "sess-1";
  walk_in.walk_in_name = "José \"Pepe\" '; DROP TABLE events; --";
  auto undo = event(EventKind::undo, 4);
  undo.undoes_event_id = checkin.event_id;
  batch.events = {checkin, shift_end, walk_in, undo};

  auto parsed = parse_event_batch(to_json(batch));
  REQUIRE(parsed);
  CHECK(parsed->device_id == "kiosk-1");
  REQUIRE(parsed->events.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& a = batch.events[i];
    const auto& b = parsed->events[i];
    CHECK(a.event_id == b.event_id);
    CHECK(a.device_id == b.device_id);
    CHECK(a.seq == b.seq);
    CHECK(a.kind == b.kind);
    CHECK(a.session_id == b.session_id);
    CHECK(a.shift_id == b.shift_id);
    CHECK(a.pass_id == b.pass_id);
    CHECK(a.person_id == b.person_id);
    CHECK(a.walk_in_name == b.walk_in_name);
    CHECK(a.undoes_event_id == b.undoes_event_id);
    CHECK(a.shift_duration == b.shift_duration);
    CHECK(a.wall_time == b.wall_time);  // to the millisecond
    CHECK(a.monotonic == b.monotonic);
    CHECK(a.boot_id == b.boot_id);
    CHECK(a.flags == b.flags);
  }
}

TEST_CASE("unknown fields and flags from newer peers are ignored") {
  auto body = R"({"protocol":1,"device_id":"k","future":{"x":1},"events":[
    {"event_id":"e1","device_id":"k","seq":1,"kind":"checkin","wall_time":"2026-11-26T18:30:05Z",
     "flags":["clock_unsynced","teleported"],"mood":"sunny"}]})";
  auto batch = parse_event_batch(body);
  REQUIRE(batch);
  REQUIRE(batch->events.size() == 1);
  CHECK(batch->events[0].flags == flag_clock_unsynced);
}

TEST_CASE("malformed bodies are clear errors naming the field") {
  auto error = [](std::string_view body) {
    auto batch = parse_event_batch(body);
    REQUIRE_FALSE(batch);
    return batch.error().message;
  };
  const std::string ok_event =
      R"({"event_id":"e1","device_id":"k","seq":1,"kind":"checkin","wall_time":"2026-11-26T18:30:05Z"})";
  CHECK_THAT(error("{not json"), Catch::Matchers::ContainsSubstring("not valid JSON"));
  CHECK_THAT(error("[1,2]"), Catch::Matchers::ContainsSubstring("JSON object"));
  CHECK_THAT(error(R"({"device_id":"k","events":[]})"), Catch::Matchers::ContainsSubstring("protocol: missing"));
  CHECK_THAT(error(R"({"protocol":2,"device_id":"k","events":[]})"), Catch::Matchers::ContainsSubstring("protocol 2"));
  CHECK_THAT(error(R"({"protocol":"1","device_id":"k","events":[]})"), Catch::Matchers::ContainsSubstring("protocol: expected a whole number"));
  CHECK_THAT(error(R"({"protocol":1,"device_id":"k","events":{}})"), Catch::Matchers::ContainsSubstring("events: expected an array"));
  CHECK_THAT(error(R"({"protocol":1,"device_id":"k","events":[)" + ok_event + R"(,{"event_id":"e2","device_id":"k","seq":"2","kind":"checkin","wall_time":"2026-11-26T18:30:05Z"}]})"),
             Catch::Matchers::ContainsSubstring("events[1].seq: expected a whole number"));
  CHECK_THAT(error(R"({"protocol":1,"device_id":"k","events":[{"event_id":"e1","device_id":"k","seq":1,"kind":"teleport","wall_time":"2026-11-26T18:30:05Z"}]})"),
             Catch::Matchers::ContainsSubstring("events[0].kind"));
  CHECK_THAT(error(R"({"protocol":1,"device_id":"k","events":[{"event_id":"e1","device_id":"k","seq":1,"kind":"checkin","wall_time":"yesterday"}]})"),
             Catch::Matchers::ContainsSubstring("events[0].wall_time"));
  CHECK_THAT(error(R"({"protocol":1,"device_id":"k","events":[{"device_id":"k","seq":1,"kind":"checkin","wall_time":"2026-11-26T18:30:05Z"}]})"),
             Catch::Matchers::ContainsSubstring("events[0].event_id: missing"));
  CHECK_THAT(error(R"({"protocol":1,"device_id":"k","events":[{"event_id":"e1","device_id":"k","seq":0,"kind":"checkin","wall_time":"2026-11-26T18:30:05Z"}]})"),
             Catch::Matchers::ContainsSubstring("seq: must be 1 or more"));
  std::string many = R"({"protocol":1,"device_id":"k","events":[)";
  for (std::size_t i = 0; i <= kMaxEventsPerBatch; ++i) many += (i ? "," : "") + ok_event;
  auto too_many = parse_event_batch(many + "]}");
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code == Errc::limit_exceeded);
  auto huge = parse_event_batch(std::string(kMaxBodyBytes + 1, ' '));
  REQUIRE_FALSE(huge);
  CHECK(huge.error().code == Errc::limit_exceeded);
}

TEST_CASE("per-event results and error bodies survive the wire") {
  BatchResult result{{{"e1", EventStatus::accepted, ""}, {"e2", EventStatus::duplicate, ""},
                      {"e3", EventStatus::rejected, "unknown session"}},
                     sys_days{2026y / November / 26} + 18h + 1ms};
  auto parsed = parse_batch_result(to_json(result));
  REQUIRE(parsed);
  REQUIRE(parsed->results.size() == 3);
  CHECK(parsed->results[1].status == EventStatus::duplicate);
  CHECK(parsed->results[2].status == EventStatus::rejected);
  CHECK(parsed->results[2].reason == "unknown session");
  CHECK(parsed->server_time == result.server_time);
  CHECK_FALSE(parse_batch_result(R"({"protocol":1,"server_time":"2026-11-26T18:00:00Z","results":[{"event_id":"e1","status":"maybe"}]})"));

  auto error = parse_protocol_error(to_json(ProtocolError{"bad_request", "events[0].seq: expected a whole number"}));
  REQUIRE(error);
  CHECK(error->code == "bad_request");
  CHECK(error->message == "events[0].seq: expected a whole number");
  CHECK_FALSE(parse_protocol_error("{}"));
}

TEST_CASE("a site feed page survives the wire, and a malformed one names the field") {
  SiteFeedPage page;
  AttendanceEvent in;
  in.event_id = "018f0000-0000-7000-8000-000000000001";
  in.device_id = "dev-a";
  in.seq = 4;
  in.kind = EventKind::checkin;
  in.session_id = "s-1";
  in.pass_id = "00112233445566778899aabbccddeeff";
  in.person_id = "p-1";
  in.wall_time = sys_days{2026y / December / 7} + 12h;
  in.flags = flag_forced | flag_staff;
  AttendanceEvent undo = in;
  undo.event_id = "018f0000-0000-7000-8000-000000000002";
  undo.kind = EventKind::undo;
  undo.undoes_event_id = in.event_id;
  page.events = {in, undo};
  page.next_cursor = "f1.abc";
  page.has_more = true;
  page.server_time = in.wall_time + 1s;
  auto parsed = parse_site_feed_page(to_json(page));
  REQUIRE(parsed);
  REQUIRE(parsed->events.size() == 2);
  CHECK(parsed->events[0].person_id == "p-1");
  CHECK(parsed->events[0].flags == (flag_forced | flag_staff));
  CHECK(parsed->events[1].undoes_event_id == in.event_id);
  CHECK(parsed->next_cursor == "f1.abc");
  CHECK(parsed->has_more);
  CHECK(parsed->server_time == page.server_time);

  auto broken = parse_site_feed_page(R"({"protocol":1,"events":[{"event_id":"x"}],"next_cursor":"c","has_more":false,"server_time":"2026-12-07T12:00:00Z"})");
  REQUIRE_FALSE(broken);
  CHECK_THAT(broken.error().message, Catch::Matchers::StartsWith("events[0]"));
  auto no_cursor = parse_site_feed_page(R"({"protocol":1,"events":[],"next_cursor":"","has_more":false,"server_time":"2026-12-07T12:00:00Z"})");
  REQUIRE_FALSE(no_cursor);
  CHECK_THAT(no_cursor.error().message, Catch::Matchers::StartsWith("next_cursor"));
}

TEST_CASE("site feed pages carry the server's change count, and an older server's page reads as 0") {
  sync::SiteFeedPage page;
  page.next_cursor = "f";
  page.server_time = WallTime{Millis{1'796'000'000'000}};
  page.changes = 42;
  auto back = sync::parse_site_feed_page(sync::to_json(page));
  REQUIRE(back);
  CHECK(back->changes == 42);
  auto older = sync::parse_site_feed_page(
      R"({"protocol":1,"events":[],"next_cursor":"f","has_more":false,"server_time":"2026-12-07T18:00:00.000Z"})");
  REQUIRE(older);
  CHECK(older->changes == 0);
  CHECK_FALSE(sync::parse_site_feed_page(
      R"({"protocol":1,"events":[],"next_cursor":"f","has_more":false,"server_time":"2026-12-07T18:00:00.000Z","changes":-1})"));
}

TEST_CASE("integers beyond int64 are refused, never wrapped") {
  const std::string head = R"({"protocol":1,"device_id":"k","events":[{"event_id":"e1","device_id":"k","seq":1,"kind":"checkin","wall_time":"2026-11-26T18:30:05Z","monotonic_ms":)";
  auto wrapped = parse_event_batch(head + "18446744073709551615}]}");
  REQUIRE_FALSE(wrapped);
  CHECK_THAT(wrapped.error().message, Catch::Matchers::ContainsSubstring("events[0].monotonic_ms: 18446744073709551615 is out of range"));
  auto just_over = parse_event_batch(head + "9223372036854775808}]}");
  REQUIRE_FALSE(just_over);
  CHECK_THAT(just_over.error().message, Catch::Matchers::ContainsSubstring("out of range"));
  // Past uint64 nlohmann reads a float: not a whole number either.
  CHECK_FALSE(parse_event_batch(head + "99999999999999999999999}]}"));
  auto largest = parse_event_batch(head + "9223372036854775807}]}");
  REQUIRE(largest);
  CHECK(largest->events[0].monotonic.count() == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("deeply nested JSON is refused before it is parsed") {
  // An unknown field (ignored when shallow) holding 100,000 nested arrays.
  std::string bomb = R"({"protocol":1,"device_id":"k","events":[],"x":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  auto refused = parse_event_batch(bomb);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("deeper than 32 levels"));
  // Brackets inside strings are text, not nesting.
  std::string text = R"({"protocol":1,"device_id":"k","events":[],"x":")" + std::string(1000, '[') + R"(\"[["})";
  CHECK(parse_event_batch(text));
  std::string shallow = R"({"protocol":1,"device_id":"k","events":[],"x":)" + std::string(20, '[') + std::string(20, ']') + "}";
  CHECK(parse_event_batch(shallow));
}
