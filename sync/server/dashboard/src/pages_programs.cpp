// SPDX-License-Identifier: AGPL-3.0-or-later
// Programs: organisation-wide. Everybody reads them; admins add and change them.
#include <fmt/format.h>

#include "checkin/core/log.hpp"
#include "common.hpp"
#include "context.hpp"
#include "guard.hpp"
#include "html.hpp"
#include "pages.hpp"

namespace checkin::server::dashboard {

namespace {

constexpr std::string_view kDiscreetHelp =
    "For programs where being seen to attend is sensitive (for example a mental-health support group). Kiosks never "
    "show, say or print the program's name or anyone's name for it; exports give counts below 5 as “fewer than 5”; "
    "who attended is kept only for the days set under retention, then only counts.";
constexpr std::string_view kAnonymousHelp =
    "People can tap “Check in anonymously” on the kiosk: they are counted, but not identified.";
constexpr std::string_view kWalkInsHelp =
    "People without a pass can check in on the kiosk by typing a first name or nickname (or nothing).";
constexpr std::string_view kCheckoutHelp = "A second scan of the same pass checks the person out again.";
constexpr std::string_view kFeedbackHelp =
    "At check-out the kiosk asks for an optional one-tap rating. Ratings are stored without any link to the person.";

constexpr std::size_t kMaxAliasBytes = 60;  // a session card's title line

std::string registration_text(Registration r) {
  return r == Registration::open ? "Anyone with a pass" : "Registered people only";
}

std::string flags_text(const Program& p) {
  std::string out;
  auto tag = [&](std::string_view text) { out += fmt::format(R"(<span class="tag">{}</span>)", text); };
  if (p.discreet) tag("Discreet");
  if (p.anonymous_allowed) tag("Anonymous check-in");
  if (p.walk_ins_allowed) tag("Walk-ins");
  if (p.tracks_checkout) tag("Check-out");
  if (p.feedback_enabled) tag("Feedback");
  return out.empty() ? "–" : out;
}

void programs_page(Context& ctx) {
  auto programs = all_programs(ctx);
  if (!programs) return;
  std::string body;
  if (ctx.access.is_admin())
    body += R"(<div class="actions">)" + link_button("/programs/new", "Add a program", "button") + "</div>";
  else
    body += "<p>Programs are the same at every site. An administrator adds and changes them.</p>";
  if (programs->empty()) {
    body += "<p>No programs yet.</p>";
  } else {
    body += table_open("Programs", {"Name", "Who can check in", "Settings"});
    for (const auto& p : *programs)
      body += fmt::format(R"(<tr><th scope="row"><a href="/programs/{}">{}</a></th><td>{}</td><td>{}</td></tr>)",
                          escape(p.id), escape(p.name), registration_text(p.registration), flags_text(p));
    body += table_close();
  }
  ctx.page("Programs", body);
}

std::string program_form(const Context& ctx, std::string_view action, const Program& p, std::string_view button) {
  std::string body = form_open(action, ctx.csrf_token(), false, "card");
  body += input_field({.name = "name", .label = "Name", .value = p.name,
                       .hint = "As staff see it, for example “Tuesday peer support”.", .autocomplete = "off"});
  body += radio_group("registration", "Who can check in",
                      {{"open", "Anyone with a valid pass", p.registration == Registration::open, ""},
                       {"roster", "Only people registered for this program", p.registration == Registration::roster,
                        "Register people on their page or in the spreadsheet import. Others are asked to see a volunteer."}});
  body += "<fieldset class=\"choices\"><legend>Settings</legend>";
  body += checkbox_field("discreet", "Discreet", p.discreet, kDiscreetHelp);
  body += input_field({.name = "public_alias", .label = "Name on kiosks, for a discreet program", .value = p.public_alias,
                       .hint = "Kiosks never receive a discreet program's name: they show this instead, for example "
                               "“Evening group · Room 2”, so that two groups at once can be told apart. Leave it "
                               "empty to show “A group session”. Choose words that do not say what the group is about.",
                       .required = false, .autocomplete = "off"});
  body += checkbox_field("anonymous_allowed", "Allow anonymous check-in", p.anonymous_allowed, kAnonymousHelp);
  body += checkbox_field("walk_ins_allowed", "Allow walk-ins without a pass", p.walk_ins_allowed, kWalkInsHelp);
  body += checkbox_field("tracks_checkout", "Check people out", p.tracks_checkout, kCheckoutHelp);
  body += checkbox_field("feedback_enabled", "Ask for feedback at check-out", p.feedback_enabled, kFeedbackHelp);
  body += "</fieldset>";
  body += R"(<div class="actions">)" + submit_button(button) + link_button("/programs", "Cancel") + "</div>";
  body += form_close();
  return body;
}

// The program as the form describes it; problems when it cannot be saved.
Program read_program(Context& ctx, Id id, std::vector<std::string>& problems) {
  Program p;
  p.id = std::move(id);
  p.name = text_input(ctx.form("name"), "the program's name", problems);
  auto registration = ctx.form("registration");
  if (registration == "roster") p.registration = Registration::roster;
  else if (registration == "open") p.registration = Registration::open;
  else problems.push_back("Please choose who can check in.");
  p.discreet = ctx.form("discreet") == "1";
  p.public_alias = p.discreet ? trim(ctx.form("public_alias")) : std::string();  // kiosks show open programs' names
  if (p.public_alias.size() > kMaxAliasBytes)
    problems.push_back(fmt::format("The name on kiosks can have at most {} characters.", kMaxAliasBytes));
  p.anonymous_allowed = ctx.form("anonymous_allowed") == "1";
  p.walk_ins_allowed = ctx.form("walk_ins_allowed") == "1";
  p.tracks_checkout = ctx.form("tracks_checkout") == "1";
  p.feedback_enabled = ctx.form("feedback_enabled") == "1";
  return p;
}

void new_program_page(Context& ctx) { ctx.page("Add a program", program_form(ctx, "/programs", Program{}, "Add program")); }

void create_program(Context& ctx) {
  std::vector<std::string> problems;
  auto program = read_program(ctx, "", problems);
  if (!problems.empty())
    return ctx.page("Add a program", error_summary(problems) + program_form(ctx, "/programs", program, "Add program"), 400);
  auto created = ctx.store.create_program(program);
  if (!created) return ctx.store_failed(created.error(), "create program");
  log_info(kLog, "account {} added program {}", ctx.access.account_id, created->id);
  ctx.audit.object_id = created->id;
  ctx.redirect("/programs", fmt::format("Program “{}” added.", created->name));
}

void program_page(Context& ctx) {
  auto program = find_program(ctx, ctx.path_param("id"));
  if (!program) return;
  if (ctx.access.is_admin())
    return ctx.page(fmt::format("Program {}", program->name),
                    program_form(ctx, "/programs/" + program->id, *program, "Save changes"));
  std::string body = "<dl class=\"facts\">";
  body += "<dt>Who can check in</dt><dd>" + registration_text(program->registration) + "</dd>";
  auto yes_no = [](bool on) { return on ? "Yes" : "No"; };
  body += fmt::format("<dt>Discreet</dt><dd>{}<p class=\"hint\">{}</p></dd>", yes_no(program->discreet), escape(kDiscreetHelp));
  body += fmt::format("<dt>Anonymous check-in</dt><dd>{}<p class=\"hint\">{}</p></dd>", yes_no(program->anonymous_allowed),
                      escape(kAnonymousHelp));
  body += fmt::format("<dt>Walk-ins</dt><dd>{}<p class=\"hint\">{}</p></dd>", yes_no(program->walk_ins_allowed),
                      escape(kWalkInsHelp));
  body += fmt::format("<dt>Check-out</dt><dd>{}</dd>", yes_no(program->tracks_checkout));
  body += fmt::format("<dt>Feedback</dt><dd>{}</dd></dl>", yes_no(program->feedback_enabled));
  body += "<p>Only an administrator can change a program.</p>";
  ctx.page(fmt::format("Program {}", program->name), body);
}

void update_program(Context& ctx) {
  auto existing = find_program(ctx, ctx.path_param("id"));
  if (!existing) return;
  std::vector<std::string> problems;
  auto program = read_program(ctx, existing->id, problems);
  if (!problems.empty())
    return ctx.page(fmt::format("Program {}", existing->name),
                    error_summary(problems) + program_form(ctx, "/programs/" + existing->id, program, "Save changes"), 400);
  if (auto updated = ctx.store.update_program(program); !updated) return ctx.store_failed(updated.error(), "update program");
  log_info(kLog, "account {} changed program {}", ctx.access.account_id, program.id);
  ctx.redirect("/programs", fmt::format("Program “{}” saved.", program.name));
}

}  // namespace

void add_program_routes(Router& router) {
  router.get("/programs", Gate::signed_in, programs_page);
  router.get("/programs/new", Gate::admin, new_program_page);
  router.post("/programs", Gate::admin, create_program, audited("program.create", "program", ""));
  router.get("/programs/{id}", Gate::signed_in, program_page);
  router.post("/programs/{id}", Gate::admin, update_program, audited("program.update", "program"));
}

}  // namespace checkin::server::dashboard
