// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include "checkin/app/pin_guard.hpp"

using namespace checkin;
using namespace checkin::app;
using namespace std::chrono_literals;

TEST_CASE("the staff PIN is stored as Argon2id and checked") {
  auto hash = PinGuard::hash("2468");
  REQUIRE(hash);
  CHECK(hash->starts_with("$argon2id$"));
  CHECK(hash->find("2468") == std::string::npos);
  ManualClock clock(WallTime{} + 1000h);
  PinGuard guard(*hash);
  CHECK(guard.check("2468", clock.now()) == PinGuard::Verdict::accepted);
  CHECK(guard.check("2469", clock.now()) == PinGuard::Verdict::wrong);
  CHECK(guard.check("", clock.now()) == PinGuard::Verdict::wrong);
  CHECK(PinGuard("").check("2468", clock.now()) == PinGuard::Verdict::not_set);
  CHECK_FALSE(PinGuard::hash("12"));
  CHECK_FALSE(PinGuard::hash("12a4"));
  CHECK_FALSE(PinGuard::hash("123456789"));
}

TEST_CASE("five wrong tries, then a delay that grows") {
  ManualClock clock(WallTime{} + 1000h);
  PinGuard guard(PinGuard::hash("2468").value());
  for (int i = 0; i < kFreePinTries; ++i) REQUIRE(guard.check("0000", clock.now()) == PinGuard::Verdict::wrong);
  CHECK(guard.seconds_locked(clock.now()) == 30);
  CHECK(guard.check("2468", clock.now()) == PinGuard::Verdict::locked);  // even the right PIN waits
  clock.advance(30s);
  CHECK(guard.check("1111", clock.now()) == PinGuard::Verdict::wrong);
  CHECK(guard.seconds_locked(clock.now()) == 60);
  clock.advance(60s);
  CHECK(guard.check("2468", clock.now()) == PinGuard::Verdict::accepted);
  CHECK(guard.failures() == 0);
  CHECK(guard.seconds_locked(clock.now()) == 0);
}

TEST_CASE("a restart does not reset the lockout") {
  ManualClock clock(WallTime{} + 1000h);
  PinGuard guard(PinGuard::hash("2468").value(), /*failures=*/7);
  CHECK(guard.check("2468", clock.now()) == PinGuard::Verdict::locked);
  CHECK(guard.seconds_locked(clock.now()) == 120);
  clock.advance(120s);
  CHECK(guard.check("2468", clock.now()) == PinGuard::Verdict::accepted);
}
