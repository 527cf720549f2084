// SPDX-License-Identifier: AGPL-3.0-or-later
// SyncClient against a scripted fake server: uploads, dead letters, retries, bisection,
// the changes feed, clock offsets, feedback, enrolment and the token roll.
#include "checkin_catch.hpp"
#include <nlohmann/json.hpp>

#include <atomic>

#include "checkin/sync/api.hpp"
#include "checkin/sync/enrolment.hpp"
#include "checkin/sync/site_feed.hpp"
#include "client_test_support.hpp"

using namespace checkin;
using namespace checkin::sync;
using namespace checkin::testing;
using namespace std::chrono_literals;

namespace {

const std::string kEvents = api::events_batch(kDevice);
const std::string kChanges = api::changes(kDevice);
const std::string kFeedback = api::feedback_batch(kDevice);

// A server that takes uploads into `ledger` and has nothing new to download.
void serve_ledger(FakeServer& server, FakeLedger& ledger) {
  server.on("POST", kEvents, [&](const Recorded& r) { return ledger.answer(r, kNow); });
  server.on("GET", kChanges, [](const Recorded&) { return ok(empty_page_body()); });
}

std::vector<std::string> event_ids_in(const Recorded& request) {
  auto batch = parse_event_batch(request.body);
  REQUIRE(batch);
  std::vector<std::string> out;
  for (auto& e : batch->events) out.push_back(e.event_id);
  return out;
}

// A port where nothing listens: bound by a server that is then stopped.
int closed_port() {
  FakeServer gone;
  const int port = gone.port();
  gone.stop();
  return port;
}

}  // namespace

TEST_CASE("upload marks uploaded only what the server committed", "[client][upload]") {
  Kiosk kiosk;
  FakeServer server;
  kiosk.record(ids("ev-", 5));
  // Accepted, accepted, duplicate, (no answer), accepted
  server.on("POST", kEvents, [](const Recorded&) {
    BatchResult result{{{"ev-1", EventStatus::accepted, ""},
                        {"ev-2", EventStatus::accepted, ""},
                        {"ev-3", EventStatus::duplicate, ""},
                        {"ev-5", EventStatus::accepted, ""},
                        {"someone-elses", EventStatus::accepted, ""}},
                       kNow};
    return ok(to_json(result));
  });
  server.on("GET", kChanges, [](const Recorded&) { return ok(empty_page_body()); });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto result = client.sync_once();
  REQUIRE_FALSE(result);
  CHECK(result.error().error.code == Errc::unavailable);
  CHECK_THAT(result.error().error.message, Catch::Matchers::ContainsSubstring("did not answer for 1 of 5"));
  CHECK(kiosk.counts().uploaded == 4);
  CHECK(kiosk.counts().pending == 1);
  CHECK(kiosk.attempts("ev-4") == 1);
  CHECK(kiosk.attempts("ev-1") == 0);
  auto pending = kiosk.store.pending_uploads(10);
  REQUIRE(pending);
  REQUIRE(pending->size() == 1);
  CHECK(pending->at(0).event_id == "ev-4");
  // An unanswered event fails the pass (the worker backs off) instead of being resent at once.
  CHECK(server.requests_to(kEvents).size() == 1);
  CHECK(server.requests_to(kChanges).empty());  // upload before download
}

TEST_CASE("a rejected event becomes a dead letter with the server's reason", "[client][upload]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  ledger.reject = {"ev-2"};
  serve_ledger(server, ledger);
  kiosk.record(ids("ev-", 3));
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto report = client.sync_once();
  REQUIRE(report);
  CHECK(report->uploaded == 2);
  CHECK(report->dead_letters == 1);
  auto counts = kiosk.counts();
  CHECK(counts.uploaded == 2);
  CHECK(counts.dead == 1);
  CHECK(counts.pending == 0);
  auto dead = kiosk.store.dead_letters();
  REQUIRE(dead);
  REQUIRE(dead->size() == 1);
  CHECK(dead->at(0).event.event_id == "ev-2");
  CHECK(dead->at(0).reason == "session s-1 does not exist");
}

