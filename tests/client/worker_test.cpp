// SPDX-License-Identifier: AGPL-3.0-or-later
// SyncWorker: its own thread, store and client; nudges, prompt stop, re-enrolment.
#include "checkin_catch.hpp"

#include <atomic>
#include <condition_variable>
#include <thread>

#include "checkin/sync/api.hpp"
#include "checkin/sync/site_feed.hpp"
#include "client_test_support.hpp"

using namespace checkin;
using namespace checkin::sync;
using namespace checkin::testing;
using namespace std::chrono_literals;

namespace {

// Waits (on on_change, not by sleeping) until the worker's status satisfies `done`.
class StatusWatch {
 public:
  std::function<void()> callback() {
    return [this] {
      {
        std::lock_guard lock(mutex_);
        ++changes_;
      }
      changed_.notify_all();
    };
  }
  template <class Done>
  bool wait(const SyncWorker& worker, Done done, std::chrono::milliseconds timeout = 15s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(worker.status()); });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int changes_ = 0;
};

WorkerOptions worker_options() {
  WorkerOptions options;
  options.client.request_timeout = 20s;  // long, so a prompt stop cannot be a timeout
  options.interval = 1h;                 // only nudges and enrolment start passes
  options.nudge_delay = 20ms;
  options.device_name = "kiosk-test";
  return options;
}

}  // namespace

TEST_CASE("the worker syncs at start and uploads soon after a nudge", "[client][worker]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  server.on("POST", api::events_batch(kDevice), [&](const Recorded& r) { return ledger.answer(r, kNow); });
  server.on("GET", api::changes(kDevice), [](const Recorded&) { return ok(empty_page_body()); });
  kiosk.enrolled_with(server.url());
  StatusWatch watch;
  SyncWorker worker(kiosk.path, kiosk.clock, worker_options(), watch.callback());

  REQUIRE(watch.wait(worker, [](const SyncStatus& s) { return s.state == SyncState::synced; }));
  CHECK(worker.status().device_id == kDevice);
  CHECK(worker.status().server_url == server.url());
  CHECK(worker.status().last_success == kNow);
  CHECK(server.requests_to(api::events_batch(kDevice)).empty());  // nothing to upload yet

  kiosk.record(ids("ev-", 3));
  worker.nudge();
  worker.nudge();  // a burst of check-ins: coalesced
  REQUIRE(server.wait_for_requests(api::events_batch(kDevice), 1));
  REQUIRE(watch.wait(worker, [](const SyncStatus& s) { return s.state == SyncState::synced && s.pending == 0; }));
  CHECK(kiosk.counts().uploaded == 3);
  CHECK(ledger.committed.size() == 3);
  CHECK(server.requests_to(api::events_batch(kDevice)).size() == 1);
}

TEST_CASE("the worker stops promptly while the server is slow to answer", "[client][worker]") {
  Kiosk kiosk;
  FakeServer server;
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  server.on("POST", api::events_batch(kDevice), [&](const Recorded&) {
    std::unique_lock lock(mutex);
    released_cv.wait_for(lock, 30s, [&] { return released; });
    return Reply{503, "", {}, false};
  });
  kiosk.enrolled_with(server.url());
  kiosk.record(ids("ev-", 2));

  std::chrono::steady_clock::duration stopping_took{};
  {
    StatusWatch watch;
    std::optional<SyncWorker> worker;
    worker.emplace(kiosk.path, kiosk.clock, worker_options(), watch.callback());
    REQUIRE(server.wait_for_requests(api::events_batch(kDevice), 1));
    const auto stop_started = std::chrono::steady_clock::now();
    worker.reset();  // the upload is in flight
    stopping_took = std::chrono::steady_clock::now() - stop_started;
  }
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  released_cv.notify_all();
  CHECK(stopping_took < 3s);
  CHECK(kiosk.counts().pending == 2);  // abandoned safely: still there for the next run
}

TEST_CASE("after 401 the worker needs enrolment, and enrolling through it syncs again", "[client][worker]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  const std::string new_device = "dev-2";
  // The old device was revoked: everything it sends is refused.
  server.on("POST", api::events_batch(kDevice), [](const Recorded&) {
    return Reply{401, error_body("unauthorized", "the device was revoked"), {}, false};
  });
  server.on("POST", std::string(api::kEnrol), [&](const Recorded& r) {
    auto request = parse_enrol_request(r.body);
    if (!request || request->token != "enrol-token")
      return Reply{401, error_body("unauthorized", "enrolment token unknown"), {}, false};
    EnrolResponse response{new_device, "new-secret", Site{"site-1", "Riverside"}, {key('d')}, kNow};
    return ok(to_json(response));
  });
  server.on("POST", api::events_batch(new_device), [&](const Recorded& r) {
    if (r.authorization != "Bearer new-secret") return Reply{401, error_body("unauthorized", "bad token"), {}, false};
    return ledger.answer(r, kNow);
  });
  server.on("GET", api::changes(new_device), [](const Recorded&) { return ok(empty_page_body()); });
  kiosk.enrolled_with(server.url());
  kiosk.record(ids("ev-", 2));

  StatusWatch watch;
  SyncWorker worker(kiosk.path, kiosk.clock, worker_options(), watch.callback());
  REQUIRE(watch.wait(worker, [](const SyncStatus& s) { return s.state == SyncState::needs_enrolment; }));
  CHECK_THAT(worker.status().last_error, Catch::Matchers::ContainsSubstring("re-enrol"));
  CHECK(worker.status().pending == 2);

  // Nudges do not make a refused kiosk knock again.
  worker.nudge();
  REQUIRE(watch.wait(worker, [](const SyncStatus& s) { return s.state == SyncState::needs_enrolment; }));
  const auto versions_before = worker.status().caches_version;

  // A wrong code: still needs enrolment, with the reason.
  worker.enrol(EnrolmentCode{server.url(), "stale-token", ""});
  REQUIRE(watch.wait(worker, [](const SyncStatus& s) {
    return s.last_error.find("enrolment refused") != std::string::npos;
  }));
  CHECK(worker.status().state == SyncState::needs_enrolment);

  worker.enrol(EnrolmentCode{server.url(), "enrol-token", ""});
  REQUIRE(watch.wait(worker, [](const SyncStatus& s) { return s.state == SyncState::synced; }));
  auto status = worker.status();
  CHECK(status.device_id == new_device);
  CHECK(status.last_error.empty());
  CHECK(status.caches_version > versions_before);  // new keys to load
  // Before each enrolment the outbox was tried once more with the old credentials (refused
  // here); the events recorded under the old id went up with the new device, and the
  // enrolment vouched for them: it named the old device and proved it with the old token.
  CHECK(status.pending == 0);
  CHECK(kiosk.counts().uploaded == 2);
  CHECK(server.requests_to(api::events_batch(kDevice)).size() == 3);  // the pass, and a try before each enrolment
  CHECK(kiosk.store.device_id()->value_or("") == new_device);
  auto enrol_request = parse_enrol_request(server.requests_to(std::string(api::kEnrol)).back().body);
  REQUIRE(enrol_request);
  CHECK(enrol_request->device_name == "kiosk-test");
  CHECK(enrol_request->previous_device_id == kDevice);
  CHECK(enrol_request->previous_device_token == kToken);
}

