// SPDX-License-Identifier: AGPL-3.0-or-later
// Retention: in plain words what is kept and for how long, where things stand now, and for
// admins the number of days discreet programs' attendance stays identified and a button
// to reduce what is due at once. The server also reduces by itself every hour
// (RetentionTimer, retention_timer.hpp).
#include <fmt/format.h>

#include "checkin/core/log.hpp"
#include "checkin/server/local_time.hpp"
#include "common.hpp"
#include "downloads.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr int kMinDays = 1;
constexpr int kMaxDays = 3650;

void render(Context& ctx, std::string_view typed_days, const std::vector<std::string>& problems, int status) {
  auto state = ctx.store.retention_status();
  if (!state) return ctx.store_failed(state.error(), "retention status");
  const int days = state->discreet_days;

  std::string body = "<h2>What is kept, and for how long</h2><ul class=\"plain-list\">";
  body += fmt::format(
      "<li><strong>Discreet programs</strong> (support groups and the like): who attended each session is kept for "
      "<strong>{} days</strong> after the session. After that the server keeps only the numbers (how many came, "
      "how many anonymously, how many walk-ins) and forgets who they were. Reports never list who attended a "
      "discreet program, even before then.</li>",
      days);
  body += "<li><strong>Other programs</strong>: who attended each session is kept, so you can report attendance "
          "per person (for example for a course certificate).</li>";
  body += "<li><strong>Volunteer shifts</strong>: kept with the volunteer's name, to count their hours.</li>";
  body += "<li><strong>Feedback</strong> given at a kiosk is never linked to a person: it is kept only with the "
          "session it was about.</li>";
  body += "<li><strong>Kiosks</strong> keep a check-in only until it has reached this server, then delete it from "
          "their own storage (about a day and a half later). A kiosk knows only first names of the people expected "
          "at its site soon.</li>";
  body += "<li><strong>Passes</strong> carry no name at all: a lost or photographed pass reveals nothing.</li></ul>";

  body += "<h2>Now</h2><dl class=\"facts\">";
  body += fmt::format("<dt>Identified discreet check-ins still kept</dt><dd>{}</dd>", state->identified_discreet_events);
  body += fmt::format("<dt>The oldest of them</dt><dd>{}</dd>",
                      escape(state->oldest_identified ? format_local_datetime(*state->oldest_identified) : "–"));
  body += fmt::format("<dt>Discreet sessions reduced to numbers</dt><dd>{}</dd>", state->reduced_sessions);
  body += fmt::format("<dt>Last reduced</dt><dd>{}</dd>",
                      escape(state->last_run ? format_local_datetime(*state->last_run) : "not yet"));
  body += "</dl><p>The server reduces what is due by itself every hour.</p>";

  if (ctx.access.is_admin()) {
    body += "<h2>Change how long</h2>" + error_summary(problems);
    body += form_open("/retention", ctx.csrf_token(), false, "card");
    body += input_field({.name = "days", .label = "Days discreet attendance stays identified",
                         .value = typed_days.empty() ? std::to_string(days) : std::string(typed_days), .type = "number",
                         .hint = fmt::format("From {} to {}. Shorter is kinder to privacy; long enough to check "
                                             "the figures of a month is usually plenty.",
                                             kMinDays, kMaxDays),
                         .attributes = fmt::format(R"(min="{}" max="{}" inputmode="numeric")", kMinDays, kMaxDays)});
    body += submit_button("Save") + form_close();
    body += "<h2>Reduce now</h2><p>Reduces every discreet session that ended more than the days above ago, at once "
            "instead of within the hour. This cannot be undone.</p>";
    body += button_form("/retention/apply", ctx.csrf_token(), "Reduce now", "button warning");
  } else {
    body += "<p>An administrator can change how long.</p>";
  }
  ctx.page("Retention", body, status);
}

void retention_page(Context& ctx) { render(ctx, "", {}, 200); }

void set_days(Context& ctx) {
  auto typed = trim(ctx.form("days"));
  auto days = parse_int(typed);
  if (!days || *days < kMinDays || *days > kMaxDays)
    return render(ctx, typed, {fmt::format("Please give a whole number of days from {} to {}.", kMinDays, kMaxDays)}, 400);
  if (auto saved = ctx.store.set_discreet_retention_days(*days); !saved)
    return ctx.store_failed(saved.error(), "retention days");
  log_info(kLog, "account {} set discreet retention to {} days", ctx.access.account_id, *days);
  ctx.redirect("/retention", fmt::format("Saved: {} days.", *days));
}

void apply_now(Context& ctx) {
  auto run = ctx.store.apply_retention(ctx.now);
  if (!run) return ctx.store_failed(run.error(), "apply retention");
  log_info(kLog, "account {} applied retention: {} sessions reduced, {} events de-identified", ctx.access.account_id,
           run->sessions_reduced, run->events_deidentified);
  ctx.redirect("/retention", fmt::format("Done: {} sessions reduced to numbers, {} check-ins no longer identified.",
                                         run->sessions_reduced, run->events_deidentified));
}

}  // namespace

void add_retention_routes(Router& router) {
  router.get("/retention", Gate::signed_in, retention_page);
  router.post("/retention", Gate::admin, set_days);
  router.post("/retention/apply", Gate::admin, apply_now);
}

}  // namespace checkin::server::dashboard
