// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Reports as coordinators read them and CSV files as funders receive them, from the
// store's figures (reports.hpp). The privacy rules live here, once for the dashboard and
// the command line:
//   - in aggregate exports a discreet program's count from 1 to 4 is "fewer than 5";
//   - identified attendance never includes a discreet program (the store leaves it out).
// CSV: RFC 4180, CRLF, UTF-8 with a byte order mark (Excel then reads UTF-8, LibreOffice
// too), cells that a spreadsheet would run as formulas neutralised (core/csv.hpp).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "checkin/server/audit.hpp"
#include "checkin/server/reports.hpp"

namespace checkin::server {

inline constexpr std::int64_t kSmallCountThreshold = 5;
inline constexpr const char* kSmallCountText = "fewer than 5";

// The count as an export shows it: "fewer than 5" for 1..4 in a discreet program.
std::string count_cell(std::int64_t count, bool discreet);

// One row per session: date, start, end, site, program, room, attended, anonymous, walk-ins.
std::string attendance_csv(const std::vector<SessionAttendance>& sessions);

// One row per program over the range: sessions held, attendances in total; suppressed as above.
struct ProgramTotal {
  Program program;
  std::int64_t sessions = 0;
  std::int64_t attendances = 0;
};
std::vector<ProgramTotal> program_totals(const std::vector<SessionAttendance>& sessions);
std::string program_totals_csv(const std::vector<ProgramTotal>& totals);

// Who attended what (never discreet programs): date, time, site, program, name, person id.
std::string attendance_records_csv(const std::vector<AttendanceRecord>& records);
// Passes seen twice: date, site, program, session start, name (never for discreet
// programs), pass, first kiosk and time, second kiosk and time.
std::string passes_seen_twice_csv(const std::vector<SeenTwice>& rows);

// The audit trail (audit.hpp), newest first as given: when (local time and UTC), account,
// action, object type, object id, site id, details, reason.
std::string audit_csv(const std::vector<AuditEntry>& entries);

// What a coordinator should know about a stay: a forgotten check-out closed at the
// session's end, a check-in by staff ("" when nothing).
std::string attendance_note(const AttendanceRecord& record);

enum class Period { week, month, all };  // weeks start on Monday, local time
const char* to_string(Period period);
std::optional<Period> period_from_string(std::string_view text);

// Credited hours per volunteer per period; shifts waiting for review count separately.
struct VolunteerHours {
  std::string period;  // "2026-W48", "2026-11" or "all"
  Id person_id;
  std::string preferred_name;
  std::int64_t shifts = 0;
  Millis credited{0};
  std::int64_t awaiting_review = 0;
};
std::vector<VolunteerHours> volunteer_hours(const std::vector<WorkedShift>& shifts, Period period);
// period, name, person id, shifts, hours (decimal, 2 places), awaiting review.
std::string volunteer_hours_csv(const std::vector<VolunteerHours>& rows);
// Every worked shift with its status: for checking the figures line by line.
std::string worked_shifts_csv(const std::vector<WorkedShift>& shifts);

// Check-out feedback per program per week (the sessions' ISO weeks, local time). A
// discreet program's week with fewer than 5 answers shows only "fewer than 5": with so
// few, a rating could be told to a person.
struct FeedbackWeek {
  std::string week;  // "2026-W48"
  Program program;
  std::array<std::int64_t, 5> ratings{};  // [0] how many gave 1 ... [4] how many gave 5

  std::int64_t answers() const;
  bool suppressed() const { return program.discreet && answers() < kSmallCountThreshold; }
};
// By week, then program name.
std::vector<FeedbackWeek> feedback_weeks(const std::vector<SessionFeedback>& sessions);
// "4.2": the mean rating to one decimal place.
std::string average_rating_text(const FeedbackWeek& week);
// week, program, answers, how many gave 1 .. 5, average; suppressed weeks give only
// "fewer than 5".
std::string feedback_csv(const std::vector<FeedbackWeek>& weeks);

// "3.25" hours.
std::string hours_text(Millis worked);

}  // namespace checkin::server
