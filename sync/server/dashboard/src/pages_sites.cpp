// SPDX-License-Identifier: AGPL-3.0-or-later
// Sites: everybody sees theirs; admins add and rename them.
#include <fmt/format.h>

#include "checkin/core/log.hpp"
#include "common.hpp"
#include "context.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

std::string add_site_form(const Context& ctx, std::string_view name) {
  std::string out = "<h2>Add a site</h2>" + form_open("/sites", ctx.csrf_token(), false, "card");
  out += input_field({.name = "name", .label = "Name of the site", .value = std::string(name),
                      .hint = "For example “Riverside Community Centre”. Kiosks and coordinators belong to a site.",
                      .autocomplete = "off"});
  out += submit_button("Add site") + form_close();
  return out;
}

void render_sites(Context& ctx, std::string_view typed, const std::vector<std::string>& problems, int status) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  std::string body;
  if (!ctx.access.is_admin())
    body += "<p>These are the sites you work with. An administrator can give you more.</p>";
  if (sites->empty()) {
    body += "<p>No sites yet.</p>";
  } else {
    std::vector<std::string> headers{"Name", "Sessions", "People"};
    if (ctx.access.is_admin()) headers.push_back("Change");
    body += table_open("Sites", headers);
    for (const auto& site : *sites) {
      body += fmt::format(R"(<tr><th scope="row">{}</th><td><a href="/sessions?site={}">Sessions</a></td><td><a href="/people?site={}">People</a></td>)",
                          escape(site.name), escape(site.id), escape(site.id));
      if (ctx.access.is_admin())
        body += fmt::format(R"(<td><a href="/sites/{}">Rename<span class="visually-hidden"> {}</span></a></td>)",
                            escape(site.id), escape(site.name));
      body += "</tr>";
    }
    body += table_close();
  }
  if (ctx.access.is_admin()) body += error_summary(problems) + add_site_form(ctx, typed);
  ctx.page("Sites", body, status);
}

void sites_page(Context& ctx) { render_sites(ctx, "", {}, 200); }

void add_site(Context& ctx) {
  std::vector<std::string> problems;
  auto name = text_input(ctx.form("name"), "the site's name", problems);
  if (!problems.empty()) return render_sites(ctx, name, problems, 400);
  auto site = ctx.store.create_site(Site{"", name});
  if (!site) return ctx.store_failed(site.error(), "create site");
  log_info(kLog, "account {} added site {}", ctx.access.account_id, site->id);
  ctx.audit.object_id = site->id;
  ctx.audit.site_id = site->id;
  ctx.redirect("/sites", fmt::format("Site “{}” added.", site->name));
}

void render_rename(Context& ctx, const Site& site, std::string_view typed, const std::vector<std::string>& problems,
                   int status) {
  std::string body = error_summary(problems);
  body += form_open(fmt::format("/sites/{}", site.id), ctx.csrf_token(), false, "card");
  body += input_field({.name = "name", .label = "Name of the site", .value = std::string(typed), .autocomplete = "off"});
  body += "<div class=\"actions\">" + submit_button("Save name") + link_button("/sites", "Cancel") + "</div>";
  body += form_close();
  ctx.page(fmt::format("Rename {}", site.name), body, status);
}

void rename_page(Context& ctx) {
  auto site = visible_site(ctx, ctx.path_param("id"));
  if (!site) return;
  render_rename(ctx, *site, site->name, {}, 200);
}

void rename_site(Context& ctx) {
  auto site = visible_site(ctx, ctx.path_param("id"));
  if (!site) return;
  std::vector<std::string> problems;
  auto name = text_input(ctx.form("name"), "the site's name", problems);
  if (!problems.empty()) return render_rename(ctx, *site, name, problems, 400);
  if (auto renamed = ctx.store.rename_site(site->id, name); !renamed) return ctx.store_failed(renamed.error(), "rename site");
  log_info(kLog, "account {} renamed site {}", ctx.access.account_id, site->id);
  ctx.redirect("/sites", "Site renamed.");
}

}  // namespace

void add_site_routes(Router& router) {
  router.get("/sites", Gate::signed_in, sites_page);
  router.post("/sites", Gate::admin, add_site, audited("site.create", "site", ""));
  router.get("/sites/{id}", Gate::admin, rename_page);
  router.post("/sites/{id}", Gate::admin, rename_site, audited("site.rename", "site"));
}

}  // namespace checkin::server::dashboard
