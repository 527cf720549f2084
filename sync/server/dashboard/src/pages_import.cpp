// SPDX-License-Identifier: AGPL-3.0-or-later
// People from a spreadsheet: upload a CSV, see a preview (the good rows, and every bad row
// as "line N: reason"), then import all of them in one go, or nothing.
//
// The server keeps nothing between the preview and the import: the preview's form carries
// the file back (base64 in a hidden field), and the import reads and checks it again from
// scratch, so several servers behind a load balancer work and a changed file cannot slip by.
#include <sodium.h>

#include <fmt/format.h>

#include "checkin/core/log.hpp"
#include "checkin/server/import_plan.hpp"
#include "checkin/server/people_csv.hpp"
#include "common.hpp"
#include "context.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr std::size_t kPreviewRows = 200;  // rows shown; all are imported

std::string to_base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::optional<std::string> from_base64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &length, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  out.resize(length);
  return out;
}

std::string upload_form(Context& ctx, const std::vector<Site>& sites, const Id& site_id) {
  std::string body = form_open("/people/import/preview", ctx.csrf_token(), true, "card");
  body += select_field("site_id", "Site", site_choice(sites, site_id), true, "Everyone in the file will belong to this site.");
  body += input_field({.name = "file", .label = "Spreadsheet saved as CSV", .type = "file",
                       .hint = "In Excel or LibreOffice: File, Save as, “CSV UTF-8”.",
                       .attributes = R"(accept=".csv,text/csv")"});
  body += submit_button("Show preview") + form_close();
  return body;
}

std::string explanation() {
  return "<p>The first line names the columns; then one person per line. Nothing is stored until you have seen the "
         "preview and pressed the import button, and then everyone is imported or nobody.</p>"
         R"(<div class="table-wrap"><table class="compact"><caption>The columns</caption><thead><tr><th scope="col">Column</th>)"
         R"(<th scope="col">What goes in it</th></tr></thead><tbody>)"
         R"(<tr><th scope="row">preferred_name</th><td>A first name or nickname (may be empty). “name” works too.</td></tr>)"
         R"(<tr><th scope="row">language</th><td>Optional: en, es, fr, pt-BR…</td></tr>)"
         R"(<tr><th scope="row">programs</th><td>Optional: program names, several separated by | or ;</td></tr>)"
         "</tbody></table></div>";
}

void import_page(Context& ctx) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  if (sites->empty()) return ctx.page("Import people", "<p>You need a site first.</p>");
  ctx.page("Import people", explanation() + upload_form(ctx, *sites, ctx.query("site")));
}

// Reads and checks the file for the site: the plan, or the page already answered.
std::optional<ImportPlan> plan_for(Context& ctx, std::string_view file, const Id& site_id, const std::vector<Site>& sites) {
  auto retry = [&](std::string_view message) {
    ctx.page("Import people",
             notice(fmt::format("<p>{}</p><p>Nothing was imported.</p>", escape(message)), "warning") + explanation() +
                 upload_form(ctx, sites, site_id),
             400);
  };
  if (file.empty()) {
    retry("Please choose the file to import.");
    return std::nullopt;
  }
  auto parsed = parse_people_csv(file);
  if (!parsed) {
    retry(parsed.error().message);
    return std::nullopt;
  }
  auto programs = all_programs(ctx);
  if (!programs) return std::nullopt;
  return plan_import(*parsed, *programs, site_id);
}

