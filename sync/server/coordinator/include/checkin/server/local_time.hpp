// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Coordinators think in local time ("Tuesdays at 7 pm"); the store keeps UTC. The zone is
// the server process's (TZ, or /etc/localtime; the `timezone` configuration key sets TZ
// at start), the same for the dashboard and the command line.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/clock.hpp"

namespace checkin::server {

// Sets the process's zone (an IANA name such as "Europe/London"); false for a name the
// system does not know. Call once at start, before any thread.
bool use_time_zone(std::string_view iana_name);

std::string format_local_date(WallTime t);       // "2026-11-26"
std::string format_local_time(WallTime t);       // "19:00"
std::string format_local_datetime(WallTime t);   // "2026-11-26 19:00"
std::string format_local_input(WallTime t);      // "2026-11-26T19:00", an <input type=datetime-local> value
// Any strftime pattern in local time, e.g. "%G-W%V" for the ISO week; at most 63 characters.
std::string format_local(WallTime t, const char* strftime_pattern);

// "2026-11-26T19:00", "2026-11-26 19:00" or with ":ss"; std::nullopt for anything else or
// a time that does not exist (skipped by a DST change).
std::optional<WallTime> parse_local_datetime(std::string_view text);
// "2026-11-26": the start of that local day.
std::optional<WallTime> parse_local_date(std::string_view text);
// The start of the local day after `t`'s day (the exclusive end of a date range).
WallTime next_local_day(WallTime t);

// `count` dates a week apart from `first` at the same local clock time, across DST changes
// (7 pm stays 7 pm). count 1 is `first` alone.
std::vector<WallTime> weekly(WallTime first, int count);

}  // namespace checkin::server
