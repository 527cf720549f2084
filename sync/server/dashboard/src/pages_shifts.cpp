// SPDX-License-Identifier: AGPL-3.0-or-later
// Volunteer shifts at a site: listed by dates (local time), added, edited with the
// people of that site assigned to them, deleted after a confirmation.
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

struct ShiftForm {
  std::string site_id, role, start, end;
  std::vector<Id> people;
};

ShiftForm form_of(const Shift& s) {
  return {s.site_id, s.role, format_local_input(s.start), format_local_input(s.end), s.assigned_people};
}

ShiftForm read_form(const Context& ctx) {
  return {ctx.form("site_id"), ctx.form("role"), ctx.form("start"), ctx.form("end"), ctx.form_all("people")};
}

Shift shift_of(const ShiftForm& f, std::vector<std::string>& problems) {
  Shift s;
  s.site_id = f.site_id;
  s.role = text_input(f.role, "the volunteer role", problems, false, 100);
  auto start = parse_local_datetime(f.start);
  auto end = parse_local_datetime(f.end);
  if (!start) problems.push_back("Please give the start as a date and time (for example 2026-11-26 09:00).");
  if (!end) problems.push_back("Please give the end as a date and time (for example 2026-11-26 13:00).");
  if (start && end && *end <= *start) problems.push_back("The shift must end after it starts.");
  if (start && end && *end - *start > std::chrono::hours(24)) problems.push_back("A shift can last at most 24 hours.");
  if (start) s.start = *start;
  if (end) s.end = *end;
  return s;
}

std::string shift_fields(const ShiftForm& f) {
  std::string body = input_field({.name = "role", .label = "Role", .value = f.role,
                                  .hint = "What the volunteers do, for example “Kitchen” or “Front desk”.",
                                  .autocomplete = "off"});
  body += input_field({.name = "start", .label = "Starts", .value = f.start, .type = "datetime-local",
                       .hint = "Date and time, in local time."});
  body += input_field({.name = "end", .label = "Ends", .value = f.end, .type = "datetime-local"});
  return body;
}

// ---- the list

void shifts_page(Context& ctx) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto range = date_range(ctx.query("from"), ctx.query("to"), ctx.now, 14);
  Id only_site = ctx.query("site");
  if (!only_site.empty() && !require_site(ctx, only_site)) return;
  std::vector<std::pair<Shift, std::string>> rows;
  for (const auto& site : *sites) {
    if (!only_site.empty() && site.id != only_site) continue;
    auto shifts = ctx.store.shifts(site.id, range.from, range.to);
    if (!shifts) return ctx.store_failed(shifts.error(), "shifts");
    for (auto& s : *shifts) rows.emplace_back(std::move(s), site.name);
  }
  std::ranges::sort(rows, {}, [](const auto& row) { return row.first.start; });

  std::string body = R"(<div class="actions">)" +
                     link_button(only_site.empty() ? "/shifts/new" : "/shifts/new?site=" + url_encode(only_site),
                                 "Add a shift", "button") +
                     "</div>";
  if (!range.problem.empty()) body += notice(escape(range.problem), "warning");
  body += R"(<form method="get" action="/shifts" class="filters">)";
  body += select_field("site", "Site", site_filter(*sites, only_site), false);
  body += input_field({.name = "from", .label = "From", .value = range.from_text, .type = "date", .required = false});
  body += input_field({.name = "to", .label = "To", .value = range.to_text, .type = "date", .required = false});
  body += R"(<div class="field">)" + submit_button("Show", "button secondary") + "</div></form>";
  if (rows.empty()) {
    body += fmt::format("<p>No shifts from {} to {}.</p>", escape(range.from_text), escape(range.to_text));
  } else {
    body += table_open(fmt::format("Shifts from {} to {}", range.from_text, range.to_text),
                       {"When", "Role", "Site", "People assigned"});
    for (const auto& [s, site] : rows)
      body += fmt::format(R"(<tr><td><a href="/shifts/{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>)", escape(s.id),
                          escape(local_span(s.start, s.end)), escape(s.role), escape(site), s.assigned_people.size());
    body += table_close();
  }
  ctx.page("Shifts", body);
}

// ---- adding

void render_new(Context& ctx, const ShiftForm& f, const std::vector<std::string>& problems, int status) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  if (sites->empty()) return ctx.page("Add a shift", "<p>You need a site first.</p>", status);
  std::string body = error_summary(problems);
  body += form_open("/shifts", ctx.csrf_token(), false, "card");
  body += select_field("site_id", "Site", site_choice(*sites, f.site_id));
  body += shift_fields(f);
  body += "<p>Next you can choose the people on this shift.</p>";
  body += R"(<div class="actions">)" + submit_button("Add shift") + link_button("/shifts", "Cancel") + "</div>";
  body += form_close();
  ctx.page("Add a shift", body, status);
}

void new_shift_page(Context& ctx) {
  ShiftForm f;
  f.site_id = ctx.query("site");
  render_new(ctx, f, {}, 200);
}

