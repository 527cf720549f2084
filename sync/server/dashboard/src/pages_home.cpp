// SPDX-License-Identifier: AGPL-3.0-or-later
// Today's page: what is on today at the account's sites, and where to go next.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/server/local_time.hpp"
#include "checkin/server/report_tables.hpp"
#include "common.hpp"
#include "context.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

void home(Context& ctx) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto programs = all_programs(ctx);
  if (!programs) return;
  auto today = parse_local_date(format_local_date(ctx.now)).value_or(ctx.now);
  auto tomorrow = next_local_day(today);

  std::string body = fmt::format("<p>{}.</p>", escape(local_day_heading(ctx.now)));
  if (sites->empty()) {
    body += notice(ctx.access.is_admin()
                       ? R"(There are no sites yet. Start by <a href="/sites">adding a site</a>, then <a href="/programs">a program</a>.)"
                       : "You have not been given any sites yet. Ask an administrator to add you to your site.");
  }
  for (const auto& site : *sites) {
    body += fmt::format("<h2>{}</h2>", escape(site.name));
    auto sessions = ctx.store.sessions(site.id, today, tomorrow);
    if (!sessions) return ctx.store_failed(sessions.error(), "sessions");
    auto shifts = ctx.store.shifts(site.id, today, tomorrow);
    if (!shifts) return ctx.store_failed(shifts.error(), "shifts");
    std::ranges::sort(*sessions, {}, &Session::start);
    std::ranges::sort(*shifts, {}, &Shift::start);
    if (sessions->empty()) {
      body += "<p>No sessions today.</p>";
    } else {
      body += table_open(fmt::format("Sessions today at {}", site.name), {"Time", "Program", "Room", "Checked in"});
      ReportFilter today_here{{site.id}, {}, today, tomorrow};
      auto counts = ctx.store.attendance_by_session(today_here);
      if (!counts) return ctx.store_failed(counts.error(), "attendance");
      for (const auto& s : *sessions) {
        auto row = std::ranges::find(*counts, s.id, [](const SessionAttendance& a) { return a.session.id; });
        // A discreet program's 1 to 4 is "fewer than 5" here too (report_tables.hpp).
        std::string counted = row == counts->end() ? "–" : count_cell(row->attendees, row->program.discreet);
        if (row != counts->end() && row->over_capacity) counted += R"( <span class="flag">Over capacity</span>)";
        counted = fmt::format(R"(<a href="/sessions/{}/attendance">{}</a>)", escape(s.id), counted);
        body += fmt::format(R"(<tr><td><a href="/sessions/{}">{}–{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>)",
                            escape(s.id), format_local_time(s.start), format_local_time(s.end),
                            escape(program_name(*programs, s.program_id)), escape(s.room), counted);
      }
      body += table_close();
    }
    if (!shifts->empty()) {
      body += table_open(fmt::format("Volunteer shifts today at {}", site.name), {"Time", "Role", "People assigned"});
      for (const auto& s : *shifts)
        body += fmt::format(R"(<tr><td><a href="/shifts/{}">{}–{}</a></td><td>{}</td><td>{}</td></tr>)", escape(s.id),
                            format_local_time(s.start), format_local_time(s.end), escape(s.role),
                            s.assigned_people.size());
      body += table_close();
      // Who is on shift now, whichever door they started at.
      auto on_shift = ctx.store.on_shift_now({site.id}, ctx.now);
      if (!on_shift) return ctx.store_failed(on_shift.error(), "on shift now");
      body += fmt::format(R"(<h3 class="on-shift-title">On shift now at {}</h3>)", escape(site.name));
      if (on_shift->empty()) {
        body += "<p>Nobody is on shift right now.</p>";
      } else {
        body += R"(<ul class="on-shift">)";
        for (const auto& v : *on_shift)
          body += fmt::format("<li><a href=\"/people/{}\">{}</a>: {}, since {}</li>", escape(v.person_id),
                              escape(v.preferred_name.empty() ? "(no name)" : v.preferred_name), escape(v.shift.role),
                              escape(format_local_time(v.started_at)));
        body += "</ul>";
      }
    }
  }
  body += R"(<h2>Get things done</h2><ul class="links">)";
  body += R"(<li><a href="/sessions/new">Add a session</a> (or a weekly series)</li>)";
  body += R"(<li><a href="/shifts/new">Add a volunteer shift</a></li>)";
  body += R"(<li><a href="/people/new">Add a person</a> or <a href="/people/import">import people from a spreadsheet</a></li>)";
  body += "</ul>";
  ctx.page("Today", body);
}

}  // namespace

void add_home_routes(Router& router) { router.get("/", Gate::signed_in, home); }

}  // namespace checkin::server::dashboard
