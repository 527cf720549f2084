// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Logging to stderr, where journald collects it. One line per message:
//   2026-11-26T18:30:00.123Z warn camera: /dev/video0 disconnected (No such device)
// Log ids (pass ids, event ids, device paths), never a person's name.
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "checkin/core/clock.hpp"

namespace checkin {

enum class LogLevel { debug, info, warn, error };

const char* to_string(LogLevel level);

// The line as written, without the trailing newline. Pure, for tests.
std::string format_log_line(LogLevel level, std::string_view component, std::string_view message,
                            WallTime at);

// Writes one line to stderr in a single write, so lines from different threads do not
// interleave. Debug lines are dropped unless CHECKIN_LOG_LEVEL=debug is set.
void log_message(LogLevel level, std::string_view component, std::string_view message);

bool log_enabled(LogLevel level);

template <class... Args>
void log_debug(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  if (log_enabled(LogLevel::debug))
    log_message(LogLevel::debug, component, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void log_info(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  log_message(LogLevel::info, component, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void log_warn(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  log_message(LogLevel::warn, component, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void log_error(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  log_message(LogLevel::error, component, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace checkin
