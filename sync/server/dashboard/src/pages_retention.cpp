// SPDX-License-Identifier: AGPL-3.0-or-later
// Retention: in plain words what is kept and for how long, where things stand now, and for
// admins every period (discreet programs, other programs, a program's own, the audit trail,
// inactive people), a button to reduce what is due at once, and the people without
// activity for a long time, each with the way to erase them. The server also reduces by
// itself every hour (RetentionTimer, retention_timer.hpp).
#include <fmt/format.h>

#include <functional>

#include "checkin/core/log.hpp"
#include "checkin/server/local_time.hpp"
#include "common.hpp"
#include "downloads.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

// One period an admin sets here: its form field, its limits, and where it is stored.
struct Period {
  std::string field;  // the form's field and the path under /retention/
  std::string label;
  std::string hint;
  int least, most;
  int RetentionStatus::*current;  // its value now
  std::function<Result<void>(ServerStore&, int)> save;
};

const std::vector<Period>& periods() {
  static const std::vector<Period> kPeriods = {
      {"discreet_days", "Days a discreet program's attendance stays identified",
       "Shorter is kinder to privacy; long enough to check a month's figures is usually plenty.", kMinRetentionDays,
       kMaxRetentionDays, &RetentionStatus::discreet_days,
       [](ServerStore& s, int d) { return s.set_discreet_retention_days(d); }},
      {"other_days", "Days other programs' attendance stays identified",
       "Long enough for the reports you owe funders, and the questions that follow them.", kMinRetentionDays,
       kMaxRetentionDays, &RetentionStatus::other_days,
       [](ServerStore& s, int d) { return s.set_other_retention_days(d); }},
      {"inactive_days", "Days without activity before someone is listed for review",
       "They are only listed below; nobody is erased without an administrator deciding to.", kMinRetentionDays,
       kMaxRetentionDays, &RetentionStatus::inactive_days,
       [](ServerStore& s, int d) { return s.set_inactive_people_days(d); }},
      {"audit_days", "Days the audit trail is kept", "Long enough to answer a complaint about who saw what.",
       kMinAuditRetentionDays, kMaxAuditRetentionDays, &RetentionStatus::audit_days,
       [](ServerStore& s, int d) { return s.set_audit_retention_days(d); }},
  };
  return kPeriods;
}

std::string days_text(int days) { return days == 1 ? "1 day" : fmt::format("{} days", days); }

// A program's period, and whether it is its own.
int program_days(const RetentionStatus& state, const Program& p) {
  if (auto own = state.program_days.find(p.id); own != state.program_days.end()) return own->second;
  return p.discreet ? state.discreet_days : state.other_days;
}

// What an admin typed (field -> text), shown again beside its problem.
using Typed = std::map<std::string, std::string>;

std::string kept_in_words(const RetentionStatus& state, const std::vector<Program>& programs) {
  std::string body = "<h2>What is kept, and for how long</h2><ul class=\"plain-list\">";
  body += fmt::format(
      "<li><strong>Discreet programs</strong> (support groups and the like): who attended each session is kept for "
      "<strong>{}</strong> after the session. After that the server keeps only the numbers (how many came, "
      "how many anonymously, how many walk-ins) and forgets who they were. Reports never list who attended a "
      "discreet program, even before then.</li>",
      days_text(state.discreet_days));
  body += fmt::format(
      "<li><strong>Other programs</strong>: who attended each session is kept for <strong>{}</strong>, so you can "
      "report attendance per person (for example for a course certificate); then only the numbers.</li>",
      days_text(state.other_days));
  std::string own;
  for (const auto& p : programs)
    if (state.program_days.contains(p.id))
      own += fmt::format("<li>{}: {}</li>", escape(p.name), escape(days_text(state.program_days.at(p.id))));
  if (!own.empty()) body += "<li><strong>Programs with a period of their own</strong>:<ul>" + own + "</ul></li>";
  body += "<li><strong>Volunteer shifts</strong>: kept with the volunteer's name, to count their hours (many "
          "organisations must keep volunteer hours for years).</li>";
  body += "<li><strong>Feedback</strong> given at a kiosk is never linked to a person: it is kept only with the "
          "session it was about.</li>";
  body += fmt::format(
      "<li><strong>People</strong> are kept until someone erases them. Anyone with no check-in, shift or new pass "
      "for <strong>{}</strong> is listed on this page for an administrator to review.</li>",
      days_text(state.inactive_days));
  body += "<li><strong>Kiosks</strong> keep a check-in only until it has reached this server, then delete it from "
          "their own storage (about a day and a half later). A kiosk knows only first names of the people expected "
          "at its site soon, and never a discreet program's real name.</li>";
  body += "<li><strong>Passes</strong> carry no name at all: a lost or photographed pass reveals nothing.</li>";
  body += fmt::format(
      "<li><strong>The audit trail</strong> (who changed what, and who looked at who attended) is kept for "
      "<strong>{}</strong>, so a question about who saw someone's attendance can be answered. It holds "
      "accounts and ids, never an attendee's name.</li></ul>",
      days_text(state.audit_days));
  return body;
}