TEST_CASE("a server error or a network failure keeps the events pending and counts the attempt", "[client][upload]") {
  Kiosk kiosk;
  kiosk.record(ids("ev-", 3));
  std::string url;
  std::optional<FakeServer> server;
  SECTION("HTTP 500") {
    server.emplace();
    server->on("POST", kEvents, [](const Recorded&) { return Reply{500, error_body("internal", "database down"), {}, false}; });
    url = server->url();
  }
  SECTION("HTTP 503 without a body") {
    server.emplace();
    server->on("POST", kEvents, [](const Recorded&) { return Reply{503, "", {}, false}; });
    url = server->url();
  }
  SECTION("nothing listening") { url = "http://127.0.0.1:" + std::to_string(closed_port()); }

  SyncClient client(kiosk.store, kiosk.enrolled_with(url), kiosk.clock, quick_options());
  for (int pass = 1; pass <= 2; ++pass) {
    auto result = client.sync_once();
    REQUIRE_FALSE(result);
    CHECK(result.error().error.code == Errc::unavailable);
    CHECK_FALSE(result.error().retry_after.has_value());
    CHECK(kiosk.counts().pending == 3);
    CHECK(kiosk.counts().dead == 0);
    CHECK(kiosk.attempts("ev-1") == pass);
    CHECK(kiosk.attempts("ev-3") == pass);
  }
  if (server) CHECK(server->requests_to(kChanges).empty());
}

TEST_CASE("429 with Retry-After is a retry after that long", "[client][upload]") {
  Kiosk kiosk;
  FakeServer server;
  kiosk.record(ids("ev-", 2));
  server.on("POST", kEvents, [](const Recorded&) {
    return Reply{429, error_body("overloaded", "too many uploads at once; retry later"), {{"Retry-After", "7"}}, false};
  });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto result = client.sync_once();
  REQUIRE_FALSE(result);
  CHECK(result.error().error.code == Errc::unavailable);
  REQUIRE(result.error().retry_after.has_value());
  CHECK(*result.error().retry_after == 7s);
  CHECK_THAT(result.error().error.message, Catch::Matchers::ContainsSubstring("overloaded"));
  CHECK(kiosk.counts().pending == 2);
  CHECK(kiosk.attempts("ev-1") == 1);
}

TEST_CASE("a batch refused with 400 is split until the bad event is alone", "[client][upload]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  kiosk.record(ids("ev-", 8));
  const std::string bad = "ev-6";
  server.on("POST", kEvents, [&](const Recorded& r) {
    auto batch = parse_event_batch(r.body);
    for (auto& e : batch->events)
      if (e.event_id == bad)
        return Reply{400, error_body("bad_request", "events[0].kind: 'checkin' needs a session"), {}, false};
    return ledger.answer(r, kNow);
  });
  server.on("GET", kChanges, [](const Recorded&) { return ok(empty_page_body()); });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto report = client.sync_once();
  REQUIRE(report);
  CHECK(report->uploaded == 7);
  CHECK(report->dead_letters == 1);
  CHECK(kiosk.counts().uploaded == 7);
  CHECK(kiosk.counts().dead == 1);
  CHECK(kiosk.counts().pending == 0);
  auto dead = kiosk.store.dead_letters();
  REQUIRE(dead);
  REQUIRE(dead->size() == 1);
  CHECK(dead->at(0).event.event_id == bad);
  CHECK_THAT(dead->at(0).reason, Catch::Matchers::ContainsSubstring("needs a session") && Catch::Matchers::ContainsSubstring("400"));

  // 8 -> 4 ok + 4 -> 2 -> 1 ok + 1 dead, 2 ok: seven requests, every good event committed once.
  auto sent = server.requests_to(kEvents);
  CHECK(sent.size() == 7);
  CHECK(event_ids_in(sent.front()).size() == 8);
  CHECK(event_ids_in(sent.back()) == std::vector<std::string>{"ev-7", "ev-8"});
  CHECK(ledger.committed.size() == 7);
}

