// SPDX-License-Identifier: AGPL-3.0-or-later
// The review queue: volunteer shifts a kiosk closed by itself (the volunteer forgot to
// scan out) wait here, uncredited, until someone confirms the recorded time, sets the time
// worked, or rejects them. Decided ones are listed below with who decided.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/core/log.hpp"
#include "checkin/server/local_time.hpp"
#include "checkin/server/report_tables.hpp"
#include "common.hpp"
#include "downloads.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr int kDecidedDays = 60;

std::string name_of(const WorkedShift& w) { return w.preferred_name.empty() ? "(no name)" : w.preferred_name; }

std::string shift_text(const WorkedShift& w) {
  return fmt::format("{}, {} {}–{}", w.shift.role, format_local_date(w.shift.start), format_local_time(w.shift.start),
                     format_local_time(w.shift.end));
}

std::string hours_minutes(Millis worked) {
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(worked).count();
  return fmt::format("{} h {:02} min", minutes / 60, minutes % 60);
}

std::string decision_forms(Context& ctx, const WorkedShift& w, int row) {
  const auto base = "/review/" + url_encode(w.end_event_id);
  const auto who = name_of(w);
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(w.recorded).count();
  std::string out = R"(<div class="review-actions">)";
  out += form_open(base + "/confirm", ctx.csrf_token(), false, "inline") +
         fmt::format(R"(<button type="submit" class="button">Confirm<span class="visually-hidden"> {} for {}</span></button>)",
                     escape(hours_minutes(w.recorded)), escape(who)) +
         form_close();
  out += form_open(base + "/reject", ctx.csrf_token(), false, "inline") +
         fmt::format(R"(<button type="submit" class="button warning">Reject<span class="visually-hidden"> the shift of {}</span></button>)",
                     escape(who)) +
         form_close();
  out += form_open(base + "/edit", ctx.csrf_token(), false, "review-edit");
  out += fmt::format(R"(<fieldset><legend>Set the time {} worked</legend>)", escape(who));
  out += input_field({.name = "hours", .label = "Hours", .value = std::to_string(minutes / 60), .type = "number",
                      .attributes = R"(min="0" max="24" inputmode="numeric")", .id = fmt::format("hours-{}", row)});
  out += input_field({.name = "minutes", .label = "Minutes", .value = std::to_string(minutes % 60), .type = "number",
                      .attributes = R"(min="0" max="59" inputmode="numeric")", .id = fmt::format("minutes-{}", row)});
  out += submit_button("Save time", "button secondary") + "</fieldset>" + form_close();
  return out + "</div>";
}

std::string decided_text(const WorkedShift& w) {
  switch (w.status) {
    case ShiftStatus::confirmed: return "Confirmed as recorded";
    case ShiftStatus::edited: return "Time set to " + hours_minutes(w.credited);
    case ShiftStatus::rejected: return "Rejected: no hours";
    default: return to_string(w.status);
  }
}