std::string now_in_words(const RetentionStatus& state) {
  std::string body = "<h2>Now</h2><dl class=\"facts\">";
  body += fmt::format("<dt>Identified discreet check-ins still kept</dt><dd>{}</dd>", state.identified_discreet_events);
  body += fmt::format("<dt>The oldest of them</dt><dd>{}</dd>",
                      escape(state.oldest_identified ? format_local_datetime(*state.oldest_identified) : "–"));
  body += fmt::format("<dt>Identified check-ins of other programs</dt><dd>{}</dd>", state.identified_other_events);
  body += fmt::format("<dt>Sessions reduced to numbers</dt><dd>{}</dd>", state.reduced_sessions);
  body += fmt::format("<dt>Last reduced</dt><dd>{}</dd>",
                      escape(state.last_run ? format_local_datetime(*state.last_run) : "not yet"));
  body += fmt::format("<dt>The oldest audit trail entry</dt><dd>{}</dd>",
                      escape(state.oldest_audit_entry ? format_local_datetime(*state.oldest_audit_entry) : "–"));
  body += "</dl><p>The server reduces what is due, and removes audit entries older than their period, by itself "
          "every hour.</p>";
  return body;
}

std::string admin_forms(const Context& ctx, const RetentionStatus& state, const std::vector<Program>& programs,
                        const Typed& typed) {
  std::string body = "<h2>Change how long</h2>";
  for (const auto& p : periods()) {
    auto shown = typed.contains(p.field) ? typed.at(p.field) : std::to_string(state.*p.current);
    body += form_open("/retention/" + p.field, ctx.csrf_token(), false, "card");
    body += input_field({.name = "days", .label = p.label, .value = shown, .type = "number",
                         .hint = fmt::format("From {} to {}. {}", p.least, p.most, p.hint),
                         .attributes = fmt::format(R"(min="{}" max="{}" inputmode="numeric")", p.least, p.most),
                         .id = p.field});
    body += submit_button("Save") + form_close();
  }

  body += "<h2>A period for one program</h2><p>A program can keep its attendance identified for a different time "
          "than the default of its kind, for example a course that must show who completed it.</p>";
  body += table_open("Each program's period", {"Program", "Kind", "Kept identified", "Change"});
  for (const auto& p : programs) {
    const bool own = state.program_days.contains(p.id);
    const std::string field = "program-" + p.id;
    auto shown = typed.contains(field) ? typed.at(field) : std::to_string(program_days(state, p));
    std::string change = form_open("/retention/programs/" + p.id, ctx.csrf_token(), false, "inline-form");
    change += input_field({.name = "days", .label = "Days for " + p.name, .value = shown, .type = "number",
                           .attributes = fmt::format(R"(min="{}" max="{}" inputmode="numeric")", kMinRetentionDays,
                                                     kMaxRetentionDays),
                           .id = field});
    change += submit_button("Save", "button secondary") + form_close();
    if (own)
      change += button_form("/retention/programs/" + p.id + "/default", ctx.csrf_token(), "Use the default",
                            "button secondary");
    body += fmt::format(R"(<tr><th scope="row">{}</th><td>{}</td><td>{}{}</td><td>{}</td></tr>)", escape(p.name),
                        p.discreet ? "Discreet" : "Other", escape(days_text(program_days(state, p))),
                        own ? " (its own)" : " (the default)", change);
  }
  body += table_close();

  body += "<h2>Reduce now</h2><p>Reduces every session whose program's period is over, at once instead of within "
          "the hour. This cannot be undone.</p>";
  body += button_form("/retention/apply", ctx.csrf_token(), "Reduce now", "button warning");
  return body;
}

std::string inactive_list(Context& ctx, const RetentionStatus& state) {
  auto people = ctx.store.inactive_people(ctx.now);
  if (!people) {
    log_error(kLog, "inactive people: {}", people.error().message);
    return "<h2>People without activity</h2><p>The list cannot be read right now.</p>";
  }
  std::string body = fmt::format("<h2>People without activity for {}</h2>", escape(days_text(state.inactive_days)));
  if (people->empty()) return body + "<p>Nobody: everyone has checked in, worked a shift or been given a pass since.</p>";
  body += "<p>Review them: someone who has left the program can be erased (their attendance stays as anonymous "
          "counts). Someone who still comes, rarely, can stay.</p>";
  body += table_open("People without activity, longest first", {"Name", "Last activity", ""});
  for (const auto& p : *people) {
    body += fmt::format(
        R"(<tr><th scope="row"><a href="/people/{}">{}</a></th><td>{}</td><td><a href="/people/{}/erase">Erase…</a></td></tr>)",
        escape(p.id), escape(p.preferred_name.empty() ? "(no name)" : p.preferred_name),
        escape(p.last_activity ? format_local_date(*p.last_activity) : "unknown"), escape(p.id));
  }
  return body + table_close();
}