TEST_CASE("every event of a batch refused as a whole ends as a dead letter, none lost", "[client][upload]") {
  Kiosk kiosk;
  FakeServer server;
  kiosk.record(ids("ev-", 5));
  server.on("POST", kEvents, [](const Recorded&) { return Reply{422, error_body("unprocessable", "no"), {}, false}; });
  server.on("GET", kChanges, [](const Recorded&) { return ok(empty_page_body()); });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto report = client.sync_once();
  REQUIRE(report);
  CHECK(report->dead_letters == 5);
  CHECK(kiosk.counts().dead == 5);
  CHECK(server.requests_to(kEvents).size() == 9);  // 5 + 2 + 1 + 1 leaves: 2n - 1 requests
}

TEST_CASE("401 or 403 means re-enrol, and the events wait", "[client][upload]") {
  const int status = GENERATE(401, 403);
  Kiosk kiosk;
  FakeServer server;
  kiosk.record(ids("ev-", 2));
  server.on("POST", kEvents, [&](const Recorded&) { return Reply{status, error_body("unauthorized", "token revoked"), {}, false}; });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto result = client.sync_once();
  REQUIRE_FALSE(result);
  CHECK(result.error().error.code == Errc::unauthorized);
  CHECK_THAT(result.error().error.message, Catch::Matchers::ContainsSubstring("re-enrol"));
  CHECK(kiosk.counts().pending == 2);
  CHECK(kiosk.counts().dead == 0);
}

TEST_CASE("a malformed 2xx answer is a retry, not a verdict", "[client][upload]") {
  Kiosk kiosk;
  FakeServer server;
  kiosk.record(ids("ev-", 2));
  server.on("POST", kEvents, [](const Recorded&) { return ok(R"({"protocol":1,"results":"nope"})"); });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto result = client.sync_once();
  REQUIRE_FALSE(result);
  CHECK(result.error().error.code == Errc::unavailable);
  CHECK_THAT(result.error().error.message, Catch::Matchers::ContainsSubstring("malformed"));
  CHECK(kiosk.counts().pending == 2);
  CHECK(kiosk.attempts("ev-1") == 1);
}

TEST_CASE("a lost answer: the retry sends the events again and the server's duplicates settle them",
          "[client][upload]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  kiosk.record(ids("ev-", 4));
  std::atomic<int> calls{0};
  server.on("POST", kEvents, [&](const Recorded& r) {
    Reply reply = ledger.answer(r, kNow);  // committed on the server either way
    if (++calls == 1) reply.drop_connection = true;
    return reply;
  });
  server.on("GET", kChanges, [](const Recorded&) { return ok(empty_page_body()); });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto lost = client.sync_once();
  REQUIRE_FALSE(lost);
  CHECK(lost.error().error.code == Errc::unavailable);
  CHECK(ledger.committed.size() == 4);
  CHECK(kiosk.counts().pending == 4);

  auto retried = client.sync_once();
  REQUIRE(retried);
  CHECK(retried->uploaded == 4);
  CHECK(kiosk.counts().uploaded == 4);
  auto sent = server.requests_to(kEvents);
  REQUIRE(sent.size() == 2);
  CHECK(event_ids_in(sent[0]) == event_ids_in(sent[1]));
  CHECK(ledger.committed.size() == 4);
}

TEST_CASE("every request carries the bearer token and the device time, every body the protocol version",
          "[client][headers]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  serve_ledger(server, ledger);
  server.on("POST", kFeedback, [](const Recorded&) { return ok(to_json(FeedbackResult{1, kNow})); });
  kiosk.record(ids("ev-", 1));
  REQUIRE(kiosk.store.record_feedback(Feedback{"s-1", 4}, kNow));
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());
  REQUIRE(client.sync_once());
  REQUIRE(client.roll_token().has_value() == false);  // no route for it here: 404

  auto requests = server.requests();
  REQUIRE(requests.size() == 5);
  for (auto& r : requests) {
    INFO(r.method << " " << r.path);
    CHECK(r.authorization == "Bearer " + kToken);
    CHECK(r.device_time == "2026-11-26T18:30:00.000Z");
    if (r.method == "POST") {
      CHECK(r.content_type == "application/json");
      auto body = nlohmann::json::parse(r.body);
      CHECK(body.at("protocol") == kProtocolVersion);
    }
  }
  CHECK(requests[0].path == kEvents);
  CHECK(requests[1].path == kFeedback);
  CHECK(requests[2].path == kChanges);
  CHECK(requests[3].path == api::site_feed(kDevice));
  CHECK(nlohmann::json::parse(requests[0].body).at("device_id") == kDevice);
}

