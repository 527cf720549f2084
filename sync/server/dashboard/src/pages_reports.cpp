// SPDX-License-Identifier: AGPL-3.0-or-later
// Reports: attendance by session or program, who attended (never discreet programs),
// volunteer hours by period and the worked shifts behind them, on screen and as CSV files
// (report_tables.hpp: RFC 4180, UTF-8 with BOM, formula-like cells neutralised).
// A discreet program's count from 1 to 4 reads "fewer than 5" on screen as in the files,
// so what staff see is what funders get.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/server/local_time.hpp"
#include "checkin/server/report_tables.hpp"
#include "common.hpp"
#include "downloads.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr int kDefaultDays = 30;
constexpr std::size_t kRowsOnScreen = 200;

// What the form asked for, checked; `answered` when the request was refused already.
struct ReportQuery {
  SiteScope scope;
  std::optional<Program> program;
  DateRange range;
  std::string group = "session";  // or "program"
  Period period = Period::month;
  std::vector<std::string> problems;

  ReportFilter attendance_filter() const {
    return ReportFilter{scope.site_ids, program ? program->id : Id{}, range.from, range.to};
  }
  ReportFilter shift_filter() const { return ReportFilter{scope.site_ids, Id{}, range.from, range.to}; }
  // The same choices as a query string, for the download links.
  std::string query_string() const {
    return fmt::format("?site={}&program={}&from={}&to={}&group={}&period={}", url_encode(scope.chosen),
                       url_encode(program ? program->id : Id{}), url_encode(range.from_text), url_encode(range.to_text),
                       url_encode(group), to_string(period));
  }
  // "2026-10-27-to-2026-11-26": for file names.
  std::string span() const { return range.from_text + "-to-" + range.to_text; }
};

std::optional<ReportQuery> read_query(Context& ctx) {
  ReportQuery q;
  auto scope = site_scope(ctx, ctx.query("site"));
  if (!scope) return std::nullopt;
  q.scope = std::move(*scope);
  if (auto program_id = ctx.query("program"); !program_id.empty()) {
    q.program = find_program(ctx, program_id);
    if (!q.program) return std::nullopt;
  }
  auto from_text = trim(ctx.query("from"));
  auto to_text = trim(ctx.query("to"));
  const auto today = format_local_date(ctx.now);
  if (from_text.empty()) from_text = format_local_date(ctx.now - std::chrono::days{kDefaultDays});
  if (to_text.empty()) to_text = today;
  q.range = date_range(from_text, to_text, ctx.now, kDefaultDays);
  if (!q.range.problem.empty()) q.problems.push_back(q.range.problem);
  if (ctx.query("group") == "program") q.group = "program";
  if (auto period = period_from_string(ctx.query("period"))) q.period = *period;
  return q;
}

std::string filters_form(const ReportQuery& q, const std::vector<Program>& programs) {
  std::string out = R"(<form method="get" action="/reports" class="filters card">)";
  if (q.scope.sites.size() > 1) {
    std::vector<Option> sites{{"", "All my sites", q.scope.chosen.empty(), ""}};
    for (const auto& s : q.scope.sites) sites.push_back({s.id, s.name, s.id == q.scope.chosen, ""});
    out += select_field("site", "Site", sites, false);
  }
  std::vector<Option> program_choice{{"", "All programs", !q.program, ""}};
  for (const auto& p : programs)
    program_choice.push_back({p.id, p.name + (p.discreet ? " (discreet)" : ""), q.program && q.program->id == p.id, ""});
  out += select_field("program", "Program", program_choice, false);
  out += input_field({.name = "from", .label = "From", .value = q.range.from_text, .type = "date", .required = false});
  out += input_field({.name = "to", .label = "To (inclusive)", .value = q.range.to_text, .type = "date", .required = false});
  out += select_field("group", "Attendance by",
                      {{"session", "Session", q.group == "session", ""}, {"program", "Program", q.group == "program", ""}},
                      false);
  out += select_field("period", "Volunteer hours per",
                      {{"week", "Week", q.period == Period::week, ""},
                       {"month", "Month", q.period == Period::month, ""},
                       {"all", "Whole range", q.period == Period::all, ""}},
                      false);
  out += R"(<div class="field">)" + submit_button("Show report") + "</div></form>";
  return out;
}

std::string download_link(std::string_view path, const ReportQuery& q, std::string_view label) {
  return fmt::format(R"(<a class="button secondary download" href="{}{}" download>{}</a>)", escape(path),
                     escape(q.query_string()), escape(label));
}

std::string more_rows_note(std::size_t total) {
  if (total <= kRowsOnScreen) return {};
  return fmt::format("<p>Showing the first {} of {} rows: the CSV file has them all.</p>", kRowsOnScreen, total);
}

