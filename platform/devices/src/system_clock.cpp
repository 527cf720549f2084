// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/system_clock.hpp"

#include <sys/timex.h>
#include <time.h>

#include <chrono>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "checkin/core/log.hpp"

namespace checkin::platform {

Millis monotonic_now() {
  timespec ts{};
  if (::clock_gettime(CLOCK_BOOTTIME, &ts) != 0) ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return Millis{static_cast<Millis::rep>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000};
}

std::string read_boot_id(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string id;
  if (!in || !std::getline(in, id)) return {};
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r' || id.back() == ' ')) id.pop_back();
  return id;
}

bool wall_synced_from_timex(int adjtimex_state, int status_bits) {
  return adjtimex_state != TIME_ERROR && (status_bits & STA_UNSYNC) == 0;
}

bool wall_clock_synced() {
  timex tx{};  // modes = 0: read only
  const int state = ::adjtimex(&tx);
  if (state < 0) return false;
  return wall_synced_from_timex(state, tx.status);
}

SystemClock::SystemClock() : boot_id_(read_boot_id()) {
  if (boot_id_.empty()) {
    std::random_device random;
    boot_id_ = fmt::format("process-{:08x}{:08x}", random(), random());
    log_warn("clock", "cannot read the kernel boot id; using {} for this run", boot_id_);
  }
}

Instant SystemClock::now() const {
  Instant instant;
  instant.wall = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  instant.monotonic = monotonic_now();
  instant.boot_id = boot_id_;
  instant.wall_synced = wall_clock_synced();
  return instant;
}

}  // namespace checkin::platform
