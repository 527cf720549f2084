#include "checkin/core/log.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>

#include "checkin/core/clock.hpp"

namespace checkin::log {

void write(Level level, std::string_view component, std::string_view message) {
  static std::mutex mutex;  // whole lines from every thread
  const char* name = level == Level::info ? "info" : level == Level::warning ? "warning" : "error";
  auto now = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  std::lock_guard lock(mutex);
  fmt::print(stderr, "{} {} {}: {}\n", format_utc(now), name, component, message);
  std::fflush(stderr);
}

}  // namespace checkin::log