// ---- the report's data, fetched once for the page and once per download

template <class T>
std::optional<T> loaded(Context& ctx, Result<T> result, std::string_view what) {
  if (!result) {
    ctx.store_failed(result.error(), what);
    return std::nullopt;
  }
  return std::move(*result);
}

// Each is empty when the account sees no site at all; nullopt when the store failed (the answer is sent).
std::optional<std::vector<SessionAttendance>> sessions_of(Context& ctx, const ReportQuery& q) {
  if (q.scope.nothing) return std::vector<SessionAttendance>{};
  return loaded(ctx, ctx.store.attendance_by_session(q.attendance_filter()), "attendance report");
}

std::optional<std::vector<AttendanceRecord>> records_of(Context& ctx, const ReportQuery& q) {
  if (q.scope.nothing) return std::vector<AttendanceRecord>{};
  return loaded(ctx, ctx.store.attendance_records(q.attendance_filter(), ctx.now), "attendance records");
}

std::optional<std::vector<FeedbackWeek>> feedback_of(Context& ctx, const ReportQuery& q) {
  if (q.scope.nothing) return std::vector<FeedbackWeek>{};
  auto sessions = loaded(ctx, ctx.store.feedback_by_session(q.attendance_filter()), "feedback report");
  if (!sessions) return std::nullopt;
  return feedback_weeks(*sessions);
}

std::optional<std::vector<SeenTwice>> seen_twice_of(Context& ctx, const ReportQuery& q) {
  if (q.scope.nothing) return std::vector<SeenTwice>{};
  return loaded(ctx, ctx.store.passes_seen_twice(q.attendance_filter(), ctx.now), "passes seen twice");
}

std::optional<std::vector<WorkedShift>> shifts_of(Context& ctx, const ReportQuery& q) {
  if (q.scope.nothing) return std::vector<WorkedShift>{};
  return loaded(ctx, ctx.store.worked_shifts(q.shift_filter()), "worked shifts");
}

