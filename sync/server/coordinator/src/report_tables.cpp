// SPDX-License-Identifier: AGPL-3.0-or-later
// Report tables and CSV exports. Every count a discreet program shows in an aggregate
// export goes through count_cell, so a small group (and with it a person) cannot be picked
// out of a funder's spreadsheet.
#include "checkin/server/report_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "checkin/core/csv.hpp"
#include "checkin/server/local_time.hpp"

namespace checkin::server {

namespace {

using Cells = std::vector<std::string>;

std::string csv_file(const Cells& header) { return std::string(kUtf8Bom) + csv_row(header); }

// "2026-W48" (ISO 8601 week, Monday first; the week's year may differ around New Year),
// "2026-11" or "all", in local time.
std::string period_of(WallTime t, Period period) {
  if (period == Period::all) return "all";
  return format_local(t, period == Period::week ? "%G-W%V" : "%Y-%m");
}

std::string status_text(ShiftStatus status) {
  std::string text = to_string(status);
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

bool counts_as_worked(ShiftStatus status) {
  return status == ShiftStatus::credited || status == ShiftStatus::confirmed || status == ShiftStatus::edited;
}

}  // namespace

std::string attendance_note(const AttendanceRecord& record) {
  std::vector<std::string> notes;
  if (record.closed_at_session_end) notes.emplace_back("no check-out: closed at the session's end");
  if (record.flags & flag_forced) notes.emplace_back("let in by staff");
  else if (record.flags & flag_staff) notes.emplace_back("checked in by staff");
  std::string text;
  for (const auto& note : notes) text += (text.empty() ? "" : "; ") + note;
  return text;
}

std::string count_cell(std::int64_t count, bool discreet) {
  if (discreet && count > 0 && count < kSmallCountThreshold) return kSmallCountText;
  return std::to_string(count);
}

std::string attendance_csv(const std::vector<SessionAttendance>& sessions) {
  std::string csv = csv_file(
      {"Date", "Start", "End", "Site", "Program", "Room", "Attended", "Anonymous", "Walk-ins", "Over capacity"});
  for (const auto& row : sessions) {
    const bool discreet = row.program.discreet;
    csv += csv_row(Cells{format_local_date(row.session.start), format_local_time(row.session.start),
                         format_local_time(row.session.end), row.site_name, row.program.name, row.session.room,
                         count_cell(row.attendees, discreet), count_cell(row.anonymous, discreet),
                         count_cell(row.walk_ins, discreet), row.over_capacity ? "yes" : ""});
  }
  return csv;
}

std::vector<ProgramTotal> program_totals(const std::vector<SessionAttendance>& sessions) {
  std::map<Id, ProgramTotal> by_program;
  for (const auto& row : sessions) {
    ProgramTotal& total = by_program[row.program.id];
    total.program = row.program;
    ++total.sessions;
    total.attendances += row.attendees;
  }
  std::vector<ProgramTotal> totals;
  totals.reserve(by_program.size());
  for (auto& [id, total] : by_program) totals.push_back(std::move(total));
  std::sort(totals.begin(), totals.end(), [](const ProgramTotal& a, const ProgramTotal& b) {
    return std::tie(a.program.name, a.program.id) < std::tie(b.program.name, b.program.id);
  });
  return totals;
}

std::string program_totals_csv(const std::vector<ProgramTotal>& totals) {
  std::string csv = csv_file({"Program", "Sessions", "Attendances"});
  for (const auto& total : totals)
    csv += csv_row(Cells{total.program.name, std::to_string(total.sessions),
                         count_cell(total.attendances, total.program.discreet)});
  return csv;
}

std::string attendance_records_csv(const std::vector<AttendanceRecord>& records) {
  std::string csv = csv_file({"Date", "Time", "Site", "Program", "Name", "Person ID", "Checked out", "Note"});
  for (const auto& record : records) {
    if (record.program.discreet) continue;  // the store leaves them out; never print one anyway
    csv += csv_row(Cells{format_local_date(record.checked_in_at), format_local_time(record.checked_in_at),
                         record.site_name, record.program.name, record.preferred_name, record.person_id,
                         record.checked_out_at ? format_local_time(*record.checked_out_at) : std::string(),
                         attendance_note(record)});
  }
  return csv;
}

std::int64_t FeedbackWeek::answers() const {
  std::int64_t total = 0;
  for (auto n : ratings) total += n;
  return total;
}

std::vector<FeedbackWeek> feedback_weeks(const std::vector<SessionFeedback>& sessions) {
  std::map<std::pair<std::string, Id>, FeedbackWeek> by_week;
  for (const auto& s : sessions) {
    const auto week = period_of(s.session.start, Period::week);
    auto& row = by_week[{week, s.program.id}];
    row.week = week;
    row.program = s.program;
    for (std::size_t i = 0; i < row.ratings.size(); ++i) row.ratings[i] += s.ratings[i];
  }
  std::vector<FeedbackWeek> weeks;
  weeks.reserve(by_week.size());
  for (auto& [key, row] : by_week) weeks.push_back(std::move(row));
  std::sort(weeks.begin(), weeks.end(), [](const FeedbackWeek& a, const FeedbackWeek& b) {
    return std::tie(a.week, a.program.name, a.program.id) < std::tie(b.week, b.program.name, b.program.id);
  });
  return weeks;
}

std::string average_rating_text(const FeedbackWeek& week) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < week.ratings.size(); ++i) sum += week.ratings[i] * static_cast<std::int64_t>(i + 1);
  const auto answers = week.answers();
  if (answers == 0) return "";
  return fmt::format("{:.1f}", static_cast<double>(sum) / static_cast<double>(answers));
}