void render(Context& ctx, const Typed& typed, const std::vector<std::string>& problems, int status) {
  auto state = ctx.store.retention_status();
  if (!state) return ctx.store_failed(state.error(), "retention status");
  auto programs = ctx.store.programs();
  if (!programs) return ctx.store_failed(programs.error(), "programs");
  std::string body = error_summary(problems) + kept_in_words(*state, *programs) + now_in_words(*state);
  body += R"(<p><a href="/privacy-notice">The privacy notice for the door</a>: what the kiosks tell people, to print.</p>)";
  if (ctx.access.is_admin())
    body += admin_forms(ctx, *state, *programs, typed) + inactive_list(ctx, *state);
  else
    body += "<p>An administrator can change how long.</p>";
  ctx.page("Retention", body, status);
}

void retention_page(Context& ctx) { render(ctx, {}, {}, 200); }

// The days typed, or the page again with its problem (nullopt).
std::optional<int> typed_days(Context& ctx, const std::string& field, int least, int most, std::string_view what) {
  auto typed = trim(ctx.form("days"));
  auto days = parse_int(typed);
  if (days && *days >= least && *days <= most) return days;
  render(ctx, Typed{{field, typed}}, {fmt::format("Please give {} as a whole number of days from {} to {}.", what, least, most)},
         400);
  return std::nullopt;
}

Handler set_period(const Period& p) {
  return [&p](Context& ctx) {
    auto days = typed_days(ctx, p.field, p.least, p.most, "the days");
    if (!days) return;
    if (auto saved = p.save(ctx.store, *days); !saved) return ctx.store_failed(saved.error(), "retention days");
    log_info(kLog, "account {} set {} to {}", ctx.access.account_id, p.field, *days);
    ctx.audit = AuditNote{.object_id = "retention." + p.field, .detail = fmt::format("days={}", *days)};
    ctx.redirect("/retention", fmt::format("Saved: {}.", days_text(*days)));
  };
}

void set_program_days(Context& ctx) {
  auto program = find_program(ctx, ctx.path_param("id"));
  if (!program) return;
  auto days = typed_days(ctx, "program-" + program->id, kMinRetentionDays, kMaxRetentionDays, "the days");
  if (!days) return;
  if (auto saved = ctx.store.set_program_retention_days(program->id, *days); !saved)
    return ctx.store_failed(saved.error(), "program retention");
  ctx.audit.detail = fmt::format("days={}", *days);
  ctx.redirect("/retention", fmt::format("Saved: {} keeps attendance identified {}.", program->name, days_text(*days)));
}

void default_program_days(Context& ctx) {
  auto program = find_program(ctx, ctx.path_param("id"));
  if (!program) return;
  if (auto saved = ctx.store.set_program_retention_days(program->id, std::nullopt); !saved)
    return ctx.store_failed(saved.error(), "program retention");
  ctx.audit.detail = "days=default";
  ctx.redirect("/retention", fmt::format("Saved: {} uses the default period of its kind.", program->name));
}

void apply_now(Context& ctx) {
  auto run = ctx.store.apply_retention(ctx.now);
  if (!run) return ctx.store_failed(run.error(), "apply retention");
  log_info(kLog, "account {} applied retention: {} sessions reduced, {} events de-identified", ctx.access.account_id,
           run->sessions_reduced, run->events_deidentified);
  ctx.audit.detail = fmt::format("sessions_reduced={}; events_deidentified={}", run->sessions_reduced, run->events_deidentified);
  ctx.redirect("/retention", fmt::format("Done: {} sessions reduced to numbers, {} check-ins no longer identified, "
                                         "{} old audit entries removed.",
                                         run->sessions_reduced, run->events_deidentified, run->audit_entries_removed));
}

}  // namespace

void add_retention_routes(Router& router) {
  router.get("/retention", Gate::signed_in, retention_page);
  for (const auto& p : periods())
    router.post("/retention/" + p.field, Gate::admin, set_period(p), audited("retention.set", "setting", ""));
  router.post("/retention/programs/{id}", Gate::admin, set_program_days, audited("retention.set", "program"));
  router.post("/retention/programs/{id}/default", Gate::admin, default_program_days, audited("retention.set", "program"));
  router.post("/retention/apply", Gate::admin, apply_now, audited("retention.apply", "retention", ""));
}

}  // namespace checkin::server::dashboard
