// SPDX-License-Identifier: AGPL-3.0-or-later
// The audit trail, for admins: who changed what and who looked at identified attendance,
// newest first, filtered by account, action and dates. Entries hold ids, never names.
#include <fmt/format.h>

#include "checkin/server/local_time.hpp"
#include "common.hpp"
#include "context.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr std::size_t kShown = 500;

const std::vector<std::pair<std::string, std::string>>& action_families() {
  static const std::vector<std::pair<std::string, std::string>> kFamilies = {
      {"", "Every action"},
      {"attendance.", "Attendance: corrections and views"},
      {"shift.", "Volunteer shifts: reviews"},
  };
  return kFamilies;
}

void audit_page(Context& ctx) {
  auto accounts = ctx.store.accounts();
  if (!accounts) return ctx.store_failed(accounts.error(), "accounts");
  auto range = date_range(ctx.query("from"), ctx.query("to"), ctx.now - std::chrono::days{30}, 31);
  AuditFilter filter;
  filter.account_id = ctx.query("account");
  filter.command_line = filter.account_id == "-";
  filter.action = ctx.query("action");
  filter.from = range.from;
  filter.to = range.to;
  filter.limit = kShown;
  auto entries = ctx.store.audit_log(filter);
  if (!entries) return ctx.store_failed(entries.error(), "audit trail");

  std::string body = "<p>Corrections to attendance (undo, move, check-ins by hand), review decisions, kiosks renamed, "
                     "and every time someone looked at a session's attendance: the account, the time and the ids "
                     "concerned. It never holds an attendee's name.</p>";
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

}  // namespace

void add_audit_routes(Router& router) { router.get("/audit", Gate::admin, audit_page); }

}  // namespace checkin::server::dashboard
