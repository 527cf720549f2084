// The passes of one person, on their page.
//
// >>> Passes engineer: issue / reissue / revoke / download (PNG, SVG, PDF sheet) belong here.
// Register routes in add_person_pass_routes() (e.g. POST /people/{id}/passes, Gate::signed_in)
// and load the person with visible_person() so other sites' people stay 404.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/server/local_time.hpp"
#include "common.hpp"
#include "html.hpp"
#include "pages.hpp"
#include "people_passes.hpp"

namespace checkin::server::dashboard {

std::string person_passes_section(Context& ctx, const PersonRecord& person) {
  std::string body = R"(<section aria-labelledby="passes-heading"><h2 id="passes-heading">Passes</h2>)";
  auto passes = ctx.store.passes_of(person.id);
  if (!passes) {
    body += notice("The passes could not be read just now; reload the page to try again.", "warning");
    return body + "</section>";
  }
  std::ranges::sort(*passes, std::ranges::greater{}, &PassRecord::issued_at);
  if (passes->empty()) {
    body += "<p>No pass issued yet.</p>";
  } else {
    body += table_open("Passes of this person, newest first", {"Issued", "Valid until", "Status", "Pass id"});
    for (const auto& p : *passes) {
      std::string status = p.revoked_at ? "Revoked " + format_local_date(*p.revoked_at)
                           : p.expires <= ctx.now ? std::string("Expired")
                                                  : std::string("Valid");
      body += fmt::format(R"(<tr{}><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>)",
                          status == "Valid" ? "" : R"( class="muted")", escape(format_local_datetime(p.issued_at)),
                          escape(format_local_date(p.expires)), escape(status), escape(p.pass_id.substr(0, 8)));
    }
    body += table_close();
  }
  // (pass actions go here)
  return body + "</section>";
}

void add_person_pass_routes(Router&) {}

}  // namespace checkin::server::dashboard
