// SPDX-License-Identifier: AGPL-3.0-or-later
// People: search, add, edit (name, language, site, programs). A coordinator sees the
// people of their sites only. Names appear here and where staff need them, never in logs.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "checkin/core/log.hpp"
#include "common.hpp"
#include "context.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"
#include "people_passes.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr std::size_t kListLimit = 500;

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_language(std::string_view tag) {
  if (tag.size() > 20) return false;
  return std::ranges::all_of(tag, [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

// Languages a person may be greeted in, by their own names: the kiosk greets in one it
// has words for (assets/i18n), else in its own. A code not listed (from an import) stays.
struct Language {
  std::string_view code, name;
};
constexpr Language kLanguages[] = {
    {"ar", "العربية (Arabic)"},   {"de", "Deutsch (German)"},  {"en", "English"},
    {"es", "Español (Spanish)"},  {"fa", "فارسی (Persian)"},    {"fr", "Français (French)"},
    {"it", "Italiano (Italian)"}, {"ko", "한국어 (Korean)"},     {"pl", "Polski (Polish)"},
    {"pt", "Português (Portuguese)"}, {"pt-BR", "Português do Brasil (Brazilian Portuguese)"},
    {"ru", "Русский (Russian)"},  {"so", "Soomaali (Somali)"}, {"tl", "Tagalog"},
    {"uk", "Українська (Ukrainian)"}, {"vi", "Tiếng Việt (Vietnamese)"}, {"zh", "中文 (Chinese)"},
};

std::string language_label(std::string_view code) {
  if (code.empty()) return "–";
  for (const auto& l : kLanguages)
    if (l.code == code) return std::string(l.name);
  return std::string(code);
}

std::vector<Option> language_choice(std::string_view chosen) {
  std::vector<Option> options{{"", "The kiosk's own language", chosen.empty(), ""}};
  bool listed = chosen.empty();
  for (const auto& l : kLanguages) {
    options.push_back({std::string(l.code), std::string(l.name), l.code == chosen, ""});
    listed = listed || l.code == chosen;
  }
  if (!listed) options.push_back({std::string(chosen), std::string(chosen), true, ""});
  return options;
}

std::string programs_text(const PersonRecord& p, const std::vector<Program>& programs) {
  std::string out;
  for (const auto& id : p.registered_programs) out += fmt::format(R"(<span class="tag">{}</span>)", escape(program_name(programs, id)));
  return out.empty() ? "–" : out;
}

void people_page(Context& ctx) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto programs = all_programs(ctx);
  if (!programs) return;
  auto people = visible_people(ctx);
  if (!people) return;
  auto q = trim(ctx.query("q"));
  Id only_site = ctx.query("site");
  if (!only_site.empty() && !require_site(ctx, only_site)) return;
  auto needle = lower(q);
  std::vector<const PersonRecord*> shown;
  for (const auto& p : *people) {
    if (!only_site.empty() && p.site_id != only_site) continue;
    if (!needle.empty() && lower(p.preferred_name).find(needle) == std::string::npos) continue;
    shown.push_back(&p);
  }

  std::string body = R"(<div class="actions">)" + link_button("/people/new", "Add a person", "button") +
                     link_button("/people/import", "Import from a spreadsheet") + "</div>";
  body += R"(<form method="get" action="/people" class="filters" role="search">)";
  body += input_field({.name = "q", .label = "Name contains", .value = q, .type = "search", .required = false,
                       .autocomplete = "off"});
  body += select_field("site", "Site", site_filter(*sites, only_site), false);
  body += R"(<div class="field">)" + submit_button("Search", "button secondary") + "</div></form>";
  if (shown.empty()) {
    body += people->empty() ? "<p>No people yet.</p>" : "<p>Nobody matches.</p>";
  } else {
    auto caption = q.empty() ? fmt::format("{} people", shown.size())
                             : fmt::format("{} people whose name contains “{}”", shown.size(), q);
    body += table_open(caption, {"Name", "Language", "Site", "Programs"});
    for (std::size_t i = 0; i < shown.size() && i < kListLimit; ++i) {
      const auto& p = *shown[i];
      body += fmt::format(R"(<tr><th scope="row"><a href="/people/{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td></tr>)",
                          escape(p.id), escape(person_label(p)), escape(language_label(p.language)),
                          escape(site_name(*sites, p.site_id)), programs_text(p, *programs));
    }
    body += table_close();
    if (shown.size() > kListLimit)
      body += fmt::format("<p>Showing the first {}. Search by name to find someone else.</p>", kListLimit);
  }
  ctx.page("People", body);
}

struct PersonForm {
  std::string name, language, site_id;
  std::vector<Id> programs;
};

PersonForm read_form(const Context& ctx) {
  return {ctx.form("preferred_name"), ctx.form("language"), ctx.form("site_id"), ctx.form_all("programs")};
}

std::string person_fields(const PersonForm& f, const std::vector<Site>& sites, const std::vector<Program>& programs) {
  std::string body = input_field({.name = "preferred_name", .label = "Preferred name", .value = f.name,
                                  .hint = "A first name or what they like to be called; no surname needed. May be left "
                                          "empty.",
                                  .required = false, .autocomplete = "off"});
  body += select_field("language", "Language", language_choice(trim(f.language)), false,
                       "The kiosk greets them in it when it has words for it, else in its own.");
  body += select_field("site_id", "Site", site_choice(sites, f.site_id), true,
                       "Where they take part. Coordinators of that site see them.");
  std::vector<Option> program_choice;
  for (const auto& p : programs)
    program_choice.push_back({p.id, p.name + (p.discreet ? " (discreet)" : ""),
                              std::ranges::find(f.programs, p.id) != f.programs.end(), ""});
  body += checkbox_group("programs", "Registered for", program_choice,
                         "Needed only for programs where only registered people can check in.");
  return body;
}

// The person the form describes; problems when it cannot be saved.
PersonRecord person_of(const PersonForm& f, const std::vector<Program>& programs, std::vector<std::string>& problems) {
  PersonRecord p;
  p.preferred_name = text_input(f.name, "preferred name", problems, true, 200);
  p.language = trim(f.language);
  if (!valid_language(p.language)) problems.push_back("The language should be a short code such as en, es or pt-BR.");
  p.site_id = f.site_id;
  if (p.site_id.empty()) problems.push_back("Please choose a site.");
  for (const auto& id : f.programs) {
    if (std::ranges::none_of(programs, [&](const Program& pr) { return pr.id == id; })) {
      problems.push_back("One of the programs ticked no longer exists; please tick them again.");
      break;
    }
    if (std::ranges::find(p.registered_programs, id) == p.registered_programs.end()) p.registered_programs.push_back(id);
  }
  return p;
}

// A posted person form, read and checked against the programs and the account's sites.
struct PostedPerson {
  PersonForm form;
  PersonRecord person;
  std::vector<std::string> problems;
};

// nullopt when the answer is already sent (the store failed, or a site the account does not see).
std::optional<PostedPerson> posted_person(Context& ctx) {
  auto programs = all_programs(ctx);
  if (!programs) return std::nullopt;
  PostedPerson posted;
  posted.form = read_form(ctx);
  if (!posted.form.site_id.empty() && !require_site(ctx, posted.form.site_id)) return std::nullopt;
  posted.person = person_of(posted.form, *programs, posted.problems);
  return posted;
}

void render_new(Context& ctx, const PersonForm& f, const std::vector<std::string>& problems, int status) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto programs = all_programs(ctx);
  if (!programs) return;
  if (sites->empty()) return ctx.page("Add a person", "<p>You need a site first.</p>", status);
  std::string body = error_summary(problems) + form_open("/people", ctx.csrf_token(), false, "card");
  body += person_fields(f, *sites, *programs);
  body += R"(<div class="actions">)" + submit_button("Add person") + link_button("/people", "Cancel") + "</div>";
  body += form_close();
  ctx.page("Add a person", body, status);
}

void new_person_page(Context& ctx) {
  PersonForm f;
  f.site_id = ctx.query("site");
  render_new(ctx, f, {}, 200);
}

void create_person(Context& ctx) {
  auto posted = posted_person(ctx);
  if (!posted) return;
  if (!posted->problems.empty()) return render_new(ctx, posted->form, posted->problems, 400);
  auto created = ctx.store.create_person(posted->person);
  if (!created) return ctx.store_failed(created.error(), "create person");
  log_info(kLog, "account {} added person {} at site {}", ctx.access.account_id, created->id, created->site_id);
  ctx.audit = AuditNote{.object_id = created->id, .site_id = created->site_id};
  ctx.redirect("/people/" + created->id, "Person added. You can issue their pass below.");
}

void render_person(Context& ctx, const PersonRecord& person, const PersonForm& f, const std::vector<std::string>& problems,
                   int status) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  auto programs = all_programs(ctx);
  if (!programs) return;
  std::string body = error_summary(problems);
  body += fmt::format(R"(<p class="person-reference">Reference <strong>{}</strong>: kiosks show it beside the name when )"
                      "staff check someone in by name, to tell people of the same name apart.</p>",
                      escape(person_reference(person.id)));
  body += form_open("/people/" + person.id, ctx.csrf_token(), false, "card");
  body += person_fields(f, *sites, *programs);
  body += submit_button("Save changes") + form_close();
  body += person_passes_section(ctx, person);
  body += person_data_section(ctx, person);
  ctx.page(person_label(person), body, status);
}

