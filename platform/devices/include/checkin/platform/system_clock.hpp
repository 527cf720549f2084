// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The real clock of a kiosk. A Raspberry Pi has no battery clock: after a power cut the
// wall clock starts wherever fake-hwclock left it until NTP corrects it, so every Instant
// also carries monotonic time, the boot it counts from, and whether the kernel says the
// wall clock is synchronised.
#include <filesystem>
#include <string>

#include "checkin/core/clock.hpp"

namespace checkin::platform {

// Milliseconds since boot, including time suspended (CLOCK_BOOTTIME; CLOCK_MONOTONIC where
// that is missing). Frames and scan events are stamped with it.
Millis monotonic_now();

// The kernel's id of the current boot (/proc/sys/kernel/random/boot_id), or empty when the
// file cannot be read.
std::string read_boot_id(const std::filesystem::path& path = "/proc/sys/kernel/random/boot_id");

// Interprets adjtimex(2): the clock is synced when the call did not report TIME_ERROR and
// STA_UNSYNC is clear (NTP daemons such as systemd-timesyncd and chrony clear it).
bool wall_synced_from_timex(int adjtimex_state, int status_bits);

// Asks the kernel now (adjtimex with no modes: read-only, no privileges needed).
bool wall_clock_synced();

class SystemClock final : public Clock {
 public:
  // Reads the boot id once. Without /proc it makes up a random one for this process, so
  // monotonic times are never compared with those of another boot.
  SystemClock();

  Instant now() const override;
  const std::string& boot_id() const { return boot_id_; }

 private:
  std::string boot_id_;
};

}  // namespace checkin::platform
