// SPDX-License-Identifier: AGPL-3.0-or-later
// The privacy notice for the door: what the kiosks' "What do we record?" says, as an A4
// page to print, filled from the organisation's name, its privacy contact (the kiosk
// setting privacy_contact) and the retention periods in force.
#include <fmt/format.h>

#include "common.hpp"
#include "context.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

void privacy_notice(Context& ctx) {
  auto state = ctx.store.retention_status();
  if (!state) return ctx.store_failed(state.error(), "retention status");
  auto settings = ctx.store.kiosk_settings("");
  if (!settings) return ctx.store_failed(settings.error(), "kiosk settings");
  const auto contact = settings->contains("privacy_contact") && !settings->at("privacy_contact").empty()
                           ? settings->at("privacy_contact")
                           : std::string("Ask a volunteer or the coordinator.");
  const std::string& organisation = ctx.options.organisation_name;

  std::string body = R"(<div class="no-print"><p>Print this page (A4) and put it up by the kiosks: it says what )"
                     R"(their “What do we record?” button says, with your organisation's periods and contact. )"
                     R"(The contact is the kiosk setting <code>privacy_contact</code> )"
                     R"((<code>checkin-server kiosk-setting set privacy_contact "…"</code>); the periods are on )"
                     R"(the <a href="/retention">Retention</a> page.</p></div>)";
  body += R"(<section class="notice-sheet" aria-labelledby="notice-title">)";
  body += fmt::format(R"(<p class="notice-org">{}</p><h2 id="notice-title">What we record when you check in</h2><ul>)",
                      escape(organisation));
  const std::vector<std::string> lines = {
      "Which session you came to, and when. Your pass holds only a number, never your name.",
      fmt::format("Only the staff of {} see who came, and never who came to a support group on the kiosk's screen.",
                  organisation),
      fmt::format("Support groups: who came is kept for {} days; after that only how many came.", state->discreet_days),
      fmt::format("Other activities: who came is kept for {} days; after that only how many came.", state->other_days),
      "Feedback you give at check-out is never linked to you.",
      "You can always check in without a pass, or anonymously where that is offered.",
      fmt::format("Questions, or want your record deleted? {}", contact),
  };
  for (const auto& line : lines) body += "<li>" + escape(line) + "</li>";
  body += "</ul></section>";
  ctx.page("Privacy notice for the door", body);
}

}  // namespace

void add_privacy_notice_routes(Router& router) { router.get("/privacy-notice", Gate::signed_in, privacy_notice); }

}  // namespace checkin::server::dashboard