TEST_CASE("feedback is uploaded and then removed from the kiosk", "[client][feedback]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  serve_ledger(server, ledger);
  std::atomic<int> status{500};
  server.on("POST", kFeedback, [&](const Recorded& r) {
    if (status != 200) return Reply{status, error_body("internal", "try later"), {}, false};
    auto batch = parse_feedback_batch(r.body);
    return ok(to_json(FeedbackResult{static_cast<std::int64_t>(batch->items.size()), kNow}));
  });
  REQUIRE(kiosk.store.record_feedback(Feedback{"s-1", 5}, kNow));
  REQUIRE(kiosk.store.record_feedback(Feedback{"s-1", 2}, kNow));
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  REQUIRE_FALSE(client.sync_once());
  CHECK(kiosk.store.pending_feedback()->size() == 2);

  status = 200;
  auto report = client.sync_once();
  REQUIRE(report);
  CHECK(report->feedback == 2);
  CHECK(kiosk.store.pending_feedback()->empty());
  auto sent = server.requests_to(kFeedback);
  REQUIRE(sent.size() == 2);
  auto batch = parse_feedback_batch(sent.back().body);
  REQUIRE(batch);
  REQUIRE(batch->items.size() == 2);
  std::multiset<int> ratings{batch->items[0].feedback.rating, batch->items[1].feedback.rating};
  CHECK(ratings == std::multiset<int>{2, 5});
  CHECK(batch->items[0].day == "2026-11-26");
}

TEST_CASE("uploaded events older than keep_uploaded are purged after a pass", "[client][upload]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  serve_ledger(server, ledger);
  REQUIRE(kiosk.store.append(std::vector{event("old", kNow - 40h), event("recent", kNow - 1h)}));
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());
  REQUIRE(client.sync_once());
  auto counts = kiosk.counts();
  CHECK(counts.uploaded == 1);  // "old" is gone, "recent" stays for "already checked in"
  CHECK(counts.pending == 0);
  CHECK(ledger.committed.size() == 2);
}

// --- download ---

