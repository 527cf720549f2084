// SPDX-License-Identifier: AGPL-3.0-or-later
// Long polling on the real HTTP front (libmicrohttpd) on 127.0.0.1, with routes made for
// the test: parked requests hold no worker thread and no place against their address's
// limit, a notify wakes exactly its topic's waiters at once, a notify between a route's
// look and its park is not lost, deadlines answer, and stopping answers everyone.
#include "checkin_catch.hpp"
#include <fmt/format.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <thread>
#include <vector>

#include "checkin/server/http_front.hpp"
#include "raw_http.hpp"

using namespace checkin;
using namespace checkin::server;
using namespace std::chrono_literals;
using checkin::testing::raw_request;
using checkin::testing::RawConnection;
using Clock = std::chrono::steady_clock;

namespace {

// GET /park?topic=T&ms=N parks on T for N ms and answers why it woke; &notify_first=1
// notifies T itself between its look and its park, as a commit on another thread might.
class ParkingRoutes final : public FrontHandler {
 public:
  HttpFront* front = nullptr;
  std::atomic<int> handled{0};

  void handle(const Request& req, Response& res) override {
    ++handled;
    if (req.path == "/healthz") return res.set_content("ok\n", "text/plain");
    if (req.path != "/park") {
      res.status = 404;
      return res.set_content("no such route\n", "text/plain");
    }
    const auto topic = req.query.get("topic");
    const auto wait = req.query.get("ms");
    int ms = 0;
    std::from_chars(wait.data(), wait.data() + wait.size(), ms);
    if (req.query.has("notify_first")) front->notify(topic);
    res.park({topic}, req.arrived + std::chrono::milliseconds{ms}, [](const Request&, Response& answer, Wake why) {
      answer.set_content(to_string(why), "text/plain");
    });
  }
  void refused(const Request&, Response& res, std::string_view reason) override {
    res.set_content(std::string(reason), "text/plain");
  }
  void answered(const Request&, const Response&) override {}
};

struct RunningFront {
  ParkingRoutes routes;
  std::unique_ptr<HttpFront> front;
  std::thread serving;
  std::atomic<bool> served{false};  // run() returned without an error
  int port = 0;

  explicit RunningFront(FrontOptions options) {
    options.listen = {"127.0.0.1", 0};
    auto created = HttpFront::create(std::move(options), routes);
    REQUIRE(created);
    front = std::move(*created);
    routes.front = front.get();
    auto bound = front->bind();
    REQUIRE(bound);
    port = *bound;
    serving = std::thread([this] { served = front->run().has_value(); });
  }
  ~RunningFront() {
    front->stop();
    if (serving.joinable()) serving.join();
  }

  bool parked_reaches(int count, std::chrono::milliseconds within = 10s) {
    const auto deadline = Clock::now() + within;
    while (Clock::now() < deadline) {
      if (front->stats().parked == count) return true;
      std::this_thread::sleep_for(5ms);
    }
    return front->stats().parked == count;
  }
};

std::string park_request(const std::string& topic, int ms, bool notify_first = false) {
  return fmt::format("GET /park?topic={}&ms={}{} HTTP/1.1\r\nHost: test\r\n\r\n", topic, ms,
                     notify_first ? "&notify_first=1" : "");
}

}  // namespace

TEST_CASE("long polling: 200 parked requests hold no worker, a notify wakes exactly its waiters, stop answers the rest") {
  FrontOptions options;
  options.threads = 2;  // far fewer workers than parked requests
  RunningFront server(options);
  std::vector<RawConnection> waiting;
  for (int i = 0; i < 200; ++i) {
    // Four addresses (kiosks behind four routers), 50 each arriving at once: within the
    // default limit of 64 per address while they connect; parked, they hold no place.
    waiting.emplace_back(server.port, fmt::format("127.0.3.{}", 1 + i % 4));
    REQUIRE(waiting.back().connected());
    REQUIRE(waiting.back().send(park_request(fmt::format("site-{}", i % 10), 60000)));
  }
  REQUIRE(server.parked_reaches(200));

  for (int i = 0; i < 5; ++i) {
    const auto started = Clock::now();
    auto health = raw_request(server.port, "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n", 1s);
    REQUIRE(health);
    CHECK(health->status == 200);
    CHECK(Clock::now() - started < 1s);
  }

  const auto notified_at = Clock::now();
  server.front->notify("site-3");
  Clock::duration slowest{};
  for (int i = 3; i < 200; i += 10) {
    auto answer = waiting[static_cast<std::size_t>(i)].read_response(2s);
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->body == "notified");
    slowest = std::max(slowest, Clock::now() - notified_at);
  }
  INFO("the last of 20 woken answered " << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count()
                                        << " ms after the notify");
  CHECK(slowest < 250ms);
  CHECK(server.front->stats().parked == 180);
  // The others still wait: nothing for them.
  for (int i : {0, 1, 2, 4, 13, 199}) CHECK(waiting[static_cast<std::size_t>(i)].read_available(20ms).empty());
  // Notifying a topic nobody waits on wakes nobody.
  server.front->notify("site-3");
  server.front->notify("elsewhere");
  CHECK(server.front->stats().parked == 180);

  // Stopping answers every parked request at once, and run() returns.
  const auto stopping_at = Clock::now();
  server.front->stop();
  for (int i = 0; i < 200; ++i) {
    if (i % 10 == 3) continue;
    auto answer = waiting[static_cast<std::size_t>(i)].read_response(3s);
    REQUIRE(answer);
    CHECK(answer->body == "stopping");
  }
  server.serving.join();
  CHECK(server.served);
  CHECK(Clock::now() - stopping_at < 3s);
}

TEST_CASE("long polling: a notify between a route's look and its park is not lost") {
  RunningFront server(FrontOptions{});
  const auto started = Clock::now();
  auto answer = raw_request(server.port, park_request("racy", 10000, /*notify_first=*/true), 5s);
  REQUIRE(answer);
  CHECK(answer->body == "notified");
  CHECK(Clock::now() - started < 1s);
}

TEST_CASE("long polling: a parked request answers at its deadline, and the front caps it") {
  RunningFront server(FrontOptions{});
  const auto started = Clock::now();
  auto answer = raw_request(server.port, park_request("quiet", 300), 5s);
  REQUIRE(answer);
  CHECK(answer->body == "deadline");
  const auto took = Clock::now() - started;
  CHECK(took >= 300ms);
  CHECK(took < 1300ms);
}

TEST_CASE("long polling: parked requests do not count against their address's connection limit") {
  FrontOptions options;
  options.max_connections_per_address = 8;
  RunningFront server(options);
  std::vector<RawConnection> waiting;
  for (int i = 0; i < 20; ++i) {
    waiting.emplace_back(server.port, "127.0.0.5");
    REQUIRE(waiting.back().connected());
    REQUIRE(waiting.back().send(park_request("kiosks", 60000)));
    REQUIRE(server.parked_reaches(i + 1, 3s));
  }
  // The address still gets its ordinary requests served.
  auto health = raw_request(server.port, "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n", 2s, "127.0.0.5");
  REQUIRE(health);
  CHECK(health->status == 200);
  server.front->notify("kiosks");
  for (auto& connection : waiting) {
    auto answer = connection.read_response(3s);
    REQUIRE(answer);
    CHECK(answer->body == "notified");
  }
}