void render_preview(Context& ctx, const ImportPlan& plan, std::string_view file, const Site& site, std::string_view note) {
  auto programs = all_programs(ctx);
  if (!programs) return;
  std::string body;
  if (!note.empty()) body += notice(escape(note), "warning");
  auto problems = plan.problems.empty()       ? std::string("no line has a problem")
                  : plan.problems.size() == 1 ? std::string("1 line has a problem")
                                              : fmt::format("{} lines have problems", plan.problems.size());
  body += fmt::format("<p>From the file, for <strong>{}</strong>: {} {} ready to import; {}.</p>", escape(site.name),
                      plan.people.size(), plan.people.size() == 1 ? "person is" : "people are", problems);
  if (!plan.problems.empty()) {
    body += table_open("Lines with problems (the line numbers are the spreadsheet's rows)", {"Line", "Problem"}, true);
    for (const auto& p : plan.problems)
      body += fmt::format(R"(<tr><th scope="row">line {}</th><td>{}</td></tr>)", p.line, escape(p.reason));
    body += table_close();
  }
  if (plan.problems.empty() && !plan.people.empty()) {
    body += form_open("/people/import", ctx.csrf_token(), true, "card");
    body += hidden("site_id", site.id);
    body += hidden("expected", std::to_string(plan.people.size()));
    body += hidden("file", to_base64(file));
    body += fmt::format("<p>Everyone below will be added to {}.</p>", escape(site.name));
    body += R"(<div class="actions">)" + submit_button(fmt::format("Import {} people", plan.people.size())) +
            link_button("/people/import", "Choose another file") + "</div>";
    body += form_close();
  } else if (!plan.problems.empty()) {
    body += notice(fmt::format("<p><strong>Nothing can be imported yet.</strong> Fix the {} listed above in your "
                               "spreadsheet (or delete them), save it as CSV UTF-8 again and upload it again. "
                               "Nothing has been imported: it is all of the file or nothing, so nobody is added twice.</p>",
                               plan.problems.size() == 1 ? "line" : "lines"),
                   "warning");
    body += upload_form(ctx, std::vector<Site>{site}, site.id);
  } else {
    body += notice("The file has no people in it.", "warning") + upload_form(ctx, std::vector<Site>{site}, site.id);
  }
  if (!plan.people.empty()) {
    body += table_open(fmt::format("Ready to import ({} people)", plan.people.size()), {"Line", "Preferred name", "Language", "Programs"});
    for (std::size_t i = 0; i < plan.people.size() && i < kPreviewRows; ++i) {
      const auto& person = plan.people[i];
      std::string registered;
      for (const auto& id : person.registered_programs)
        registered += (registered.empty() ? "" : ", ") + program_name(*programs, id);
      body += fmt::format(R"(<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>)",
                          i < plan.lines.size() ? plan.lines[i] : 0, escape(person_label(person)),
                          escape(person.language.empty() ? "–" : person.language), escape(registered.empty() ? "–" : registered));
    }
    body += table_close();
    if (plan.people.size() > kPreviewRows)
      body += fmt::format("<p>The first {} are shown; all {} will be imported.</p>", kPreviewRows, plan.people.size());
  }
  ctx.page("Import people: preview", body);
}

void preview(Context& ctx) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto site_id = ctx.form("site_id");
  if (site_id.empty())
    return ctx.page("Import people", error_summary({"Please choose a site."}) + upload_form(ctx, *sites, site_id), 400);
  auto site = visible_site(ctx, site_id);
  if (!site) return;
  auto file = ctx.upload("file");
  auto plan = plan_for(ctx, file, site->id, *sites);
  if (!plan) return;
  log_info(kLog, "account {} previewed an import for site {}: {} good, {} bad lines", ctx.access.account_id, site->id,
           plan->people.size(), plan->problems.size());
  render_preview(ctx, *plan, file, *site, "");
}

void import_people(Context& ctx) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto site = visible_site(ctx, ctx.form("site_id"));
  if (!site) return;
  auto file = from_base64(ctx.form("file"));
  if (!file) return ctx.bad_request("The file did not come back whole; please upload it again.");
  // Everything is checked again: the programs may have changed since the preview.
  auto plan = plan_for(ctx, *file, site->id, *sites);
  if (!plan) return;
  if (!plan->problems.empty() || plan->people.empty() || std::to_string(plan->people.size()) != ctx.form("expected"))
    return render_preview(ctx, *plan, *file, *site,
                          "Something changed since the preview (a program, perhaps). Nothing was imported; check the "
                          "preview again.");
  auto imported = ctx.store.import_people(plan->people);
  if (!imported) {
    if (imported.error().code == Errc::not_found || imported.error().code == Errc::invalid_input)
      return render_preview(ctx, *plan, *file, *site,
                            "Nothing was imported: " + imported.error().message + ". Check the preview again.");
    return ctx.store_failed(imported.error(), "import people");
  }
  log_info(kLog, "account {} imported {} people at site {}", ctx.access.account_id, imported->size(), site->id);
  ctx.audit = AuditNote{.object_id = site->id, .site_id = site->id, .detail = fmt::format("people={}", imported->size())};
  ctx.redirect(fmt::format("/people?site={}", url_encode(site->id)), fmt::format("{} people imported.", imported->size()));
}

}  // namespace

void add_import_routes(Router& router) {
  router.get("/people/import", Gate::signed_in, import_page);
  router.post("/people/import/preview", Gate::signed_in, preview, not_recorded());
  router.post("/people/import", Gate::signed_in, import_people, audited("people.import", "site", ""));
}

}  // namespace checkin::server::dashboard
