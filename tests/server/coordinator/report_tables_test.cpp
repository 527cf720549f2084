// SPDX-License-Identifier: AGPL-3.0-or-later
// Report tables and CSV exports: small-count suppression for discreet programs, RFC 4180
// with BOM and CRLF, formula cells neutralised, local times, volunteer hours per period.
#include "checkin_catch.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include "checkin/server/local_time.hpp"
#include "checkin/server/report_tables.hpp"
#include "utc_time.hpp"

using namespace checkin;
using namespace checkin::server;
using checkin::testing::utc;
using namespace std::chrono_literals;

namespace {

// The records of a CSV file, split on CRLF (the tests' cells hold no CRLF of their own
// unless a test says so). Checks the file's framing on the way.
std::vector<std::string> lines_of(const std::string& csv) {
  REQUIRE(csv.starts_with("\xEF\xBB\xBF"));
  REQUIRE(csv.ends_with("\r\n"));
  std::vector<std::string> lines;
  std::size_t start = 3;
  while (start < csv.size()) {
    const std::size_t end = csv.find("\r\n", start);
    lines.push_back(csv.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

Program program(std::string id, std::string name, bool discreet) {
  Program p;
  p.id = std::move(id);
  p.name = std::move(name);
  p.discreet = discreet;
  return p;
}

SessionAttendance attended(const Program& p, std::string start_utc, std::int64_t attendees, std::int64_t anonymous = 0,
                           std::int64_t walk_ins = 0) {
  SessionAttendance row;
  row.program = p;
  row.site_name = "Riverside Centre";
  row.session.id = "s-" + start_utc;
  row.session.program_id = p.id;
  row.session.room = "Hall";
  row.session.start = utc(start_utc);
  row.session.end = row.session.start + 90min;
  row.attendees = attendees;
  row.anonymous = anonymous;
  row.walk_ins = walk_ins;
  return row;
}

WorkedShift worked(std::string person, std::string name, std::string start_utc, Millis recorded, ShiftStatus status,
                   Millis credited) {
  WorkedShift shift;
  shift.end_event_id = "end-" + person + start_utc;
  shift.shift.id = "shift-" + start_utc;
  shift.shift.role = "Door";
  shift.shift.start = utc(start_utc);
  shift.shift.end = shift.shift.start + 3h;
  shift.site_name = "Riverside Centre";
  shift.person_id = std::move(person);
  shift.preferred_name = std::move(name);
  shift.started_at = shift.shift.start;
  shift.ended_at = shift.shift.start + recorded;
  shift.recorded = recorded;
  shift.credited = credited;
  shift.status = status;
  return shift;
}

}  // namespace

TEST_CASE("reports: small counts of discreet programs are 'fewer than 5'", "[server][coordinator][reports]") {
  CHECK(count_cell(0, true) == "0");
  for (int n = 1; n <= 4; ++n) {
    CHECK(count_cell(n, true) == "fewer than 5");
    CHECK(count_cell(n, false) == std::to_string(n));
  }
  CHECK(count_cell(5, true) == "5");
  CHECK(count_cell(120, true) == "120");
  CHECK(count_cell(0, false) == "0");
}

TEST_CASE("reports: attendance CSV", "[server][coordinator][reports]") {
  REQUIRE(use_time_zone("Europe/London"));
  const Program lunch = program("p1", "Lunch, \"soup\" & chat", false);
  const Program group = program("p2", "Thursday group", true);
  const Program formula = program("p3", "=HYPERLINK(\"http://x\")", false);
  std::vector<SessionAttendance> sessions = {attended(lunch, "2026-07-14T11:00:00Z", 3, 1, 2),
                                             attended(group, "2026-07-16T18:00:00Z", 4, 2, 1),
                                             attended(group, "2026-07-23T18:00:00Z", 0),
                                             attended(group, "2026-07-30T18:00:00Z", 5, 0, 5),
                                             attended(formula, "2026-12-01T10:00:00Z", 7)};
  sessions[0].session.room = "Hall\nupstairs";
  sessions[0].over_capacity = true;  // doors offline let more in than the room holds

  const std::string csv = attendance_csv(sessions);
  // The room's line break is quoted, so the record has one LF but no CRLF inside.
  const auto lines = lines_of(csv);
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "Date,Start,End,Site,Program,Room,Attended,Anonymous,Walk-ins,Over capacity");
  CHECK(lines[1] == "2026-07-14,12:00,13:30,Riverside Centre,\"Lunch, \"\"soup\"\" & chat\",\"Hall\nupstairs\",3,1,2,yes");
  CHECK(lines[2] == "2026-07-16,19:00,20:30,Riverside Centre,Thursday group,Hall,fewer than 5,fewer than 5,fewer than 5,");
  CHECK(lines[3] == "2026-07-23,19:00,20:30,Riverside Centre,Thursday group,Hall,0,0,0,");
  CHECK(lines[4] == "2026-07-30,19:00,20:30,Riverside Centre,Thursday group,Hall,5,0,5,");
  CHECK(lines[5] == "2026-12-01,10:00,11:30,Riverside Centre,\"'=HYPERLINK(\"\"http://x\"\")\",Hall,7,0,0,");

  SECTION("program totals suppress a discreet program's small total too") {
    auto totals = program_totals(sessions);
    REQUIRE(totals.size() == 3);
    CHECK(totals[0].program.id == "p3");  // by name: '=' sorts first
    CHECK(totals[1].program.id == "p1");
    CHECK(totals[2].program.id == "p2");
    CHECK(totals[2].sessions == 3);
    CHECK(totals[2].attendances == 9);
    auto total_lines = lines_of(program_totals_csv(totals));
    REQUIRE(total_lines.size() == 4);
    CHECK(total_lines[0] == "Program,Sessions,Attendances");
    CHECK(total_lines[2] == "\"Lunch, \"\"soup\"\" & chat\",1,3");
    CHECK(total_lines[3] == "Thursday group,3,9");

    auto small = program_totals({attended(group, "2026-07-16T18:00:00Z", 2), attended(group, "2026-07-23T18:00:00Z", 1)});
    CHECK(lines_of(program_totals_csv(small))[1] == "Thursday group,2,fewer than 5");
    auto none = program_totals({attended(group, "2026-07-16T18:00:00Z", 0)});
    CHECK(lines_of(program_totals_csv(none))[1] == "Thursday group,1,0");
  }
}

TEST_CASE("reports: identified attendance CSV", "[server][coordinator][reports]") {
  REQUIRE(use_time_zone("Europe/London"));
  const Program lunch = program("p1", "Lunch", false);
  auto record = [&](std::string name, std::string person, std::string at) {
    AttendanceRecord r;
    r.program = lunch;
    r.site_name = "Riverside Centre";
    r.preferred_name = std::move(name);
    r.person_id = std::move(person);
    r.checked_in_at = utc(at);
    return r;
  };
  std::vector<AttendanceRecord> records = {record("Ana", "person-1", "2026-11-26T18:05:00Z"),
                                           record("+44 7700", "", "2026-11-26T18:06:00Z"),
                                           record("-Sam", "", "2026-11-26T18:07:00Z"),
                                           record("@Jo", "person-2", "2026-11-26T18:08:00Z"),
                                           record("Zed", "person-3", "2026-11-26T18:09:00Z")};
  records[0].checked_out_at = utc("2026-11-26T19:30:00Z");
  records[1].closed_at_session_end = true;
  records[2].flags = flag_forced;
  records[3].flags = flag_staff;
  records[4].program = program("p2", "Thursday group", true);  // must never be printed

  const auto lines = lines_of(attendance_records_csv(records));
  REQUIRE(lines.size() == 5);
  CHECK(lines[0] == "Date,Time,Site,Program,Name,Person ID,Checked out,Note");
  CHECK(lines[1] == "2026-11-26,18:05,Riverside Centre,Lunch,Ana,person-1,19:30,");
  CHECK(lines[2] == "2026-11-26,18:06,Riverside Centre,Lunch,'+44 7700,,,no check-out: closed at the session's end");
  CHECK(lines[3] == "2026-11-26,18:07,Riverside Centre,Lunch,'-Sam,,,let in by staff");
  CHECK(lines[4] == "2026-11-26,18:08,Riverside Centre,Lunch,'@Jo,person-2,,checked in by staff");
}

TEST_CASE("reports: hours as text", "[server][coordinator][reports]") {
  CHECK(hours_text(0ms) == "0.00");
  CHECK(hours_text(3h + 15min) == "3.25");
  CHECK(hours_text(10h) == "10.00");
  CHECK(hours_text(2h + 20min) == "2.33");
  CHECK(hours_text(2h + 40min) == "2.67");
  CHECK(hours_text(17s) == "0.00");
  CHECK(hours_text(18s) == "0.01");  // 0.005 h rounds up
  CHECK(hours_text(-5min) == "0.00");
}

TEST_CASE("reports: volunteer hours per week, month and in all", "[server][coordinator][reports]") {
  REQUIRE(use_time_zone("Europe/London"));
  CHECK(period_from_string("week") == Period::week);
  CHECK(period_from_string("month") == Period::month);
  CHECK(period_from_string("all") == Period::all);
  CHECK_FALSE(period_from_string("year"));
  CHECK(std::string(to_string(Period::month)) == "month");

  const std::vector<WorkedShift> shifts = {
      worked("d", "Dee", "2026-11-23T09:00:00Z", 3h, ShiftStatus::credited, 3h),       // Monday, W48
      worked("d", "Dee", "2026-11-29T23:30:00Z", 1h, ShiftStatus::credited, 1h),       // Sunday 23:30, W48
      worked("d", "Dee", "2026-11-30T00:30:00Z", 2h, ShiftStatus::edited, 90min),      // Monday, W49
      worked("e", "Eve", "2026-11-24T09:00:00Z", 4h, ShiftStatus::needs_review, 0ms),  // W48
      worked("e", "Eve", "2026-11-25T09:00:00Z", 4h, ShiftStatus::confirmed, 4h),      // W48
      worked("e", "Eve", "2026-11-26T09:00:00Z", 9h, ShiftStatus::rejected, 0ms),      // W48
      worked("d", "Dee", "2026-12-31T09:00:00Z", 2h, ShiftStatus::credited, 2h),       // Thursday, 2026-W53
      worked("d", "Dee", "2027-01-01T09:00:00Z", 2h, ShiftStatus::credited, 2h),       // Friday, still 2026-W53
  };

  auto weekly_hours = volunteer_hours(shifts, Period::week);
  REQUIRE(weekly_hours.size() == 4);
  CHECK(weekly_hours[0].period == "2026-W48");
  CHECK(weekly_hours[0].preferred_name == "Dee");
  CHECK(weekly_hours[0].shifts == 2);
  CHECK(weekly_hours[0].credited == 4h);
  CHECK(weekly_hours[1].period == "2026-W48");
  CHECK(weekly_hours[1].preferred_name == "Eve");
  CHECK(weekly_hours[1].shifts == 1);  // the confirmed one; the rejected one is no worked shift
  CHECK(weekly_hours[1].credited == 4h);
  CHECK(weekly_hours[1].awaiting_review == 1);
  CHECK(weekly_hours[2].period == "2026-W49");
  CHECK(weekly_hours[2].credited == 90min);
  CHECK(weekly_hours[3].period == "2026-W53");
  CHECK(weekly_hours[3].shifts == 2);

  auto monthly = volunteer_hours(shifts, Period::month);
  REQUIRE(monthly.size() == 4);
  CHECK(monthly[0].period == "2026-11");
  CHECK(monthly[0].credited == 5h + 30min);
  CHECK(monthly[1].period == "2026-11");
  CHECK(monthly[2].period == "2026-12");
  CHECK(monthly[3].period == "2027-01");

  auto all = volunteer_hours(shifts, Period::all);
  REQUIRE(all.size() == 2);
  CHECK(all[0].period == "all");
  CHECK(all[0].credited == 9h + 30min);
  CHECK(all[1].awaiting_review == 1);

  const auto lines = lines_of(volunteer_hours_csv(all));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "Period,Name,Person ID,Shifts,Hours,Awaiting review");
  CHECK(lines[1] == "all,Dee,d,5,9.50,0");
  CHECK(lines[2] == "all,Eve,e,1,4.00,1");

  const auto shift_lines = lines_of(worked_shifts_csv({shifts[2], shifts[3]}));
  REQUIRE(shift_lines.size() == 3);
  CHECK(shift_lines[0] ==
        "Date,Shift start,Shift end,Site,Role,Name,Person ID,Started,Ended,Recorded hours,Credited hours,Status,"
        "Decided by");
  CHECK(shift_lines[1] ==
        "2026-11-30,00:30,03:30,Riverside Centre,Door,Dee,d,2026-11-30 00:30,2026-11-30 02:30,2.00,1.50,edited,");
  CHECK(shift_lines[2].ends_with(",4.00,0.00,needs review,"));
}

TEST_CASE("reports: feedback per program and week, few answers of a discreet program suppressed",
          "[server][coordinator][reports]") {
  ::setenv("TZ", "UTC", 1);
  const auto lunch = program("p-lunch", "Community lunch", false);
  const auto circle = program("p-circle", "Thursday circle", true);
  auto rated = [](const Program& p, std::string start_utc, std::array<std::int64_t, 5> ratings) {
    SessionFeedback f;
    f.program = p;
    f.session.id = "s-" + p.id + start_utc;
    f.session.start = utc(start_utc);
    f.ratings = ratings;
    return f;
  };
  // Two lunches in week 48 add up; the circle has 3 answers in week 48 and 6 in week 49.
  auto weeks = feedback_weeks({rated(lunch, "2026-11-24T12:00:00Z", {0, 1, 0, 2, 1}),
                               rated(lunch, "2026-11-26T12:00:00Z", {0, 0, 1, 0, 3}),
                               rated(circle, "2026-11-26T19:00:00Z", {0, 0, 1, 1, 1}),
                               rated(circle, "2026-12-03T19:00:00Z", {1, 0, 1, 2, 2})});
  REQUIRE(weeks.size() == 3);
  CHECK(weeks[0].week == "2026-W48");
  CHECK(weeks[0].program.id == lunch.id);
  CHECK(weeks[0].answers() == 8);
  CHECK(weeks[0].ratings == std::array<std::int64_t, 5>{0, 1, 1, 2, 4});
  CHECK(average_rating_text(weeks[0]) == "4.1");  // 33 / 8
  CHECK_FALSE(weeks[0].suppressed());
  CHECK(weeks[1].week == "2026-W48");
  CHECK(weeks[1].suppressed());  // 3 answers in a discreet program
  CHECK(weeks[2].week == "2026-W49");
  CHECK_FALSE(weeks[2].suppressed());  // 6

  auto lines = lines_of(feedback_csv(weeks));
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "Week,Program,Answers,Rated 1,Rated 2,Rated 3,Rated 4,Rated 5,Average");
  CHECK(lines[1] == "2026-W48,Community lunch,8,0,1,1,2,4,4.1");
  CHECK(lines[2] == "2026-W48,Thursday circle,fewer than 5,,,,,,");
  CHECK(lines[3] == "2026-W49,Thursday circle,6,1,0,1,2,2,3.7");
}