void create_shift(Context& ctx) {
  auto f = read_form(ctx);
  std::vector<std::string> problems;
  if (f.site_id.empty()) problems.push_back("Please choose a site.");
  else if (!require_site(ctx, f.site_id)) return;
  auto shift = shift_of(f, problems);
  if (!problems.empty()) return render_new(ctx, f, problems, 400);
  auto created = ctx.store.create_shift(shift);
  if (!created) return ctx.store_failed(created.error(), "create shift");
  log_info(kLog, "account {} added shift {} at site {}", ctx.access.account_id, created->id, created->site_id);
  ctx.audit = AuditNote{.object_id = created->id, .site_id = created->site_id};
  ctx.redirect("/shifts/" + created->id, "Shift added. Now choose the people on it.");
}

// ---- one shift

void render_shift(Context& ctx, const Shift& s, const ShiftForm& f, const std::vector<std::string>& problems, int status) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto people = visible_people(ctx);
  if (!people) return;
  std::vector<Option> choices;
  for (const auto& p : *people)
    if (p.site_id == s.site_id)
      choices.push_back({p.id, person_label(p), std::ranges::find(f.people, p.id) != f.people.end(), ""});
  auto title = fmt::format("{}, {}", s.role, local_span(s.start, s.end));
  std::string body = "<dl class=\"facts\"><dt>Site</dt><dd>" + escape(site_name(*sites, s.site_id)) + "</dd></dl>";
  body += error_summary(problems);
  body += form_open("/shifts/" + s.id, ctx.csrf_token(), false, "card");
  body += shift_fields(f);
  body += checkbox_group("people", "People on this shift", choices,
                         "Only people of this site are listed. They start and end the shift with their pass.");
  body += submit_button("Save changes") + form_close();
  body += "<h2>Delete this shift</h2>";
  body += link_button("/shifts/" + s.id + "/delete", "Delete shift…", "button warning");
  ctx.page(title, body, status);
}

void shift_page(Context& ctx) {
  auto s = visible_shift(ctx, ctx.path_param("id"));
  if (!s) return;
  render_shift(ctx, *s, form_of(*s), {}, 200);
}

void update_shift(Context& ctx) {
  auto existing = visible_shift(ctx, ctx.path_param("id"));
  if (!existing) return;
  auto people = visible_people(ctx);
  if (!people) return;
  auto f = read_form(ctx);
  f.site_id = existing->site_id;  // a shift stays at its site
  std::vector<std::string> problems;
  auto shift = shift_of(f, problems);
  shift.id = existing->id;
  for (const auto& id : f.people) {
    bool here = std::ranges::any_of(*people, [&](const PersonRecord& p) { return p.id == id && p.site_id == shift.site_id; });
    if (!here) {
      problems.push_back("Someone ticked is not at this site (any more); please tick the people again.");
      break;
    }
    if (std::ranges::find(shift.assigned_people, id) == shift.assigned_people.end()) shift.assigned_people.push_back(id);
  }
  if (!problems.empty()) return render_shift(ctx, *existing, f, problems, 400);
  if (auto updated = ctx.store.update_shift(shift); !updated) return ctx.store_failed(updated.error(), "update shift");
  log_info(kLog, "account {} changed shift {} ({} assigned)", ctx.access.account_id, shift.id, shift.assigned_people.size());
  ctx.redirect("/shifts/" + shift.id, "Shift saved.");
}

void delete_page(Context& ctx) {
  auto s = visible_shift(ctx, ctx.path_param("id"));
  if (!s) return;
  std::string body = fmt::format("<p>Delete the {} shift on {}? Kiosks stop offering it. Hours already recorded stay.</p>",
                                 escape(s->role), escape(local_span(s->start, s->end)));
  body += confirm_actions("/shifts/" + s->id + "/delete", ctx.csrf_token(), "Yes, delete this shift", "/shifts/" + s->id);
  ctx.page("Delete this shift?", body);
}

void delete_shift(Context& ctx) {
  auto s = visible_shift(ctx, ctx.path_param("id"));
  if (!s) return;
  if (auto deleted = ctx.store.delete_shift(s->id); !deleted) return ctx.store_failed(deleted.error(), "delete shift");
  log_info(kLog, "account {} deleted shift {}", ctx.access.account_id, s->id);
  ctx.redirect(fmt::format("/shifts?site={}", url_encode(s->site_id)), "Shift deleted.");
}

}  // namespace

void add_shift_routes(Router& router) {
  router.get("/shifts", Gate::signed_in, shifts_page);
  router.get("/shifts/new", Gate::signed_in, new_shift_page);
  router.post("/shifts", Gate::signed_in, create_shift, audited("shift.create", "shift", ""));
  router.get("/shifts/{id}", Gate::signed_in, shift_page);
  router.post("/shifts/{id}", Gate::signed_in, update_shift, audited("shift.update", "shift"));
  router.get("/shifts/{id}/delete", Gate::signed_in, delete_page);
  router.post("/shifts/{id}/delete", Gate::signed_in, delete_shift, audited("shift.delete", "shift"));
}

}  // namespace checkin::server::dashboard
