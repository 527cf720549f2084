// SPDX-License-Identifier: AGPL-3.0-or-later
// Sessions: one occurrence of a program at a site. Listed by site and dates (local time),
// added alone or as a weekly series, edited, cancelled after a confirmation.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/core/log.hpp"
#include "checkin/server/local_time.hpp"
#include "common.hpp"
#include "context.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr int kMaxWeeks = 52;

// What the form holds, as typed, so a form with a problem comes back as it was.
struct SessionForm {
  std::string program_id, site_id, room, start, end, capacity, opens_before = "30", weeks = "1";
};

SessionForm form_of(const Session& s) {
  SessionForm f;
  f.program_id = s.program_id;
  f.site_id = s.site_id;
  f.room = s.room;
  f.start = format_local_input(s.start);
  f.end = format_local_input(s.end);
  f.capacity = s.capacity ? std::to_string(*s.capacity) : "";
  f.opens_before = std::to_string(std::chrono::duration_cast<std::chrono::minutes>(s.start - s.window_opens).count());
  return f;
}

SessionForm read_form(const Context& ctx) {
  return {ctx.form("program_id"), ctx.form("site_id"), ctx.form("room"),         ctx.form("start"),
          ctx.form("end"),        ctx.form("capacity"), ctx.form("opens_before"), ctx.form("weeks")};
}

// The session the form describes (without id and site); problems when it cannot be.
Session session_of(const SessionForm& f, const std::vector<Program>& programs, std::vector<std::string>& problems) {
  Session s;
  s.program_id = f.program_id;
  if (std::ranges::none_of(programs, [&](const Program& p) { return p.id == f.program_id; }))
    problems.push_back("Please choose a program.");
  std::vector<std::string> room_problems;
  s.room = text_input(f.room, "room", room_problems, true, 100);
  problems.insert(problems.end(), room_problems.begin(), room_problems.end());
  auto start = parse_local_datetime(f.start);
  auto end = parse_local_datetime(f.end);
  if (!start) problems.push_back("Please give the start as a date and time (for example 2026-11-26 19:00).");
  if (!end) problems.push_back("Please give the end as a date and time (for example 2026-11-26 20:30).");
  if (start && end && *end <= *start) problems.push_back("The session must end after it starts.");
  if (start && end && *end - *start > std::chrono::hours(24)) problems.push_back("A session can last at most 24 hours.");
  if (start) s.start = *start;
  if (end) s.end = *end;
  if (!trim(f.capacity).empty()) {
    auto capacity = parse_int(f.capacity);
    if (!capacity || *capacity < 1 || *capacity > 100000)
      problems.push_back("The capacity must be a whole number of people, or left empty for no limit.");
    else s.capacity = *capacity;
  }
  auto before = parse_int(f.opens_before);
  if (!before || *before < 0 || *before > 24 * 60)
    problems.push_back("Check-in opens between 0 and 1440 minutes before the start.");
  s.window_opens = s.start - std::chrono::minutes(before.value_or(30));
  s.window_closes = s.end;
  return s;
}

std::vector<Option> program_options(const std::vector<Program>& programs, const Id& selected) {
  std::vector<Option> options{{"", "Choose a program", selected.empty(), ""}};
  for (const auto& p : programs)
    options.push_back({p.id, p.name + (p.discreet ? " (discreet)" : ""), p.id == selected, ""});
  return options;
}

std::string session_fields(const SessionForm& f, const std::vector<Program>& programs) {
  std::string body = select_field("program_id", "Program", program_options(programs, f.program_id));
  body += input_field({.name = "room", .label = "Room", .value = f.room, .required = false, .autocomplete = "off"});
  body += input_field({.name = "start", .label = "Starts", .value = f.start, .type = "datetime-local",
                       .hint = "Date and time, in local time."});
  body += input_field({.name = "end", .label = "Ends", .value = f.end, .type = "datetime-local"});
  body += input_field({.name = "capacity", .label = "Capacity", .value = f.capacity, .type = "number",
                       .hint = "How many people can come. Empty: no limit.", .required = false,
                       .attributes = R"(min="1" inputmode="numeric")"});
  body += input_field({.name = "opens_before", .label = "Check-in opens (minutes before the start)", .value = f.opens_before,
                       .type = "number", .hint = "Check-in closes when the session ends.",
                       .attributes = R"(min="0" max="1440" inputmode="numeric")"});
  return body;
}

// ---- the list