void reports_page(Context& ctx) {
  auto q = read_query(ctx);
  if (!q) return;
  auto programs = all_programs(ctx);
  if (!programs) return;
  std::string body =
      "<p>Choose what to report on, then read it here or download it as a CSV file for a spreadsheet. "
      "For discreet programs a count from 1 to 4 shows as “fewer than 5”, here and in the files, so nobody can be "
      "picked out; who attended them is never listed.</p>";
  body += error_summary(q->problems) + filters_form(*q, *programs);
  if (q->scope.nothing) return ctx.page("Reports", body + "<p>You have no sites yet, so nothing to report.</p>");

  auto sessions = sessions_of(ctx, *q);
  if (!sessions) return;
  auto records = records_of(ctx, *q);
  if (!records) return;
  auto shifts = shifts_of(ctx, *q);
  if (!shifts) return;
  auto feedback = feedback_of(ctx, *q);
  if (!feedback) return;
  auto twice = seen_twice_of(ctx, *q);
  if (!twice) return;
  ctx.audit = AuditNote{.object_id = "reports", .site_id = q->scope.chosen, .detail = q->query_string().substr(1)};

  body += "<h2>Attendance</h2>";
  body += R"(<div class="actions">)" + download_link("/reports/attendance.csv", *q, "Download attendance by session (CSV)") +
          download_link("/reports/programs.csv", *q, "Download totals by program (CSV)") + "</div>";
  if (sessions->empty()) {
    body += "<p>No sessions in this range.</p>";
  } else if (q->group == "program") {
    auto totals = program_totals(*sessions);
    body += table_open(fmt::format("Totals by program, {} to {}", q->range.from_text, q->range.to_text),
                       {"Program", "Sessions", "Attendances"});
    for (const auto& t : totals)
      body += fmt::format(R"(<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>)", escape(t.program.name),
                          t.sessions, escape(count_cell(t.attendances, t.program.discreet)));
    body += table_close();
  } else {
    body += table_open(fmt::format("Attendance by session, {} to {}", q->range.from_text, q->range.to_text),
                       {"Date", "Time", "Site", "Program", "Room", "Attended", "Anonymous", "Walk-ins"});
    for (std::size_t i = 0; i < sessions->size() && i < kRowsOnScreen; ++i) {
      const auto& s = (*sessions)[i];
      const bool discreet = s.program.discreet;
      body += fmt::format(
          R"(<tr><td>{}</td><td>{}–{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>)",
          escape(format_local_date(s.session.start)), escape(format_local_time(s.session.start)),
          escape(format_local_time(s.session.end)), escape(s.site_name), escape(s.program.name), escape(s.session.room),
          escape(count_cell(s.attendees, discreet)), escape(count_cell(s.anonymous, discreet)),
          escape(count_cell(s.walk_ins, discreet)));
    }
    body += table_close() + more_rows_note(sessions->size());
  }

  body += "<h2>Who attended</h2>";
  body += R"(<div class="actions">)" + download_link("/reports/people.csv", *q, "Download who attended (CSV)") + "</div>";
  if (records->empty()) {
    body += "<p>No identified attendance in this range (discreet programs are never listed).</p>";
  } else {
    body += table_open("Identified attendance (discreet programs are never listed)",
                       {"Date", "Time", "Site", "Program", "Name"});
    for (std::size_t i = 0; i < records->size() && i < kRowsOnScreen; ++i) {
      const auto& r = (*records)[i];
      if (r.program.discreet) continue;
      body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                          escape(format_local_date(r.checked_in_at)), escape(format_local_time(r.checked_in_at)),
                          escape(r.site_name), escape(r.program.name),
                          escape(r.preferred_name.empty() ? "(no name)" : r.preferred_name));
    }
    body += table_close() + more_rows_note(records->size());
  }

  body += "<h2>Passes seen twice</h2>";
  body += R"(<div class="actions">)" + download_link("/reports/seen-twice.csv", *q, "Download passes seen twice (CSV)") + "</div>";
  if (twice->empty()) {
    body += "<p>No pass was accepted at a second door while its holder was already in.</p>";
  } else {
    body += "<p>A kiosk accepted these passes while their holder was already in (counted once): two doors at "
            "once may mean a shared or copied pass; a door that was offline may simply not have known. Discreet "
            "programs show that it happened, not whose pass.</p>";
    body += table_open("Passes accepted again while their holder was in",
                       {"Date", "Program", "Name", "Pass", "First", "Again"});
    for (std::size_t i = 0; i < twice->size() && i < kRowsOnScreen; ++i) {
      const auto& r = (*twice)[i];
      const std::string who = r.program.discreet ? "–" : r.name.empty() ? "(no name)" : r.name;
      body += fmt::format(
          R"(<tr><td>{}</td><td><a href="/sessions/{}/attendance">{}</a></td><td>{}</td><td><code>{}</code></td><td>{} at {}</td><td>{} at {}</td></tr>)",
          escape(format_local_date(r.again_at)), escape(r.session.id), escape(r.program.name), escape(who),
          escape(r.pass_id.empty() ? "–" : r.pass_id.substr(0, 8)), escape(format_local_time(r.first_at)),
          escape(r.first_device), escape(format_local_time(r.again_at)), escape(r.again_device));
    }
    body += table_close() + more_rows_note(twice->size());
  }

  body += "<h2>Feedback at check-out</h2>";
  body += R"(<div class="actions">)" + download_link("/reports/feedback.csv", *q, "Download feedback by week (CSV)") + "</div>";
  if (feedback->empty()) {
    body += "<p>No feedback in this range. A program asks for it at check-out when its “Ask for feedback” is on.</p>";
  } else {
    body += table_open("Ratings by program and week (1 not good … 5 great)",
                       {"Week", "Program", "Answers", "1", "2", "3", "4", "5", "Average"});
    for (std::size_t i = 0; i < feedback->size() && i < kRowsOnScreen; ++i) {
      const auto& w = (*feedback)[i];
      if (w.suppressed()) {
        body += fmt::format(R"(<tr><td>{}</td><td>{}</td><td colspan="7">{}</td></tr>)", escape(w.week),
                            escape(w.program.name), kSmallCountText);
        continue;
      }
      body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td>", escape(w.week), escape(w.program.name), w.answers());
      for (auto n : w.ratings) body += fmt::format("<td>{}</td>", n);
      body += fmt::format("<td>{}</td></tr>", escape(average_rating_text(w)));
    }
    body += table_close() + more_rows_note(feedback->size());
    body += "<p>Ratings are never linked to a person. For discreet programs a week with fewer than 5 answers shows "
            "only “fewer than 5”.</p>";
  }

  body += "<h2>Volunteer hours</h2>";
  body += R"(<div class="actions">)" + download_link("/reports/volunteer-hours.csv", *q, "Download volunteer hours (CSV)") +
          download_link("/reports/shifts.csv", *q, "Download worked shifts (CSV)") + "</div>";
  auto hours = volunteer_hours(*shifts, q->period);
  if (hours.empty()) {
    body += "<p>No volunteer shifts in this range.</p>";
  } else {
    body += table_open("Hours credited per volunteer", {"Period", "Name", "Shifts", "Hours", "Awaiting review"});
    for (std::size_t i = 0; i < hours.size() && i < kRowsOnScreen; ++i) {
      const auto& h = hours[i];
      body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", escape(h.period),
                          escape(h.preferred_name.empty() ? "(no name)" : h.preferred_name), h.shifts,
                          escape(hours_text(h.credited)), h.awaiting_review);
    }
    body += table_close() + more_rows_note(hours.size());
    body += R"(<p>Shifts a kiosk ended by itself count only once someone decides on them in the <a href="/review">review queue</a>.</p>)";
  }
  ctx.page("Reports", body);
}