TEST_CASE("a round of three pages is applied once, with the last cursor", "[client][download]") {
  Kiosk kiosk;
  FakeServer server;
  REQUIRE(kiosk.store.set_setting("sync_cursor", "c0"));
  std::atomic<bool> untouched_mid_round{true};

  server.on("GET", kChanges, [&](const Recorded& r) {
    const std::string cursor = r.cursor.value_or("");
    if (cursor == "c0") {
      auto p = page("c1", true);
      p.programs = {program("p-1")};
      p.sessions = {session("s-1", "p-1", kNow)};
      p.public_keys = {key('a')};
      p.settings = {{"result_seconds", "5"}};
      p.revocations = {{"dead01", kNow - 1h}};
      return ok(to_json(p));
    }
    // Mid-round, the kiosk's database still holds the old state.
    Kiosk::open_at(kiosk.path, [&](store::Store& other) {
      auto stored_cursor = other.get_setting("sync_cursor");
      auto schedule = other.load_schedule();
      if (!stored_cursor || stored_cursor->value_or("") != "c0" || !schedule || !schedule->sessions.empty())
        untouched_mid_round = false;
    });
    if (cursor == "c1") {
      auto p = page("c2", true);
      p.sessions = {session("s-2", "p-1", kNow + 2h)};
      p.shifts = {shift("sh-1", kNow)};
      p.roster_replaced = true;
      p.roster = {RosterEntry{Person{"person-1", "Sam", "en", {}}, {"aa01"}}};
      return ok(to_json(p));
    }
    if (cursor == "c2") {
      auto p = page("c3", false);
      p.removed_sessions = {"s-1"};
      p.roster_replaced = true;
      p.roster = {RosterEntry{Person{"person-2", "Ana", "es", {}}, {"aa02"}}};
      p.revocations = {{"dead02", kNow}};
      return ok(to_json(p));
    }
    return Reply{400, error_body("bad_request", "unknown cursor " + cursor), {}, false};
  });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto report = client.sync_once();
  REQUIRE(report);
  CHECK(report->pages == 3);
  CHECK(report->caches_changed);
  CHECK_FALSE(report->full_resync);
  CHECK(report->bytes_down > 0);
  CHECK(untouched_mid_round);

  auto cursors = server.requests_to(kChanges);
  REQUIRE(cursors.size() == 3);
  CHECK(cursors[0].cursor == "c0");
  CHECK(cursors[1].cursor == "c1");
  CHECK(cursors[2].cursor == "c2");

  CHECK(kiosk.setting("sync_cursor") == "c3");
  auto schedule = kiosk.store.load_schedule();
  REQUIRE(schedule);
  REQUIRE(schedule->sessions.size() == 1);
  CHECK(schedule->sessions[0].id == "s-2");
  REQUIRE(schedule->shifts.size() == 1);
  auto roster = kiosk.store.load_roster();
  REQUIRE(roster);
  CHECK(roster->people.size() == 2);  // the pages of a round replace the roster together
  CHECK(roster->find_by_pass("aa01") != nullptr);
  CHECK(*kiosk.store.is_revoked("dead01"));
  CHECK(*kiosk.store.is_revoked("dead02"));
  CHECK(kiosk.store.load_public_keys()->size() == 1);
  CHECK(kiosk.setting("central.result_seconds") == "5");
  CHECK(kiosk.setting("site_name") == "Riverside");

  // Nothing new: the next round changes nothing.
  server.on("GET", kChanges, [](const Recorded& r) {
    auto p = page(r.cursor.value_or(""), false);
    p.public_keys = {key('a')};
    p.settings = {{"result_seconds", "5"}};
    return ok(to_json(p));
  });
  auto quiet = client.sync_once();
  REQUIRE(quiet);
  CHECK_FALSE(quiet->caches_changed);
  CHECK(kiosk.setting("sync_cursor") == "c3");
}

TEST_CASE("a failure on page 2 applies nothing and keeps the old cursor", "[client][download]") {
  Kiosk kiosk;
  FakeServer server;
  store::DownloadedChanges before;
  before.schedule.programs = {program("p-old")};
  before.schedule.sessions = {session("s-old", "p-old", kNow)};
  before.cursor = "c0";
  REQUIRE(kiosk.store.apply_download(before));

  const int failure = GENERATE(500, 200);  // a server error, or a page that is not JSON
  server.on("GET", kChanges, [&](const Recorded& r) {
    if (r.cursor == "c0") {
      auto p = page("c1", true);
      p.removed_sessions = {"s-old"};
      p.sessions = {session("s-new", "p-old", kNow)};
      return ok(to_json(p));
    }
    return Reply{failure, failure == 200 ? "{not json" : error_body("internal", "oops"), {}, false};
  });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto result = client.sync_once();
  REQUIRE_FALSE(result);
  CHECK(result.error().error.code == Errc::unavailable);
  CHECK(kiosk.setting("sync_cursor") == "c0");
  auto schedule = kiosk.store.load_schedule();
  REQUIRE(schedule);
  REQUIRE(schedule->sessions.size() == 1);
  CHECK(schedule->sessions[0].id == "s-old");
  CHECK(server.requests_to(kChanges).size() == 2);
}

TEST_CASE("a full resync replaces the schedule and the revocations", "[client][download]") {
  Kiosk kiosk;
  FakeServer server;
  store::DownloadedChanges before;
  before.schedule.programs = {program("p-old")};
  before.schedule.sessions = {session("s-old", "p-old", kNow)};
  before.revocations = {{"dead01", kNow - 5h}};
  before.cursor = "expired-cursor";
  REQUIRE(kiosk.store.apply_download(before));

  server.on("GET", kChanges, [](const Recorded&) {
    auto p = page("c1", false);
    p.full_resync = true;
    p.programs = {program("p-new")};
    p.sessions = {session("s-new", "p-new", kNow)};
    p.revocations = {{"dead02", kNow}};
    return ok(to_json(p));
  });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  auto report = client.sync_once();
  REQUIRE(report);
  CHECK(report->full_resync);
  CHECK(report->caches_changed);
  auto schedule = kiosk.store.load_schedule();
  REQUIRE(schedule);
  REQUIRE(schedule->programs.size() == 1);
  CHECK(schedule->programs[0].id == "p-new");
  REQUIRE(schedule->sessions.size() == 1);
  CHECK(schedule->sessions[0].id == "s-new");
  CHECK_FALSE(*kiosk.store.is_revoked("dead01"));
  CHECK(*kiosk.store.is_revoked("dead02"));
  CHECK(kiosk.setting("sync_cursor") == "c1");
  CHECK(server.requests_to(kChanges).at(0).cursor == "expired-cursor");
}