void person_page(Context& ctx) {
  auto person = visible_person(ctx, ctx.path_param("id"));
  if (!person) return;
  render_person(ctx, *person, {person->preferred_name, person->language, person->site_id, person->registered_programs}, {},
                200);
}

void update_person(Context& ctx) {
  auto existing = visible_person(ctx, ctx.path_param("id"));
  if (!existing) return;
  auto posted = posted_person(ctx);
  if (!posted) return;
  if (!posted->problems.empty()) return render_person(ctx, *existing, posted->form, posted->problems, 400);
  auto& person = posted->person;
  person.id = existing->id;
  if (auto updated = ctx.store.update_person(person); !updated) return ctx.store_failed(updated.error(), "update person");
  log_info(kLog, "account {} changed person {}", ctx.access.account_id, person.id);
  // A coordinator who moved someone to a site they do not see cannot open the page again.
  if (!ctx.access.can_see_site(person.site_id)) return ctx.redirect("/people", "Saved.");
  ctx.redirect("/people/" + person.id, "Saved.");
}

}  // namespace

void add_people_routes(Router& router) {
  router.get("/people", Gate::signed_in, people_page);
  router.get("/people/new", Gate::signed_in, new_person_page);
  router.post("/people", Gate::signed_in, create_person, audited("person.create", "person", ""));
  router.get("/people/{id}", Gate::signed_in, person_page, audited("person.view", "person"));
  router.post("/people/{id}", Gate::signed_in, update_person, audited("person.update", "person"));
}

}  // namespace checkin::server::dashboard
