// SPDX-License-Identifier: AGPL-3.0-or-later
// A person's own data: their export (JSON of every record, and a summary in plain words)
// for whoever sees the person, and erasing them (admins only, after a page that says
// exactly what happens). The store writes both to the audit trail.
#include <fmt/format.h>

#include "checkin/core/log.hpp"
#include "checkin/server/person_data.hpp"
#include "checkin/server/person_export_files.hpp"
#include "common.hpp"
#include "context.hpp"
#include "downloads.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {


// The export of the person in the path, audited; nullopt when answered already.
std::optional<PersonExport> exported_person(Context& ctx) {
  auto person = visible_person(ctx, ctx.path_param("id"));
  if (!person) return std::nullopt;
  auto data = ctx.store.export_person(person->id, ctx.actor(), ctx.now);
  if (!data) {
    ctx.store_failed(data.error(), "export person");
    return std::nullopt;
  }
  log_info(kLog, "account {} exported person {}", ctx.access.account_id, person->id);
  return std::move(*data);
}

void export_json(Context& ctx) {
  auto data = exported_person(ctx);
  if (!data) return;
  send_download(ctx, person_export_json(*data, ctx.now), "application/json; charset=utf-8",
                person_export_file_stem(*data, ctx.now) + ".json");
}

void export_html(Context& ctx) {
  auto data = exported_person(ctx);
  if (!data) return;
  send_download(ctx, person_export_html(*data, ctx.now, ctx.options.organisation_name), "text/html; charset=utf-8",
                person_export_file_stem(*data, ctx.now) + ".html");
}

void erase_page(Context& ctx) {
  auto person = visible_person(ctx, ctx.path_param("id"));
  if (!person) return;
  const std::string name = escape(person_label(*person));
  std::string body = fmt::format(
      "<p>Erasing {} cannot be undone. When you press the button below:</p><ul>"
      "<li>their name, contact details and every other detail of their record are deleted;</li>"
      "<li>their registrations for programs and their volunteer shift assignments are deleted;</li>"
      "<li>their passes are revoked: a kiosk refuses them from its next sync on;</li>"
      "<li>their past attendance and volunteer hours are kept only as anonymous counts, so reports' totals "
      "do not change, but no report, list or board shows them again;</li>"
      "<li>kiosks remove them from their list of expected people at their next sync.</li></ul>"
      "<p>The audit trail records that your account erased the record with this number: {} (never the name). "
      "Backups made before today still hold the person until they expire (see the backup guide): tell the "
      "person so if they ask.</p>"
      "<p>Before erasing, you may want to give them their data: "
      "<a href=\"/people/{}/export.json\">everything held (JSON)</a> and "
      "<a href=\"/people/{}/export.html\">a summary in plain words</a>.</p>",
      name, escape(person->id), escape(person->id), escape(person->id));
  body += confirm_actions("/people/" + person->id + "/erase", ctx.csrf_token(), "Yes, erase this person",
                          "/people/" + person->id, "No, keep them");
  ctx.page(fmt::format("Erase {}?", person_label(*person)), body);
}

void erase_person(Context& ctx) {
  auto person = visible_person(ctx, ctx.path_param("id"));
  if (!person) return;
  auto erased = ctx.store.erase_person(person->id, ctx.actor(), ctx.now);
  if (!erased) return ctx.store_failed(erased.error(), "erase person");
  log_info(kLog, "account {} erased person {}", ctx.access.account_id, person->id);
  ctx.redirect("/people", fmt::format("Erased. {} passes revoked; {} check-ins and shifts kept as anonymous counts.",
                                      erased->passes_revoked, erased->events_anonymised));
}

}  // namespace

std::string person_data_section(const Context& ctx, const PersonRecord& person) {
  std::string body = R"(<section aria-labelledby="data-heading"><h2 id="data-heading">Their data</h2>)"
                     "<p>Give a person what is held about them when they ask: every record (JSON) and a summary "
                     "in plain words to read or print. Each download is recorded in the audit trail.</p>";
  body += R"(<div class="actions">)" + link_button("/people/" + person.id + "/export.json", "Download their data (JSON)") +
          link_button("/people/" + person.id + "/export.html", "Download the summary (HTML)");
  if (ctx.access.is_admin()) body += link_button("/people/" + person.id + "/erase", "Erase this person…", "button warning");
  return body + "</div></section>";
}

void add_person_data_routes(Router& router) {
  router.get("/people/{id}/export.json", Gate::signed_in, export_json, audited_inside("person.export"));
  router.get("/people/{id}/export.html", Gate::signed_in, export_html, audited_inside("person.export"));
  router.get("/people/{id}/erase", Gate::admin, erase_page);
  router.post("/people/{id}/erase", Gate::admin, erase_person, audited_inside("person.erase"));
}

}  // namespace checkin::server::dashboard
