// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include "checkin/core/log.hpp"

using namespace checkin;

TEST_CASE("log lines carry UTC time with milliseconds, level and component on one line") {
  WallTime at;
  REQUIRE(parse_utc("2026-11-26T18:30:00.123Z", at));
  CHECK(format_log_line(LogLevel::warn, "camera", "camera lost: /dev/video0", at) ==
        "2026-11-26T18:30:00.123Z warn camera: camera lost: /dev/video0");
  CHECK(format_log_line(LogLevel::info, "scan", "two\nlines\r", at) == "2026-11-26T18:30:00.123Z info scan: two lines ");
  CHECK(format_log_line(LogLevel::error, "x", "", at) == "2026-11-26T18:30:00.123Z error x: ");
}

TEST_CASE("debug logging is off unless asked for, other levels are on") {
  CHECK(log_enabled(LogLevel::info));
  CHECK(log_enabled(LogLevel::warn));
  CHECK(log_enabled(LogLevel::error));
  log_info("test", "a log line from the core tests ({})", 42);  // must not crash or throw
}