void sessions_page(Context& ctx) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto programs = all_programs(ctx);
  if (!programs) return;
  auto range = date_range(ctx.query("from"), ctx.query("to"), ctx.now, 14);
  Id only_site = ctx.query("site");
  if (!only_site.empty() && !require_site(ctx, only_site)) return;

  std::vector<std::pair<Session, std::string>> rows;  // the session and its site's name
  for (const auto& site : *sites) {
    if (!only_site.empty() && site.id != only_site) continue;
    auto sessions = ctx.store.sessions(site.id, range.from, range.to);
    if (!sessions) return ctx.store_failed(sessions.error(), "sessions");
    for (auto& s : *sessions) rows.emplace_back(std::move(s), site.name);
  }
  std::ranges::sort(rows, {}, [](const auto& row) { return row.first.start; });

  std::string body = R"(<div class="actions">)" +
                     link_button(only_site.empty() ? "/sessions/new" : "/sessions/new?site=" + url_encode(only_site),
                                 "Add a session", "button") +
                     "</div>";
  if (!range.problem.empty()) body += notice(escape(range.problem), "warning");
  body += R"(<form method="get" action="/sessions" class="filters">)";
  body += select_field("site", "Site", site_filter(*sites, only_site), false);
  body += input_field({.name = "from", .label = "From", .value = range.from_text, .type = "date", .required = false});
  body += input_field({.name = "to", .label = "To", .value = range.to_text, .type = "date", .required = false});
  body += R"(<div class="field">)" + submit_button("Show", "button secondary") + "</div></form>";

  auto caption = fmt::format("Sessions from {} to {}", range.from_text, range.to_text);
  if (rows.empty()) {
    body += fmt::format("<p>No sessions from {} to {}.</p>", escape(range.from_text), escape(range.to_text));
  } else {
    body += table_open(caption, {"When", "Program", "Site", "Room", "Capacity", "Change"});
    for (const auto& [s, site] : rows) {
      body += fmt::format(R"(<tr><td><a href="/sessions/{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>)",
                          escape(s.id), escape(local_span(s.start, s.end)), escape(program_name(*programs, s.program_id)),
                          escape(site), escape(s.room), s.capacity ? std::to_string(*s.capacity) : "–");
      // Screen readers list links out of context: each says which session it is for.
      auto which = escape(local_span(s.start, s.end));
      body += fmt::format(R"(<td><a href="/sessions/{0}/attendance">Attendance<span class="visually-hidden"> {1}</span></a> · )"
                          R"(<a href="/sessions/{0}">Edit<span class="visually-hidden"> {1}</span></a> · )"
                          R"(<a href="/sessions/{0}/cancel">Cancel<span class="visually-hidden"> {1}</span></a></td></tr>)",
                          escape(s.id), which);
    }
    body += table_close();
  }
  ctx.page("Sessions", body);
}

// ---- adding

void render_new(Context& ctx, const SessionForm& f, const std::vector<std::string>& problems, int status) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto programs = all_programs(ctx);
  if (!programs) return;
  std::string body = error_summary(problems);
  if (sites->empty()) return ctx.page("Add a session", "<p>You need a site first.</p>", status);
  body += form_open("/sessions", ctx.csrf_token(), false, "card");
  body += select_field("site_id", "Site", site_choice(*sites, f.site_id));
  body += session_fields(f, *programs);
  body += input_field({.name = "weeks", .label = "Repeat weekly for how many weeks", .value = f.weeks, .type = "number",
                       .hint = "1 adds this session only. 10 adds it on the same weekday and time for 10 weeks.",
                       .attributes = fmt::format(R"(min="1" max="{}" inputmode="numeric")", kMaxWeeks)});
  body += R"(<div class="actions">)" + submit_button("Add session") + link_button("/sessions", "Cancel") + "</div>";
  body += form_close();
  ctx.page("Add a session", body, status);
}

void new_session_page(Context& ctx) {
  SessionForm f;
  f.site_id = ctx.query("site");
  render_new(ctx, f, {}, 200);
}

void create_session(Context& ctx) {
  auto programs = all_programs(ctx);
  if (!programs) return;
  auto f = read_form(ctx);
  std::vector<std::string> problems;
  if (f.site_id.empty()) problems.push_back("Please choose a site.");
  else if (!require_site(ctx, f.site_id)) return;
  auto session = session_of(f, *programs, problems);
  session.site_id = f.site_id;
  auto weeks = parse_int(f.weeks);
  if (!weeks || *weeks < 1 || *weeks > kMaxWeeks)
    problems.push_back(fmt::format("Repeat for 1 to {} weeks.", kMaxWeeks));
  if (!problems.empty()) return render_new(ctx, f, problems, 400);

  std::vector<Session> series;
  auto length = session.end - session.start;
  auto opens_before = session.start - session.window_opens;
  for (auto start : weekly(session.start, *weeks)) {
    Session s = session;
    s.start = start;
    s.end = start + length;
    s.window_opens = start - opens_before;
    s.window_closes = s.end;
    series.push_back(std::move(s));
  }
  auto created = ctx.store.create_sessions(series, series.size() > 1);
  if (!created) {
    if (created.error().code == Errc::not_found) return render_new(ctx, f, {"That program or site no longer exists."}, 400);
    return ctx.store_failed(created.error(), "create sessions");
  }
  log_info(kLog, "account {} added {} session(s) at site {}", ctx.access.account_id, created->size(), session.site_id);
  ctx.audit = AuditNote{.object_id = created->front().id, .site_id = session.site_id,
                        .detail = created->size() > 1 ? fmt::format("weekly series of {}", created->size()) : ""};
  auto first = format_local_date(series.front().start);
  auto last = format_local_date(series.back().start);
  ctx.redirect(fmt::format("/sessions?site={}&from={}&to={}", url_encode(session.site_id), first, last),
               created->size() == 1 ? std::string("Session added.") : fmt::format("{} weekly sessions added.", created->size()));
}

