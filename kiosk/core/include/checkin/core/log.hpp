#pragma once
// Logging to stderr, one line per entry (journald adds the time on a device, the line
// carries UTC time for everywhere else). Log ids, never names: attendance is sensitive.
#include <fmt/format.h>

#include <string_view>

namespace checkin::log {

enum class Level { info, warning, error };

void write(Level level, std::string_view component, std::string_view message);

template <class... Args>
void info(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  write(Level::info, component, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void warning(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  write(Level::warning, component, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void error(std::string_view component, fmt::format_string<Args...> format, Args&&... args) {
  write(Level::error, component, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace checkin::log
