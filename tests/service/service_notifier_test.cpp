// SPDX-License-Identifier: AGPL-3.0-or-later
// ServiceNotifier against a real unix datagram socket standing in for systemd's, named in
// NOTIFY_SOCKET as systemd names it. Time is passed in: no sleeping.
#include <unistd.h>

#include "checkin_catch.hpp"

#include "checkin/platform/service_notifier.hpp"
#include "notify_socket.hpp"
#include "temp_dir.hpp"

using namespace std::chrono_literals;
using checkin::platform::ServiceNotifier;
using checkin::testing::NotifySocket;
using checkin::testing::ScopedEnv;
using checkin::testing::TempDir;

namespace {

const ServiceNotifier::TimePoint t0{std::chrono::hours{5}};

}  // namespace

TEST_CASE("without NOTIFY_SOCKET the notifier does nothing, watchdog settings or not") {
  ScopedEnv socket("NOTIFY_SOCKET", std::nullopt);
  ScopedEnv usec("WATCHDOG_USEC", "2000000");
  ScopedEnv pid("WATCHDOG_PID", std::nullopt);
  ServiceNotifier service;
  CHECK_FALSE(service.active());
  CHECK_FALSE(service.keep_alive_every());
  CHECK_FALSE(service.keep_alive(t0));
  CHECK(service.time_to_keep_alive(t0, 1000ms) == 1000ms);
  service.ready("running");  // nowhere to send: no effect, no failure
  service.stopping();
}

TEST_CASE("ready, status and stopping reach the service manager's socket") {
  TempDir dir;
  NotifySocket manager(dir / "notify");
  ScopedEnv socket("NOTIFY_SOCKET", manager.path().string());
  ScopedEnv usec("WATCHDOG_USEC", std::nullopt);
  ScopedEnv pid("WATCHDOG_PID", std::nullopt);
  ServiceNotifier service;
  REQUIRE(service.active());

  service.ready("running");
  CHECK(manager.take() == "READY=1\nSTATUS=running");
  service.ready("");
  CHECK(manager.take() == "READY=1");
  // A line break cannot smuggle in another assignment.
  service.status("two\nlines\rWATCHDOG=1");
  CHECK(manager.take() == "STATUS=two lines WATCHDOG=1");
  service.stopping();
  CHECK(manager.take() == "STOPPING=1");
  service.stopping("draining");
  CHECK(manager.take() == "STOPPING=1\nSTATUS=draining");

  // Without WATCHDOG_USEC there is no watchdog to tell.
  CHECK_FALSE(service.keep_alive_every());
  CHECK_FALSE(service.keep_alive(t0));
  CHECK(service.time_to_keep_alive(t0, 1000ms) == 1000ms);
  CHECK_FALSE(manager.take());
}

TEST_CASE("keep-alives go out at most every half of WATCHDOG_USEC") {
  TempDir dir;
  NotifySocket manager(dir / "notify");
  ScopedEnv socket("NOTIFY_SOCKET", manager.path().string());
  ScopedEnv usec("WATCHDOG_USEC", "2000000");
  ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid()));
  ServiceNotifier service;
  REQUIRE(service.keep_alive_every() == 1s);

  CHECK(service.time_to_keep_alive(t0, 10s) == 0ms);  // the first is due at once
  CHECK(service.keep_alive(t0));
  CHECK(manager.take() == "WATCHDOG=1");

  CHECK(service.time_to_keep_alive(t0 + 400ms, 10s) == 600ms);
  CHECK(service.time_to_keep_alive(t0 + 400ms, 100ms) == 600ms);  // the watchdog's, not the idle wait
  CHECK_FALSE(service.keep_alive(t0 + 400ms));
  CHECK_FALSE(service.keep_alive(t0 + 999ms));
  CHECK_FALSE(manager.take());
  // Rounded up, so that a loop sleeping this long finds the keep-alive due.
  CHECK(service.time_to_keep_alive(t0 + 999500us, 10s) == 1ms);

  CHECK(service.keep_alive(t0 + 1s));
  CHECK(manager.take() == "WATCHDOG=1");
  CHECK_FALSE(service.keep_alive(t0 + 1500ms));
  CHECK_FALSE(manager.take());
  // A loop that overslept sends at once, and the next one is a full period later.
  CHECK(service.time_to_keep_alive(t0 + 5s, 10s) == 0ms);
  CHECK(service.keep_alive(t0 + 5s));
  CHECK(manager.take() == "WATCHDOG=1");
  CHECK(service.time_to_keep_alive(t0 + 5s, 10s) == 1000ms);
  CHECK_FALSE(manager.take());
}

TEST_CASE("the health check runs once a keep-alive period, and an unhealthy answer sends nothing") {
  TempDir dir;
  NotifySocket manager(dir / "notify");
  ScopedEnv socket("NOTIFY_SOCKET", manager.path().string());
  ScopedEnv usec("WATCHDOG_USEC", "2000000");
  ScopedEnv pid("WATCHDOG_PID", std::nullopt);
  ServiceNotifier service;
  int checks = 0;
  bool healthy = false;
  auto check = [&] {
    ++checks;
    return healthy;
  };

  CHECK_FALSE(service.keep_alive(t0, check));
  CHECK(checks == 1);
  CHECK_FALSE(manager.take());
  // Unhealthy still uses up the period: a loop asking on every turn does not check (or
  // spin) again until the next one.
  CHECK(service.time_to_keep_alive(t0 + 1ms, 10s) == 999ms);
  healthy = true;
  CHECK_FALSE(service.keep_alive(t0 + 500ms, check));
  CHECK(checks == 1);
  CHECK(service.keep_alive(t0 + 1s, check));
  CHECK(checks == 2);
  CHECK(manager.take() == "WATCHDOG=1");
  CHECK_FALSE(manager.take());
}

TEST_CASE("a watchdog meant for another process is not this one's") {
  TempDir dir;
  NotifySocket manager(dir / "notify");
  ScopedEnv socket("NOTIFY_SOCKET", manager.path().string());
  ScopedEnv usec("WATCHDOG_USEC", "2000000");
  ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid() + 1));
  ServiceNotifier service;
  CHECK(service.active());
  CHECK_FALSE(service.keep_alive_every());
  CHECK_FALSE(service.keep_alive(t0));
  CHECK_FALSE(manager.take());
}

TEST_CASE("an unreadable WATCHDOG_USEC leaves the watchdog off") {
  TempDir dir;
  NotifySocket manager(dir / "notify");
  ScopedEnv socket("NOTIFY_SOCKET", manager.path().string());
  ScopedEnv pid("WATCHDOG_PID", std::nullopt);
  for (const char* usec : {"soon", "0", "-5"}) {
    ScopedEnv watchdog("WATCHDOG_USEC", usec);
    ServiceNotifier service;
    CAPTURE(usec);
    CHECK_FALSE(service.keep_alive_every());
  }
}