TEST_CASE("a replaced roster with nobody on it clears the kiosk's roster", "[client][download]") {
  Kiosk kiosk;
  FakeServer server;
  Roster roster;
  roster.add(Person{"person-1", "Sam", "en", {}}, {"aa01"});
  REQUIRE(kiosk.store.replace_roster(roster));

  bool replaced = GENERATE(false, true);
  server.on("GET", kChanges, [&](const Recorded&) {
    auto p = page("c1", false);
    p.roster_replaced = replaced;
    return ok(to_json(p));
  });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());
  REQUIRE(client.sync_once());
  CHECK(kiosk.store.load_roster()->people.size() == (replaced ? 0u : 1u));
}

TEST_CASE("sessions and shifts that ended more than a day ago are dropped", "[client][download]") {
  Kiosk kiosk;
  FakeServer server;
  server.on("GET", kChanges, [](const Recorded&) {
    auto p = page("c1", false);
    p.programs = {program("p-1")};
    p.sessions = {session("s-ancient", "p-1", kNow - 27h), session("s-yesterday", "p-1", kNow - 24h),
                  session("s-orphan", "p-unknown", kNow)};
    p.shifts = {shift("sh-ancient", kNow - 28h), shift("sh-today", kNow - 2h)};
    return ok(to_json(p));
  });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());
  REQUIRE(client.sync_once());
  auto schedule = kiosk.store.load_schedule();
  REQUIRE(schedule);
  REQUIRE(schedule->sessions.size() == 1);
  CHECK(schedule->sessions[0].id == "s-yesterday");  // ended 22 h ago
  REQUIRE(schedule->shifts.size() == 1);
  CHECK(schedule->shifts[0].id == "sh-today");
}

TEST_CASE("the clock offset is recorded at every pass", "[client][clock]") {
  Kiosk kiosk;
  FakeServer server;
  server.on("GET", kChanges, [](const Recorded&) {
    auto p = page("c1", false);
    p.server_time = kNow - 5s;  // the kiosk's clock is 5 s fast
    return ok(to_json(p));
  });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());
  auto report = client.sync_once();
  REQUIRE(report);
  CHECK(report->clock_offset == 5000ms);
  CHECK(kiosk.setting("sync_clock_offset_ms") == "5000");
  CHECK(kiosk.setting("sync_last_success") == "2026-11-26T18:30:00.000Z");
}

// --- enrolment and the token ---

