// SPDX-License-Identifier: AGPL-3.0-or-later
// Local time through the C library (localtime_r, mktime) under the process's TZ: the
// system's zone database knows every rule change, and the dashboard and command line then
// agree with `date` on the same machine.
#include "checkin/server/local_time.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <filesystem>

namespace checkin::server {

namespace {

constexpr std::string_view kZoneDirectory = "/usr/share/zoneinfo";

// Whole seconds since the epoch, rounding down (also before 1970), and what is left.
std::time_t to_time_t(WallTime t) {
  return static_cast<std::time_t>(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}

std::tm local_tm(WallTime t) {
  const std::time_t seconds = to_time_t(t);
  std::tm tm{};
  localtime_r(&seconds, &tm);
  return tm;
}

// mktime with the zone deciding whether DST applies; std::nullopt when it cannot.
std::optional<WallTime> from_local_tm(std::tm tm) {
  tm.tm_isdst = -1;
  const std::time_t seconds = std::mktime(&tm);
  if (seconds == static_cast<std::time_t>(-1)) {
    // -1 is also 1969-12-31 23:59:59 UTC; check whether that is what was meant.
    std::tm back{};
    const std::time_t minus_one = -1;
    localtime_r(&minus_one, &back);
    if (back.tm_year != tm.tm_year || back.tm_yday != tm.tm_yday || back.tm_hour != tm.tm_hour) return std::nullopt;
  }
  return WallTime{std::chrono::duration_cast<Millis>(std::chrono::seconds{seconds})};
}

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  for (char c : name) {
    const bool allowed = std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
    if (!allowed) return false;
  }
  return true;
}

// Reads `count` digits at `pos`; false for anything else.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// "YYYY-MM-DD" at the start of `text` into tm (year, month, day); false when malformed.
bool read_date(std::string_view text, std::tm& tm) {
  int year = 0, month = 0, day = 0;
  if (!read_digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !read_digits(text, 5, 2, month) ||
      text[7] != '-' || !read_digits(text, 8, 2, day))
    return false;
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return false;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  return true;
}

}  // namespace

bool use_time_zone(std::string_view iana_name) {
  if (!valid_zone_name(iana_name)) return false;
  std::error_code error;
  const auto path = std::filesystem::path(kZoneDirectory) / std::string(iana_name);
  if (!std::filesystem::is_regular_file(path, error)) return false;
  if (::setenv("TZ", std::string(iana_name).c_str(), 1) != 0) return false;
  ::tzset();
  return true;
}

std::string format_local_date(WallTime t) {
  const std::tm tm = local_tm(t);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

std::string format_local_time(WallTime t) {
  const std::tm tm = local_tm(t);
  return fmt::format("{:02}:{:02}", tm.tm_hour, tm.tm_min);
}

std::string format_local_datetime(WallTime t) { return format_local_date(t) + " " + format_local_time(t); }

std::string format_local_input(WallTime t) { return format_local_date(t) + "T" + format_local_time(t); }

std::string format_local(WallTime t, const char* strftime_pattern) {
  const std::tm tm = local_tm(t);
  char text[64] = {};
  std::strftime(text, sizeof text, strftime_pattern, &tm);
  return text;
}

std::optional<WallTime> parse_local_datetime(std::string_view text) {
  std::tm tm{};
  if (text.size() != 16 && text.size() != 19) return std::nullopt;
  if (!read_date(text, tm) || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
  int hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 11, 2, hour) || text[13] != ':' || !read_digits(text, 14, 2, minute)) return std::nullopt;
  if (text.size() == 19 && (text[16] != ':' || !read_digits(text, 17, 2, second))) return std::nullopt;
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::tm wanted = tm;
  auto result = from_local_tm(tm);
  if (!result) return std::nullopt;
  // A time the clocks skip (02:30 on the spring-forward night) comes back moved: refuse it.
  const std::tm back = local_tm(*result);
  if (back.tm_year != wanted.tm_year || back.tm_mon != wanted.tm_mon || back.tm_mday != wanted.tm_mday ||
      back.tm_hour != wanted.tm_hour || back.tm_min != wanted.tm_min || back.tm_sec != wanted.tm_sec)
    return std::nullopt;
  return result;
}

std::optional<WallTime> parse_local_date(std::string_view text) {
  std::tm tm{};
  if (text.size() != 10 || !read_date(text, tm)) return std::nullopt;
  // Where midnight is skipped by a DST change the day starts at the first time that exists.
  return from_local_tm(tm);
}

WallTime next_local_day(WallTime t) {
  std::tm tm = local_tm(t);
  tm.tm_mday += 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  return from_local_tm(tm).value_or(t + std::chrono::hours{24});
}

std::vector<WallTime> weekly(WallTime first, int count) {
  std::vector<WallTime> dates;
  if (count <= 0) return dates;
  dates.reserve(static_cast<std::size_t>(count));
  const Millis below_second = first - std::chrono::floor<std::chrono::seconds>(first);
  const std::tm start = local_tm(first);
  for (int week = 0; week < count; ++week) {
    std::tm tm = start;
    tm.tm_mday += 7 * week;  // mktime normalises into the following months
    const auto date = from_local_tm(tm);
    dates.push_back(date ? *date + below_second : first + std::chrono::days{7 * week});
  }
  return dates;
}

}  // namespace checkin::server
