// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Attendance export to a CSV file (a USB stick when the network is gone for good):
// RFC 4180, UTF-8 with a byte-order mark so spreadsheets pick the encoding, cells that
// a spreadsheet would run as formulas neutralised (checkin/core/csv.hpp), and no names
// for discreet programs.
#include <filesystem>
#include <string>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"

namespace checkin::app {

std::string attendance_csv(const std::vector<AttendanceEvent>& events, const Schedule& schedule, const Roster& roster,
                           bool hide_all_names);

// Writes the file atomically (temporary file, fsync, rename) into `dir`; returns its path.
// A missing or read-only directory or a full disk is an error and leaves no partial file.
Result<std::filesystem::path> write_attendance_csv(const std::filesystem::path& dir, const std::string& file_name,
                                                   const std::string& csv);

}  // namespace checkin::app