// ---- CSV downloads: the same query, the whole table

// A file holds exactly the range asked for: dates it cannot read get the form's message
// and a 400, never a file of some other range.
std::optional<ReportQuery> read_download_query(Context& ctx) {
  auto q = read_query(ctx);
  if (!q || q->problems.empty()) return q;
  ctx.page("Please check the dates",
           error_summary(q->problems) + "<p><a href=\"/reports" + escape(q->query_string()) + "\">Back to the reports</a></p>",
           400);
  return std::nullopt;
}

void csv_answer(Context& ctx, const std::string& csv, std::string_view name, const ReportQuery& q) {
  ctx.audit = AuditNote{.object_id = std::string(name), .site_id = q.scope.chosen, .detail = q.query_string().substr(1)};
  send_download(ctx, csv, "text/csv; charset=utf-8", fmt::format("{}-{}.csv", name, q.span()));
}

void attendance_csv_file(Context& ctx) {
  auto q = read_download_query(ctx);
  if (!q) return;
  auto rows = sessions_of(ctx, *q);
  if (!rows) return;
  csv_answer(ctx, attendance_csv(*rows), "attendance-by-session", *q);
}

void programs_csv_file(Context& ctx) {
  auto q = read_download_query(ctx);
  if (!q) return;
  auto rows = sessions_of(ctx, *q);
  if (!rows) return;
  csv_answer(ctx, program_totals_csv(program_totals(*rows)), "attendance-by-program", *q);
}

void people_csv_file(Context& ctx) {
  auto q = read_download_query(ctx);
  if (!q) return;
  auto rows = records_of(ctx, *q);
  if (!rows) return;
  csv_answer(ctx, attendance_records_csv(*rows), "who-attended", *q);
}

void seen_twice_csv_file(Context& ctx) {
  auto q = read_download_query(ctx);
  if (!q) return;
  auto rows = seen_twice_of(ctx, *q);
  if (!rows) return;
  csv_answer(ctx, passes_seen_twice_csv(*rows), "passes-seen-twice", *q);
}

void feedback_csv_file(Context& ctx) {
  auto q = read_download_query(ctx);
  if (!q) return;
  auto weeks = feedback_of(ctx, *q);
  if (!weeks) return;
  csv_answer(ctx, feedback_csv(*weeks), "feedback-by-week", *q);
}

void hours_csv_file(Context& ctx) {
  auto q = read_download_query(ctx);
  if (!q) return;
  auto shifts = shifts_of(ctx, *q);
  if (!shifts) return;
  csv_answer(ctx, volunteer_hours_csv(volunteer_hours(*shifts, q->period)), "volunteer-hours", *q);
}

void shifts_csv_file(Context& ctx) {
  auto q = read_download_query(ctx);
  if (!q) return;
  auto shifts = shifts_of(ctx, *q);
  if (!shifts) return;
  csv_answer(ctx, worked_shifts_csv(*shifts), "worked-shifts", *q);
}

}  // namespace

void add_report_routes(Router& router) {
  // The page shows who attended and each volunteer's hours; the files hold the same.
  router.get("/reports", Gate::signed_in, reports_page, audited("report.view", "report", ""));
  router.get("/reports/attendance.csv", Gate::signed_in, attendance_csv_file, audited("report.download", "report", ""));
  router.get("/reports/programs.csv", Gate::signed_in, programs_csv_file, audited("report.download", "report", ""));
  router.get("/reports/people.csv", Gate::signed_in, people_csv_file, audited("report.download", "report", ""));
  router.get("/reports/seen-twice.csv", Gate::signed_in, seen_twice_csv_file, audited("report.download", "report", ""));
  router.get("/reports/feedback.csv", Gate::signed_in, feedback_csv_file, audited("report.download", "report", ""));
  router.get("/reports/volunteer-hours.csv", Gate::signed_in, hours_csv_file, audited("report.download", "report", ""));
  router.get("/reports/shifts.csv", Gate::signed_in, shifts_csv_file, audited("report.download", "report", ""));
}

}  // namespace checkin::server::dashboard
