// SPDX-License-Identifier: AGPL-3.0-or-later
// Passes for a site's people: who has a current pass, and a printable PDF sheet of wallet
// cards for the people chosen. A card prints the person's name only when asked and never
// for someone whose programs are all discreet (the card is what they carry to them).
#include <fmt/format.h>

#include <algorithm>

#include "checkin/core/log.hpp"
#include "checkin/server/local_time.hpp"
#include "checkin/server/pass_sheet.hpp"
#include "common.hpp"
#include "downloads.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr std::size_t kMostCardsAtOnce = 400;

struct SheetChoice {
  std::vector<Id> people;  // cards wanted
  std::vector<Id> names;   // of those, the ones with the name printed
  std::string paper = "a4";
  bool first_visit = true;  // nothing chosen yet: every name box starts ticked
};

bool contains(const std::vector<Id>& ids, const Id& id) { return std::ranges::find(ids, id) != ids.end(); }

void render(Context& ctx, const Id& site_id, const SheetChoice& choice, const std::vector<std::string>& problems,
            int status) {
  auto sites = visible_sites(ctx);
  if (!sites) return;
  Id chosen = site_id;
  if (chosen.empty() && sites->size() == 1) chosen = sites->front().id;
  if (!chosen.empty() && std::ranges::none_of(*sites, [&](const Site& s) { return s.id == chosen; }))
    return ctx.not_found();

  std::string body = "<p>Passes are issued on each person's page. Here you print them: choose people, then download "
                     "a PDF sheet of wallet-size cards to print and cut along the marks.</p>";
  body += R"(<form method="get" action="/passes" class="filters">)";
  std::vector<Option> site_choice{{"", "Choose a site", chosen.empty(), ""}};
  for (const auto& s : *sites) site_choice.push_back({s.id, s.name, s.id == chosen, ""});
  body += select_field("site", "Site", site_choice);
  body += R"(<div class="field">)" + submit_button("Show people", "button secondary") + "</div></form>";
  if (chosen.empty()) return ctx.page("Passes", body, status);

  auto programs = all_programs(ctx);
  if (!programs) return;
  auto people = visible_people(ctx);
  if (!people) return;
  const auto caption = site_name(*sites, chosen);

  body += error_summary(problems);
  body += form_open("/passes/sheet", ctx.csrf_token(), false, "sheet");
  body += hidden("site_id", chosen);
  body += table_open(fmt::format("People at {}", caption), {"Card", "Name on the card", "Pass"});
  int row = 0;
  int printable = 0;
  for (const auto& person : *people) {
    if (person.site_id != chosen) continue;
    ++row;
    auto passes = ctx.store.passes_of(person.id);
    if (!passes) return ctx.store_failed(passes.error(), "passes");
    auto current = current_pass(*passes, ctx.now);
    const auto label = person_label(person);
    body += "<tr>";
    if (!current) {
      body += fmt::format(R"(<td>{}</td><td>–</td><td>No current pass. <a href="/people/{}#passes-heading">Issue one</a></td>)",
                          escape(label), escape(person.id));
      body += "</tr>";
      continue;
    }
    ++printable;
    const bool card = contains(choice.people, person.id);
    body += fmt::format(
        R"(<td><div class="choice"><input type="checkbox" id="card-{0}" name="person" value="{1}"{2}><label for="card-{0}">{3}</label></div></td>)",
        row, escape(person.id), card ? " checked" : "", escape(label));
    if (only_discreet(person, *programs)) {
      body += fmt::format(
          R"(<td><div class="choice"><input type="checkbox" id="name-{0}" disabled aria-describedby="name-{0}-hint"><label for="name-{0}">Print the name of {1}</label><p class="hint" id="name-{0}-hint">Never printed: all their programs are discreet.</p></div></td>)",
          row, escape(label));
    } else {
      const bool name = choice.first_visit || contains(choice.names, person.id);
      body += fmt::format(
          R"(<td><div class="choice"><input type="checkbox" id="name-{0}" name="names" value="{1}"{2}><label for="name-{0}">Print the name of {3}</label></div></td>)",
          row, escape(person.id), name ? " checked" : "", escape(label));
    }
    body += fmt::format(R"(<td>Valid until {}</td></tr>)", escape(format_local_date(current->expires - Millis{1})));
  }
  body += table_close();
  if (row == 0) body += "<p>Nobody at this site yet.</p>";
  if (printable > 0) {
    body += radio_group("paper", "Paper",
                        {{"a4", "A4", choice.paper != "letter", ""}, {"letter", "US Letter", choice.paper == "letter", ""}});
    body += fmt::format("<p>Each card shows the pass's QR code and “{}”.</p>", escape(caption));
    body += submit_button("Download PDF sheet");
  }
  body += form_close();
  ctx.page("Passes", body, status);
}

void passes_page(Context& ctx) { render(ctx, ctx.query("site"), {}, {}, 200); }

void sheet(Context& ctx) {
  const Id site_id = ctx.form("site_id");
  auto site = visible_site(ctx, site_id);
  if (!site) return;
  SheetChoice choice{ctx.form_all("person"), ctx.form_all("names"), ctx.form("paper"), false};
  if (choice.people.empty()) return render(ctx, site_id, choice, {"Please tick at least one card to print."}, 400);
  if (choice.people.size() > kMostCardsAtOnce)
    return render(ctx, site_id, choice, {fmt::format("At most {} cards at once, please.", kMostCardsAtOnce)}, 400);
  auto programs = all_programs(ctx);
  if (!programs) return;

  std::vector<PassCard> cards;
  std::vector<std::string> problems;
  for (const auto& id : choice.people) {
    auto person = visible_person(ctx, id);
    if (!person) return;
    // The card's caption is this site's name: someone from another site is not on its list.
    if (person->site_id != site->id) return ctx.not_found();
    auto passes = ctx.store.passes_of(person->id);
    if (!passes) return ctx.store_failed(passes.error(), "passes");
    auto current = current_pass(*passes, ctx.now);
    auto text = current ? ctx.store.pass_text(current->pass_id, ctx.now) : Result<std::string>(std::string{});
    if (!text) return ctx.store_failed(text.error(), "pass text");
    if (!current || text->empty()) {
      problems.push_back(fmt::format("{} has no current pass any more.", person_label(*person)));
      continue;
    }
    PassCard card;
    card.pass_text = std::move(*text);
    if (contains(choice.names, person->id) && !only_discreet(*person, *programs)) card.name = person->preferred_name;
    card.caption = site->name;
    cards.push_back(std::move(card));
  }
  if (!problems.empty()) return render(ctx, site_id, choice, problems, 409);

  SheetOptions options;
  options.paper = choice.paper == "letter" ? SheetOptions::Paper::letter : SheetOptions::Paper::a4;
  auto pdf = render_pass_sheet_pdf(cards, options);
  if (!pdf) return ctx.store_failed(pdf.error(), "pass sheet");
  log_info(kLog, "account {} printed a sheet of {} pass cards at site {}", ctx.access.account_id, cards.size(), site->id);
  ctx.audit = AuditNote{.object_id = site->id, .site_id = site->id, .detail = fmt::format("cards={}", cards.size())};
  send_download(ctx, *pdf, "application/pdf", fmt::format("pass-cards-{}.pdf", format_local_date(ctx.now)));
}

}  // namespace

void add_pass_routes(Router& router) {
  router.get("/passes", Gate::signed_in, passes_page);
  router.post("/passes/sheet", Gate::signed_in, sheet, audited("passes.print", "site", ""));
}

}  // namespace checkin::server::dashboard