// ---- one session

void render_session(Context& ctx, const Session& s, const SessionState& state, const SessionForm& f,
                    const std::vector<std::string>& problems, int status) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto programs = all_programs(ctx);
  if (!programs) return;
  auto title = fmt::format("{}, {}", program_name(*programs, s.program_id), local_span(s.start, s.end));
  std::string body = "<dl class=\"facts\">";
  body += "<dt>Site</dt><dd>" + escape(site_name(*sites, s.site_id)) + "</dd>";
  if (auto count = ctx.store.attendance_count(s.id))
    body += fmt::format(R"(<dt>Checked in</dt><dd>{} · <a href="/sessions/{}/attendance">Attendance and corrections</a></dd>)",
                        *count, escape(s.id));
  if (!state.series_id.empty()) body += "<dt>Repeats</dt><dd>Part of a weekly series (changes here are to this date only)</dd>";
  body += "</dl>";
  if (state.cancelled) {
    body += notice("This session was cancelled. Kiosks no longer offer it.", "warning");
    return ctx.page(title, body, status);
  }
  body += "<h2>Change this session</h2>" + error_summary(problems);
  body += form_open("/sessions/" + s.id, ctx.csrf_token(), false, "card");
  body += session_fields(f, *programs);
  body += submit_button("Save changes") + form_close();
  body += "<h2>Cancel this session</h2><p>Kiosks stop offering it. What was already recorded stays.</p>";
  body += link_button("/sessions/" + s.id + "/cancel", "Cancel session…", "button warning");
  ctx.page(title, body, status);
}

void session_page(Context& ctx) {
  SessionState state;
  auto s = visible_session(ctx, ctx.path_param("id"), &state);
  if (!s) return;
  render_session(ctx, *s, state, form_of(*s), {}, 200);
}

void update_session(Context& ctx) {
  SessionState state;
  auto existing = visible_session(ctx, ctx.path_param("id"), &state);
  if (!existing) return;
  if (state.cancelled) return ctx.page("Cancelled", "<p>This session was cancelled; it cannot be changed.</p>", 409);
  auto programs = all_programs(ctx);
  if (!programs) return;
  auto f = read_form(ctx);
  std::vector<std::string> problems;
  auto s = session_of(f, *programs, problems);
  if (!problems.empty()) return render_session(ctx, *existing, state, f, problems, 400);
  s.id = existing->id;
  s.site_id = existing->site_id;  // a session does not move between sites
  s.window_closes = s.end + (existing->window_closes - existing->end);
  if (auto updated = ctx.store.update_session(s); !updated) return ctx.store_failed(updated.error(), "update session");
  log_info(kLog, "account {} changed session {}", ctx.access.account_id, s.id);
  ctx.redirect("/sessions/" + s.id, "Session saved.");
}

void cancel_page(Context& ctx) {
  SessionState state;
  auto s = visible_session(ctx, ctx.path_param("id"), &state);
  if (!s) return;
  if (state.cancelled) return ctx.redirect("/sessions/" + s->id, "This session is already cancelled.");
  auto programs = all_programs(ctx);
  if (!programs) return;
  std::string body = fmt::format("<p>Cancel {} on {}? Kiosks will stop offering it; check-ins already recorded stay.</p>",
                                 escape(program_name(*programs, s->program_id)), escape(local_span(s->start, s->end)));
  body += confirm_actions("/sessions/" + s->id + "/cancel", ctx.csrf_token(), "Yes, cancel this session",
                          "/sessions/" + s->id);
  ctx.page("Cancel this session?", body);
}

void cancel_session(Context& ctx) {
  SessionState state;
  auto s = visible_session(ctx, ctx.path_param("id"), &state);
  if (!s) return;
  if (state.cancelled) {
    ctx.audit.unchanged = true;
    return ctx.redirect("/sessions/" + s->id, "This session is already cancelled.");
  }
  if (auto cancelled = ctx.store.cancel_session(s->id); !cancelled) return ctx.store_failed(cancelled.error(), "cancel session");
  log_info(kLog, "account {} cancelled session {}", ctx.access.account_id, s->id);
  ctx.redirect(fmt::format("/sessions?site={}", url_encode(s->site_id)), "Session cancelled.");
}

}  // namespace

void add_session_routes(Router& router) {
  router.get("/sessions", Gate::signed_in, sessions_page);
  router.get("/sessions/new", Gate::signed_in, new_session_page);
  router.post("/sessions", Gate::signed_in, create_session, audited("session.create", "session", ""));
  router.get("/sessions/{id}", Gate::signed_in, session_page);
  router.post("/sessions/{id}", Gate::signed_in, update_session, audited("session.update", "session"));
  router.get("/sessions/{id}/cancel", Gate::signed_in, cancel_page);
  router.post("/sessions/{id}/cancel", Gate::signed_in, cancel_session, audited("session.cancel", "session"));
}

}  // namespace checkin::server::dashboard