std::string feedback_csv(const std::vector<FeedbackWeek>& weeks) {
  std::string csv = csv_file({"Week", "Program", "Answers", "Rated 1", "Rated 2", "Rated 3", "Rated 4", "Rated 5", "Average"});
  for (const auto& w : weeks) {
    Cells cells{w.week, w.program.name};
    if (w.suppressed()) {
      cells.insert(cells.end(), {kSmallCountText, "", "", "", "", "", ""});
    } else {
      cells.push_back(std::to_string(w.answers()));
      for (auto n : w.ratings) cells.push_back(std::to_string(n));
      cells.push_back(average_rating_text(w));
    }
    csv += csv_row(cells);
  }
  return csv;
}

std::string passes_seen_twice_csv(const std::vector<SeenTwice>& rows) {
  std::string csv = csv_file({"Date", "Site", "Program", "Session start", "Name", "Pass", "First kiosk", "First at",
                              "Again at kiosk", "Again at"});
  for (const auto& r : rows)
    csv += csv_row(Cells{format_local_date(r.again_at), r.site_name, r.program.name, format_local_time(r.session.start),
                         r.program.discreet ? std::string() : r.name, r.pass_id, r.first_device,
                         format_local_time(r.first_at), r.again_device, format_local_time(r.again_at)});
  return csv;
}

std::string audit_csv(const std::vector<AuditEntry>& entries) {
  std::string csv = csv_file({"When", "When (UTC)", "Account", "Action", "Object type", "Object ID", "Site ID", "Details",
                              "Reason"});
  for (const auto& e : entries)
    csv += csv_row(Cells{format_local_datetime(e.at), format_utc(e.at), e.actor, e.action, e.object_type, e.object_id,
                         e.site_id, e.detail, e.reason});
  return csv;
}

const char* to_string(Period period) {
  switch (period) {
    case Period::week: return "week";
    case Period::month: return "month";
    case Period::all: return "all";
  }
  return "all";
}

std::optional<Period> period_from_string(std::string_view text) {
  for (Period period : {Period::week, Period::month, Period::all})
    if (text == to_string(period)) return period;
  return std::nullopt;
}

std::vector<VolunteerHours> volunteer_hours(const std::vector<WorkedShift>& shifts, Period period) {
  std::map<std::pair<std::string, Id>, VolunteerHours> rows;
  for (const auto& worked : shifts) {
    const std::string label = period_of(worked.shift.start, period);
    VolunteerHours& row = rows[{label, worked.person_id}];
    row.period = label;
    row.person_id = worked.person_id;
    if (row.preferred_name.empty()) row.preferred_name = worked.preferred_name;
    if (worked.status == ShiftStatus::needs_review) ++row.awaiting_review;
    if (counts_as_worked(worked.status)) ++row.shifts;
    row.credited += worked.credited;
  }
  std::vector<VolunteerHours> result;
  result.reserve(rows.size());
  for (auto& [key, row] : rows) result.push_back(std::move(row));
  std::stable_sort(result.begin(), result.end(), [](const VolunteerHours& a, const VolunteerHours& b) {
    return std::tie(a.period, a.preferred_name, a.person_id) < std::tie(b.period, b.preferred_name, b.person_id);
  });
  return result;
}

std::string volunteer_hours_csv(const std::vector<VolunteerHours>& rows) {
  std::string csv = csv_file({"Period", "Name", "Person ID", "Shifts", "Hours", "Awaiting review"});
  for (const auto& row : rows)
    csv += csv_row(Cells{row.period, row.preferred_name, row.person_id, std::to_string(row.shifts),
                         hours_text(row.credited), std::to_string(row.awaiting_review)});
  return csv;
}

std::string worked_shifts_csv(const std::vector<WorkedShift>& shifts) {
  std::string csv = csv_file({"Date", "Shift start", "Shift end", "Site", "Role", "Name", "Person ID", "Started",
                              "Ended", "Recorded hours", "Credited hours", "Status", "Decided by"});
  for (const auto& worked : shifts)
    csv += csv_row(Cells{format_local_date(worked.shift.start), format_local_time(worked.shift.start),
                         format_local_time(worked.shift.end), worked.site_name, worked.shift.role,
                         worked.preferred_name, worked.person_id,
                         worked.started_at ? format_local_datetime(*worked.started_at) : std::string(),
                         format_local_datetime(worked.ended_at), hours_text(worked.recorded),
                         hours_text(worked.credited), status_text(worked.status), worked.decided_by});
  return csv;
}

std::string hours_text(Millis worked) {
  // Hundredths of an hour, rounded half up, in integers: no binary fraction shows up.
  const std::int64_t ms = std::max<std::int64_t>(worked.count(), 0);
  const std::int64_t hundredths = (ms + 18'000) / 36'000;
  return fmt::format("{}.{:02}", hundredths / 100, hundredths % 100);
}

}  // namespace checkin::server
