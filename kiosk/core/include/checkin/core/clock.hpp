// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Time as the domain sees it. A Pi has no battery clock, so every instant carries
// wall time, monotonic time and whether the wall clock was known to be synced.
#include <chrono>
#include <string>

namespace checkin {

using Millis = std::chrono::milliseconds;
using WallTime = std::chrono::sys_time<Millis>;

struct Instant {
  WallTime wall{};
  Millis monotonic{0};     // since boot; only comparable within one boot_id
  std::string boot_id;     // identifies the boot that monotonic counts from
  bool wall_synced = true; // false until NTP (or the server) confirmed the clock
};

// Port: the outer layers provide the real clock; tests and headless runs a ManualClock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant now() const = 0;
};

// A clock that only moves when told to. Used by tests and scripted headless runs.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(WallTime start, std::string boot_id = "manual-boot")
      : now_{start, Millis{1'000'000}, std::move(boot_id), true} {}

  Instant now() const override { return now_; }
  void advance(Millis by) {
    now_.wall += by;
    now_.monotonic += by;
  }
  // Steps the wall clock only, as NTP or a wrong RTC would; monotonic time keeps going.
  void step_wall(Millis by) { now_.wall += by; }
  void set_synced(bool synced) { now_.wall_synced = synced; }
  void reboot(std::string boot_id) {
    now_.boot_id = std::move(boot_id);
    now_.monotonic = Millis{5'000};
  }

 private:
  Instant now_;
};

// Parses/prints "2026-11-26T18:30:00Z" (UTC, seconds precision; fraction optional).
std::string format_utc(WallTime t);
bool parse_utc(std::string_view text, WallTime& out);

}  // namespace checkin