void review_page(Context& ctx) {
  auto scope = site_scope(ctx, "");
  if (!scope) return;
  std::string body =
      "<p>When a volunteer forgets to scan at the end of a shift, the kiosk ends it by itself at the shift's end plus "
      "a grace period. Those hours are not counted until you decide: confirm the recorded time, set the time they "
      "really worked, or reject it.</p>";
  if (scope->nothing) return ctx.page("Review queue", body + "<p>You have no sites yet.</p>");
  auto queue = ctx.store.review_queue(scope->site_ids);
  if (!queue) return ctx.store_failed(queue.error(), "review queue");

  body += "<h2>Waiting for a decision</h2>";
  if (queue->empty()) {
    body += "<p>Nothing waiting. Well done.</p>";
  } else {
    // One card per shift rather than a wide table: the decision stays in view on a phone.
    body += fmt::format(R"(<p class="review-count">{} {} waiting, oldest first.</p>)", queue->size(),
                        queue->size() == 1 ? "shift" : "shifts");
    int row = 0;
    for (const auto& w : *queue) {
      body += fmt::format(R"(<section class="review-item card" aria-labelledby="review-{0}"><h3 id="review-{0}">{1}</h3>)",
                          row + 1, escape(name_of(w)));
      body += R"(<dl class="facts">)";
      body += fmt::format("<dt>Shift</dt><dd>{} at {}</dd>", escape(shift_text(w)), escape(w.site_name));
      body += fmt::format("<dt>Started</dt><dd>{}</dd>",
                          escape(w.started_at ? format_local_datetime(*w.started_at) : "not recorded"));
      body += fmt::format("<dt>Ended by the kiosk</dt><dd>{}</dd>", escape(format_local_datetime(w.ended_at)));
      body += fmt::format("<dt>Recorded</dt><dd>{}</dd></dl>", escape(hours_minutes(w.recorded)));
      body += decision_forms(ctx, w, ++row) + "</section>";
    }
  }

  ReportFilter recent{scope->site_ids, {}, ctx.now - std::chrono::days{kDecidedDays}, ctx.now + std::chrono::days{1}};
  auto worked = ctx.store.worked_shifts(recent);
  if (!worked) return ctx.store_failed(worked.error(), "worked shifts");
  std::vector<const WorkedShift*> decided;
  for (const auto& w : *worked)
    if (w.status == ShiftStatus::confirmed || w.status == ShiftStatus::edited || w.status == ShiftStatus::rejected)
      decided.push_back(&w);
  body += fmt::format("<h2>Decided in the last {} days</h2>", kDecidedDays);
  if (decided.empty()) {
    body += "<p>None yet.</p>";
  } else {
    body += table_open("Decided shifts", {"Volunteer", "Shift", "Recorded", "Decision", "Decided by"});
    for (const auto* w : decided)
      body += fmt::format(R"(<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>)",
                          escape(name_of(*w)), escape(shift_text(*w)), escape(hours_minutes(w->recorded)),
                          escape(decided_text(*w)), escape(w->decided_by.empty() ? "–" : w->decided_by));
    body += table_close();
  }
  ctx.page("Review queue", body);
}

// The shift end named in the path, when it is at one of the account's sites.
std::optional<WorkedShift> visible_worked_shift(Context& ctx) {
  auto found = ctx.store.worked_shift(ctx.path_param("event"));
  if (!found) {
    ctx.store_failed(found.error(), "worked shift");
    return std::nullopt;
  }
  if (!*found || !ctx.access.can_see_site((*found)->shift.site_id)) {
    ctx.not_found();
    return std::nullopt;
  }
  return std::move(**found);
}

void decide(Context& ctx, ReviewDecision decision) {
  auto worked = visible_worked_shift(ctx);
  if (!worked) return;
  std::optional<Millis> time;
  if (decision == ReviewDecision::edit) {
    auto hours = parse_int(ctx.form("hours"));
    auto minutes = parse_int(ctx.form("minutes"));
    if (!hours || !minutes || *hours < 0 || *minutes < 0 || *minutes > 59 || *hours * 60 + *minutes > 24 * 60)
      return ctx.bad_request("The time worked should be hours (0 to 24) and minutes (0 to 59).");
    time = std::chrono::minutes{*hours * 60 + *minutes};
  }
  auto done = ctx.store.review_shift(worked->end_event_id, decision, time, ctx.access.account_id, ctx.now);
  if (!done) {
    if (done.error().code == Errc::conflict)
      return ctx.redirect("/review", "Someone decided on that shift already; see below.");
    return ctx.store_failed(done.error(), "review shift");
  }
  log_info(kLog, "account {} reviewed shift end {}: {}", ctx.access.account_id, worked->end_event_id,
           decision == ReviewDecision::confirm ? "confirm" : decision == ReviewDecision::edit ? "edit" : "reject");
  // The message goes in a cookie: no name in it.
  ctx.redirect("/review", decision == ReviewDecision::confirm ? "Shift confirmed: its recorded time now counts."
                          : decision == ReviewDecision::edit  ? "Time saved: it now counts."
                                                              : "Shift rejected: it counts no hours.");
}

void confirm(Context& ctx) { decide(ctx, ReviewDecision::confirm); }
void edit(Context& ctx) { decide(ctx, ReviewDecision::edit); }
void reject(Context& ctx) { decide(ctx, ReviewDecision::reject); }

}  // namespace

void add_review_routes(Router& router) {
  router.get("/review", Gate::signed_in, review_page);
  router.post("/review/{event}/confirm", Gate::signed_in, confirm, audited_inside("shift.confirmed"));
  router.post("/review/{event}/edit", Gate::signed_in, edit, audited_inside("shift.edited"));
  router.post("/review/{event}/reject", Gate::signed_in, reject, audited_inside("shift.rejected"));
}

}  // namespace checkin::server::dashboard
