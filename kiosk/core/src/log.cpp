// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/log.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fmt/chrono.h>

namespace checkin {

const char* to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "?";
}

std::string format_log_line(LogLevel level, std::string_view component, std::string_view message,
                            WallTime at) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(at);
  const auto millis = (at - seconds).count();
  // fmt 9 formats a system_clock time point in the local zone: go through gmtime.
  const std::tm utc = fmt::gmtime(static_cast<std::time_t>(seconds.time_since_epoch().count()));
  std::string line = fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z {} {}: ", utc, millis,
                                 to_string(level), component);
  // One message, one line: a newline inside a message would forge a second log line.
  for (char c : message) line.push_back(c == '\n' || c == '\r' ? ' ' : c);
  return line;
}

bool log_enabled(LogLevel level) {
  static const bool debug_enabled = [] {
    const char* value = std::getenv("CHECKIN_LOG_LEVEL");
    return value != nullptr && std::strcmp(value, "debug") == 0;
  }();
  return level != LogLevel::debug || debug_enabled;
}

void log_message(LogLevel level, std::string_view component, std::string_view message) {
  if (!log_enabled(level)) return;
  const auto now = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  std::string line = format_log_line(level, component, message, now);
  line.push_back('\n');
  // A single write(2) of a line is not interleaved with other threads' lines.
  const char* data = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t written = ::write(STDERR_FILENO, data, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) break;  // stderr closed: nowhere left to report it
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

}  // namespace checkin