TEST_CASE("a kiosk never enrolled waits, then enrols through the worker", "[client][worker]") {
  Kiosk kiosk;
  FakeServer server;
  server.on("POST", std::string(api::kEnrol), [](const Recorded&) {
    EnrolResponse response{kDevice, kToken, Site{"site-1", "Riverside"}, {key('e')}, kNow};
    return ok(to_json(response));
  });
  server.on("GET", api::changes(kDevice), [](const Recorded&) { return ok(empty_page_body()); });

  StatusWatch watch;
  SyncWorker worker(kiosk.path, kiosk.clock, worker_options(), watch.callback());
  worker.nudge();
  CHECK(worker.status().state == SyncState::not_enrolled);
  worker.enrol(EnrolmentCode{server.url(), "enrol-token", ""});
  REQUIRE(watch.wait(worker, [](const SyncStatus& s) { return s.state == SyncState::synced; }));
  CHECK(worker.status().device_id == kDevice);
  CHECK(kiosk.setting("site_name") == "Riverside");
  CHECK(server.requests_to(api::changes(kDevice)).size() == 1);
}

TEST_CASE("a failing server puts the worker in retrying with the next attempt", "[client][worker]") {
  Kiosk kiosk;
  FakeServer server;
  server.on("GET", api::changes(kDevice), [](const Recorded&) {
    return Reply{503, error_body("unavailable", "maintenance"), {{"Retry-After", "600"}}, false};
  });
  kiosk.enrolled_with(server.url());
  StatusWatch watch;
  SyncWorker worker(kiosk.path, kiosk.clock, worker_options(), watch.callback());
  REQUIRE(watch.wait(worker, [](const SyncStatus& s) { return s.state == SyncState::retrying; }));
  auto status = worker.status();
  CHECK_THAT(status.last_error, Catch::Matchers::ContainsSubstring("maintenance"));
  REQUIRE(status.next_attempt.has_value());
  CHECK(*status.next_attempt == kNow + 600s);  // Retry-After honoured
  CHECK_FALSE(status.last_success.has_value());
}

TEST_CASE("a feed answer saying what kiosks download changed starts a pass at once", "[client][worker][feed]") {
  Kiosk kiosk;
  FakeServer server;
  FakeLedger ledger;
  server.on("POST", api::events_batch(kDevice), [&](const Recorded& r) { return ledger.answer(r, kNow); });
  server.on("GET", api::changes(kDevice), [](const Recorded&) { return ok(empty_page_body()); });
  // The feed's long poll, played quickly: the server's change count is 7, then 7 again
  // (other doors' news only), then 8 (a pass was revoked), then 8 from then on.
  std::atomic<int> polls{0};
  server.on("GET", api::site_feed(kDevice), [&](const Recorded&) {
    const int n = ++polls;
    std::this_thread::sleep_for(50ms);
    SiteFeedPage page;
    page.next_cursor = "c";
    page.server_time = kNow;
    page.changes = n <= 2 ? 7 : 8;
    return ok(to_json(page));
  });
  kiosk.enrolled_with(server.url());
  StatusWatch watch;
  auto options = worker_options();
  options.site_wait = 1s;
  SyncWorker worker(kiosk.path, kiosk.clock, options, watch.callback());

  REQUIRE(watch.wait(worker, [](const SyncStatus& s) { return s.state == SyncState::synced; }));
  REQUIRE(server.wait_for_requests(api::site_feed(kDevice), 6));
  // The pass at start, maybe one more for the feed's first answer racing it, and one for
  // the change from 7 to 8 — never one per poll (the interval is an hour).
  REQUIRE(watch.wait(worker, [](const SyncStatus& s) { return s.passes >= 2; }));
  const auto passes = worker.status().passes;
  CHECK(passes <= 3);
  REQUIRE(server.wait_for_requests(api::site_feed(kDevice), 10));
  CHECK(worker.status().passes == passes);  // no change since: no pass
}
