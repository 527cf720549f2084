// SPDX-License-Identifier: AGPL-3.0-or-later
// The audit trail, for admins: who changed what and who looked at identified attendance,
// newest first, filtered by account, action and dates, and as a CSV file. Entries hold ids,
// never names. Nobody changes it here: entries leave only by its retention period.
#include <fmt/format.h>

#include "checkin/server/local_time.hpp"
#include "checkin/server/report_tables.hpp"
#include "common.hpp"
#include "context.hpp"
#include "downloads.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr std::size_t kShown = 500;
constexpr std::size_t kMostInFile = 10000;

// The families of actions (the part before the dot), as the filter offers them.
const std::vector<std::pair<std::string, std::string>>& action_families() {
  static const std::vector<std::pair<std::string, std::string>> kFamilies = {
      {"", "Every action"},
      {"attendance.", "Attendance: views and corrections"},
      {"person.", "People: added, changed, looked at, exported, erased"},
      {"people.", "People: imports"},
      {"pass.", "Passes: issued, revoked"},
      {"passes.", "Pass cards printed"},
      {"report.", "Reports: looked at, downloaded"},
      {"board.", "The live board"},
      {"session.", "Sessions"},
      {"shift.", "Volunteer shifts and their reviews"},
      {"program.", "Programs"},
      {"site.", "Sites"},
      {"device.", "Kiosks: enrolment codes, names, new tokens, revocations"},
      {"kiosk_setting.", "Kiosk settings"},
      {"account.", "Accounts"},
      {"keys.", "Pass-signing keys"},
      {"retention.", "Retention"},
      {"audit.", "This trail downloaded"},
      {"demo.", "The demo data"},
  };
  return kFamilies;
}

struct AuditQuery {
  AuditFilter filter;
  DateRange range;
  std::string query_string() const {
    return fmt::format("?account={}&action={}&from={}&to={}", url_encode(filter.command_line ? "-" : filter.account_id),
                       url_encode(filter.action), url_encode(range.from_text), url_encode(range.to_text));
  }
};

AuditQuery read_query(const Context& ctx, std::size_t limit) {
  AuditQuery q{{}, date_range(ctx.query("from"), ctx.query("to"), ctx.now - std::chrono::days{30}, 31)};
  q.filter.account_id = ctx.query("account");
  q.filter.command_line = q.filter.account_id == "-";
  if (q.filter.command_line) q.filter.account_id.clear();
  q.filter.action = ctx.query("action");
  q.filter.from = q.range.from;
  q.filter.to = q.range.to;
  q.filter.limit = limit;
  return q;
}

void audit_page(Context& ctx) {
  auto accounts = ctx.store.accounts();
  if (!accounts) return ctx.store_failed(accounts.error(), "accounts");
  const auto q = read_query(ctx, kShown);
  const auto& filter = q.filter;
  const auto& range = q.range;
  auto entries = ctx.store.audit_log(filter);
  if (!entries) return ctx.store_failed(entries.error(), "audit trail");

  std::string body = "<p>Every change made in this dashboard or at the server's command line, and every time someone "
                     "looked at or downloaded who attended (a session's attendance, a person's page, reports, the "
                     "live board): the account, the time, the action and the ids concerned. It never holds an "
                     "attendee's name. Nobody can change it; entries leave only after the period on the "
                     "<a href=\"/retention\">Retention</a> page.</p>";
  if (!range.problem.empty()) body += notice(escape(range.problem), "warning");
  body += R"(<form method="get" action="/audit" class="filters">)";
  std::vector<Option> who{{"", "Every account", filter.account_id.empty(), ""},
                          {"-", "The command line", filter.command_line, ""}};
  for (const auto& a : *accounts) who.push_back({a.id, a.display_name + " (" + a.username + ")", a.id == filter.account_id, ""});
  body += select_field("account", "Account", who, false);
  std::vector<Option> actions;
  for (const auto& [value, label] : action_families()) actions.push_back({value, label, value == filter.action, ""});
  body += select_field("action", "Action", actions, false);
  body += input_field({.name = "from", .label = "From", .value = range.from_text, .type = "date", .required = false});
  body += input_field({.name = "to", .label = "To", .value = range.to_text, .type = "date", .required = false});
  body += R"(<div class="field">)" + submit_button("Show", "button secondary") + "</div></form>";
  body += fmt::format(R"(<div class="actions"><a class="button secondary" href="/audit.csv{}">Download these entries (CSV)</a></div>)",
                      escape(q.query_string()));

  if (entries->empty()) {
    body += "<p>Nothing recorded for these choices.</p>";
  } else {
    body += table_open("Audit trail, newest first", {"When", "Who", "Action", "What", "Details", "Reason"});
    for (const auto& e : *entries) {
      body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{} <code>{}</code></td><td>{}</td><td>{}</td></tr>",
                          escape(format_local_datetime(e.at)), escape(e.actor), escape(e.action),
                          escape(e.object_type), escape(e.object_id), escape(e.detail.empty() ? "–" : e.detail),
                          escape(e.reason.empty() ? "–" : e.reason));
    }
    body += table_close();
    if (entries->size() == kShown)
      body += fmt::format("<p>Showing the newest {}: narrow the dates or the account to see older ones.</p>", kShown);
  }
  ctx.page("Audit trail", body);
}

// The same choice as a file, up to kMostInFile entries.
void audit_csv_file(Context& ctx) {
  const auto q = read_query(ctx, kMostInFile);
  if (!q.range.problem.empty()) return ctx.bad_request(q.range.problem);
  auto entries = ctx.store.audit_log(q.filter);
  if (!entries) return ctx.store_failed(entries.error(), "audit trail");
  ctx.audit.detail = q.query_string().substr(1);
  send_download(ctx, audit_csv(*entries), "text/csv; charset=utf-8",
                fmt::format("audit-trail-{}-to-{}.csv", q.range.from_text, q.range.to_text));
}

}  // namespace

void add_audit_routes(Router& router) {
  router.get("/audit", Gate::admin, audit_page);
  router.get("/audit.csv", Gate::admin, audit_csv_file, audited("audit.download", "audit", ""));
}

}  // namespace checkin::server::dashboard