TEST_CASE("enrolment saves the credentials, keys and site, enrolling again replaces them", "[client][enrol]") {
  Kiosk kiosk;
  FakeServer server;
  std::atomic<int> enrolments{0};
  server.on("POST", std::string(api::kEnrol), [&](const Recorded& r) {
    auto request = parse_enrol_request(r.body);
    if (!request || request->token != "tok-" + std::to_string(enrolments + 1))
      return Reply{401, error_body("unauthorized", "enrolment token unknown or used"), {}, false};
    ++enrolments;
    EnrolResponse response;
    response.device_id = "dev-" + std::to_string(enrolments.load());
    response.device_token = "secret-" + std::to_string(enrolments.load());
    response.site = Site{"site-1", "Riverside"};
    response.public_keys = {key('b')};
    response.server_time = kNow - 2s;
    return ok(to_json(response));
  });
  REQUIRE(kiosk.store.set_setting("sync_cursor", "old-cursor"));

  auto first = enrol(EnrolmentCode{server.url(), "tok-1", ""}, "kiosk-hall", kiosk.store, kiosk.clock, quick_options());
  REQUIRE(first);
  CHECK(first->device_id == "dev-1");
  CHECK(first->device_token == "secret-1");
  CHECK(kiosk.store.device_id()->value_or("") == "dev-1");
  CHECK(kiosk.store.load_public_keys()->size() == 1);
  CHECK(kiosk.setting("site_name") == "Riverside");
  CHECK(kiosk.setting("sync_cursor").empty());  // a new device starts with a full resync
  CHECK(kiosk.setting("sync_clock_offset_ms") == "2000");
  auto loaded = Credentials::load(kiosk.store);
  REQUIRE(loaded);
  REQUIRE(loaded->has_value());
  CHECK((*loaded)->server_url == server.url());
  CHECK((*loaded)->device_token == "secret-1");
  auto request = server.requests_to(std::string(api::kEnrol)).at(0);
  CHECK(request.authorization.empty());
  CHECK(nlohmann::json::parse(request.body).at("device_name") == "kiosk-hall");
  CHECK(nlohmann::json::parse(request.body).at("protocol") == kProtocolVersion);

  // A used code is refused and changes nothing.
  auto again = enrol(EnrolmentCode{server.url(), "tok-1", ""}, "kiosk-hall", kiosk.store, kiosk.clock, quick_options());
  REQUIRE_FALSE(again);
  CHECK(again.error().code == Errc::unauthorized);
  CHECK(kiosk.store.device_id()->value_or("") == "dev-1");

  auto second = enrol(EnrolmentCode{server.url(), "tok-2", ""}, "kiosk-hall", kiosk.store, kiosk.clock, quick_options());
  REQUIRE(second);
  CHECK(kiosk.store.device_id()->value_or("") == "dev-2");
  CHECK((*Credentials::load(kiosk.store))->device_token == "secret-2");
}

TEST_CASE("a kiosk that never enrolled has no credentials", "[client][enrol]") {
  Kiosk kiosk;
  auto loaded = Credentials::load(kiosk.store);
  REQUIRE(loaded);
  CHECK_FALSE(loaded->has_value());
  CHECK_FALSE(Credentials{"", "d", "t", ""}.save(kiosk.store));
}

TEST_CASE("rolling the token saves the new one and uses it from then on", "[client][enrol]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  serve_ledger(server, ledger);
  server.on("POST", api::token_roll(kDevice), [](const Recorded&) { return ok(to_json(TokenRoll{"rolled-token"})); });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());

  REQUIRE(client.roll_token());
  CHECK((*Credentials::load(kiosk.store))->device_token == "rolled-token");
  REQUIRE(client.sync_once());
  CHECK(server.requests().back().authorization == "Bearer rolled-token");
  CHECK(server.requests_to(api::token_roll(kDevice)).at(0).authorization == "Bearer " + kToken);
}

TEST_CASE("a bad server URL or pin is a clear error at every pass", "[client]") {
  Kiosk kiosk;
  SECTION("not http") {
    SyncClient client(kiosk.store, Credentials{"ftp://127.0.0.1", kDevice, kToken, ""}, kiosk.clock);
    auto result = client.sync_once();
    REQUIRE_FALSE(result);
    CHECK(result.error().error.code == Errc::invalid_input);
    CHECK_THAT(result.error().error.message, Catch::Matchers::ContainsSubstring("https://"));
  }
  SECTION("a pin that is not 64 hex digits") {
    SyncClient client(kiosk.store, Credentials{"https://127.0.0.1:1", kDevice, kToken, "abc"}, kiosk.clock);
    auto result = client.sync_once();
    REQUIRE_FALSE(result);
    CHECK_THAT(result.error().error.message, Catch::Matchers::ContainsSubstring("64 hex"));
  }
}

// --- the site feed and the kiosk's name ---

