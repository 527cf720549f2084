// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What the coordinator commands read besides their flags: passwords (never from argv,
// where `ps` and shell history would show them), files, and times as people type them.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"

namespace checkin::server {

// One line from `file`, or from standard input when `file` is empty (without echo when it
// is a terminal). The line end is dropped; invalid_input when there is no password.
Result<std::string> read_password(const std::filesystem::path& file);

// The whole file; limit_exceeded when it is larger than `max_bytes`.
Result<std::string> read_file(const std::filesystem::path& file, std::size_t max_bytes);

// Local "2026-12-01T19:00" (server.timezone) or UTC "2026-12-01T19:00:00Z".
std::optional<WallTime> parse_cli_time(std::string_view text);

// --from and --to as local dates ("2026-11-01"), `to` included: [from's start, the start of the day after to).
struct DateRange {
  WallTime from{};
  WallTime to{};
};
Result<DateRange> parse_date_range(std::string_view from, std::string_view to);

}  // namespace checkin::server