TEST_CASE("the site feed: pages read to the last, the cursor kept, an event seen twice learned once", "[client][feed]") {
  Kiosk kiosk;
  FakeServer server;
  const std::string feed = api::site_feed(kDevice);
  std::int64_t seq = 0;
  auto other_door = [&](const std::string& id) {
    AttendanceEvent e = event(id);
    e.device_id = "back-door";
    e.seq = id == "e2" ? 2 : ++seq + 2;
    return e;
  };
  FakeLedger ledger;
  serve_ledger(server, ledger);
  server.on("GET", feed, [&](const Recorded& r) {
    SiteFeedPage p;
    p.server_time = kNow;
    if (!r.cursor) {
      p.events = {other_door("e1"), other_door("e2")};
      p.next_cursor = "f-2";
      p.has_more = true;
    } else if (*r.cursor == "f-2") {
      p.events = {other_door("e2"), other_door("e3")};  // e2 again: a page boundary read twice
      p.next_cursor = "f-3";
    } else {
      p.next_cursor = *r.cursor;
    }
    return ok(to_json(p));
  });
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());
  auto report = client.sync_once();
  INFO((report ? std::string() : report.error().error.message));
  REQUIRE(report);
  CHECK(report->site_events == 3);
  CHECK(kiosk.setting(std::string(store::kSiteFeedCursorSetting)) == "f-3");
  auto kept = kiosk.store.site_events(0, WallTime{});
  REQUIRE(kept);
  CHECK(kept->events.size() == 3);

  auto again = client.follow_site(0s);
  REQUIRE(again);
  CHECK(*again == 0);
  CHECK(server.requests_to(feed).back().cursor == "f-3");

  SECTION("a malformed page changes nothing and fails the pass as a retry") {
    server.on("GET", feed, [](const Recorded&) { return ok(R"({"protocol":1,"events":[{"kind":"teleport"}]})"); });
    auto broken = client.sync_once();
    REQUIRE_FALSE(broken);
    CHECK(broken.error().error.code == Errc::unavailable);
    CHECK_THAT(broken.error().error.message, Catch::Matchers::ContainsSubstring("site feed"));
    CHECK(kiosk.setting(std::string(store::kSiteFeedCursorSetting)) == "f-3");
    CHECK(kiosk.store.site_events(0, WallTime{})->events.size() == 3);
  }
}

TEST_CASE("a server without the site feed or kiosk names is synced with as before", "[client][feed]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  serve_ledger(server, ledger);  // no feed route, no name route: 404 as an older server answers
  REQUIRE(kiosk.store.set_setting(store::kDeviceNamePendingSetting, "Front door"));
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());
  auto report = client.sync_once();
  REQUIRE(report);
  CHECK(report->site_events == 0);
  auto followed = client.follow_site(0s);
  REQUIRE_FALSE(followed);
  CHECK(followed.error().error.code == Errc::not_found);
  CHECK(kiosk.setting(std::string(store::kDeviceNamePendingSetting)) == "Front door");  // kept for a newer server
}

TEST_CASE("a new name reaches the server once, at the next pass", "[client][name]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  serve_ledger(server, ledger);
  const std::string naming = api::device_name(kDevice);
  server.on("POST", naming, [](const Recorded&) { return ok(R"({"protocol":1,"device_name":"Front door"})"); });
  REQUIRE(kiosk.store.set_setting(store::kDeviceNamePendingSetting, "Front door"));
  SyncClient client(kiosk.store, kiosk.enrolled_with(server.url()), kiosk.clock, quick_options());
  REQUIRE(client.sync_once());
  REQUIRE(server.requests_to(naming).size() == 1);
  auto sent = parse_device_name(server.requests_to(naming)[0].body);
  REQUIRE(sent);
  CHECK(sent->name == "Front door");
  CHECK(kiosk.setting(std::string(store::kDeviceNamePendingSetting)).empty());
  REQUIRE(client.sync_once());
  CHECK(server.requests_to(naming).size() == 1);

  SECTION("a name the server refuses is not retried at every pass") {
    server.on("POST", naming, [](const Recorded&) { return Reply{400, error_body("bad_request", "name too long"), {}, false}; });
    REQUIRE(kiosk.store.set_setting(store::kDeviceNamePendingSetting, "Door"));
    REQUIRE(client.sync_once());
    CHECK(kiosk.setting(std::string(store::kDeviceNamePendingSetting)).empty());
  }
}
