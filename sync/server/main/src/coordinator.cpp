// SPDX-License-Identifier: AGPL-3.0-or-later
// The coordinator's commands: the dashboard's operations for scripts. All go through
// ServerStore. A command that makes something prints its id alone on the first line, then
// details as "name value" lines (none with --quiet); list commands print tab-separated
// rows under a header line.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "checkin/core/domain.hpp"
#include "checkin/server/import_plan.hpp"
#include "checkin/server/local_time.hpp"
#include "checkin/server/pass_sheet.hpp"
#include "checkin/server/people_csv.hpp"
#include "checkin/server/store.hpp"
#include "checkin/sync/enrolment.hpp"
#include "cli_input.hpp"
#include "command_support.hpp"

namespace checkin::server {

namespace {


constexpr const char* kTimeHelp = "local time like 2026-12-01T19:00 (server.timezone), or UTC like 2026-12-01T19:00:00Z";

// A session's or shift's --start and --end; an error message for the command otherwise.
std::optional<Error> parse_times(const std::string& start_text, const std::string& end_text, WallTime& start, WallTime& end) {
  auto s = parse_cli_time(start_text);
  auto e = parse_cli_time(end_text);
  if (!s || !e) return Error{Errc::invalid_input, fmt::format("--start and --end are a {}", kTimeHelp)};
  if (*e <= *s) return Error{Errc::invalid_input, "--end must be after --start"};
  start = *s;
  end = *e;
  return std::nullopt;
}

// The pass a person carries now: the newest one neither revoked nor expired.
std::optional<PassRecord> current_pass(const std::vector<PassRecord>& passes, WallTime now) {
  std::optional<PassRecord> newest;
  for (const auto& p : passes)
    if (!p.revoked_at && p.expires > now && (!newest || p.issued_at > newest->issued_at)) newest = p;
  return newest;
}

// DESIGN: a discreet program never shows a person's name. A card names nobody whose
// programs are all discreet (the card is what they carry to those sessions).
bool only_discreet(const PersonRecord& person, const std::vector<Program>& programs) {
  if (person.registered_programs.empty()) return false;
  return std::ranges::all_of(person.registered_programs, [&](const Id& id) {
    auto p = std::ranges::find(programs, id, &Program::id);
    return p != programs.end() && p->discreet;
  });
}

// "2027-06-30" (to the end of that day, UTC) or "2027-06-30T18:00:00Z".
bool parse_expiry(const std::string& text, WallTime& out) {
  if (parse_utc(text, out)) return true;
  if (text.size() == 10 && parse_utc(text + "T00:00:00Z", out)) {
    out += std::chrono::days{1};
    return true;
  }
  return false;
}

// The settings kiosks take from the server (kiosk/app's KioskSettings); anything else
// would be ignored by every kiosk, so it is refused here.
std::vector<std::string> kiosk_setting_names() {
  return {"language", "volume", "discreet_mode", "high_contrast", "feedback", "privacy_contact"};
}

// "What do we record?" ends with it on every kiosk, and the printed notice too.
constexpr std::size_t kMaxPrivacyContact = 160;

std::optional<std::string> kiosk_setting_problem(const std::string& name, const std::string& value) {
  if (name == "volume") {
    int volume = -1;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), volume);
    if (ec != std::errc{} || end != value.data() + value.size() || volume < 0 || volume > 100)
      return fmt::format("volume must be a whole number from 0 to 100, not '{}'", value);
  } else if (name == "discreet_mode" || name == "high_contrast" || name == "feedback") {
    if (value != "true" && value != "false") return fmt::format("{} must be true or false, not '{}'", name, value);
  } else if (name == "language") {
    bool letters = !value.empty() && value.size() <= 8 &&
                   std::ranges::all_of(value, [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
    if (!letters) return fmt::format("language must be a code such as en or es, not '{}'", value);
  } else if (name == "privacy_contact") {
    if (value.size() > kMaxPrivacyContact || value.find_first_of("\r\n") != std::string::npos)
      return fmt::format("privacy_contact is one line of at most {} bytes, such as \"Ask at reception, or write to "
                         "privacy@example.org\"",
                         kMaxPrivacyContact);
  }
  return std::nullopt;
}

}  // namespace

void add_coordinator_commands(CLI::App& app, const GlobalOptions& options, Action& action) {
  Printer out{options};

  // --- sites ---
  auto* site = app.add_subcommand("site", "Sites: the places kiosks stand");
  site->require_subcommand(1);
  {
    auto* add = site->add_subcommand("add", "Add a site; prints its id");
    auto name = std::make_shared<std::string>();
    add->add_option("NAME", *name, "The site's name")->required();
    add->callback([&action, out, name] {
      action = with_store("site add", CliAudit{"site.create", "site"}, [out, name](ServerStore& store, const ServerConfig&) {
        auto made = store.create_site(Site{{}, *name});
        if (!made) return report(made.error(), "site add");
        out.id(made->id);
        return kExitOk;
      });
    });
    auto* list = site->add_subcommand("list", "List sites: id, name");
    list->callback([&action] {
      action = with_store("site list", [](ServerStore& store, const ServerConfig&) {
        auto sites = store.sites();
        if (!sites) return report(sites.error(), "site list");
        fmt::print("id\tname\n");
        for (const auto& s : *sites) fmt::print("{}\t{}\n", s.id, cell(s.name));
        return kExitOk;
      });
    });
  }

  // --- programs ---
  auto* program = app.add_subcommand("program", "Programs: what runs in sessions");
  program->require_subcommand(1);
  {
    auto* add = program->add_subcommand("add", "Add a program; prints its id");
    auto p = std::make_shared<Program>();
    auto registration = std::make_shared<std::string>("open");
    add->add_option("--name", p->name, "The program's name")->required();
    add->add_flag("--discreet", p->discreet, "Never show the program's or a person's name");
    add->add_option("--alias", p->public_alias,
                    "A discreet program's name on kiosks, like \"Evening group, Room 2\" (default: \"A group session\"); "
                    "kiosks never receive its real name");
    add->add_flag("--anonymous", p->anonymous_allowed, "Allow anonymous check-ins (counted, not identified)");
    add->add_flag("--walk-ins", p->walk_ins_allowed, "Allow people without a pass");
    add->add_option("--registration", *registration, "open (any valid pass) or roster (registered people only)")
        ->check(CLI::IsMember({"open", "roster"}));
    add->add_flag("--checkout", p->tracks_checkout, "A later scan checks out");
    add->add_flag("--feedback", p->feedback_enabled, "Ask for a one-tap rating at check-out");
    add->callback([&action, out, p, registration] {
      p->registration = *registration == "roster" ? Registration::roster : Registration::open;
      if (!p->public_alias.empty() && !p->discreet) {
        action = [](const ServerConfig&) {
          return report(Error{Errc::invalid_input, "--alias is for discreet programs (--discreet)"}, "program add");
        };
        return;
      }
      action = with_store("program add", CliAudit{"program.create", "program"}, [out, p](ServerStore& store, const ServerConfig&) {
        auto made = store.create_program(*p);
        if (!made) return report(made.error(), "program add");
        out.id(made->id);
        return kExitOk;
      });
    });
    auto* list = program->add_subcommand("list", "List programs: id, name, flags, the alias kiosks show for a discreet one");
    list->callback([&action] {
      action = with_store("program list", [](ServerStore& store, const ServerConfig&) {
        auto programs = store.programs();
        if (!programs) return report(programs.error(), "program list");
        fmt::print("id\tname\tregistration\tdiscreet\tanonymous\twalk_ins\tcheckout\tfeedback\talias\n");
        for (const auto& p : *programs)
          fmt::print("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", p.id, cell(p.name),
                     p.registration == Registration::roster ? "roster" : "open", p.discreet, p.anonymous_allowed,
                     p.walk_ins_allowed, p.tracks_checkout, p.feedback_enabled,
                     p.public_alias.empty() ? "-" : cell(p.public_alias));
        return kExitOk;
      });
    });
  }

  // --- sessions ---
  auto* session = app.add_subcommand("session", "Sessions: one occurrence of a program at a site");
  session->require_subcommand(1);
  {
    auto* add = session->add_subcommand(
        "add", "Add a session, or a weekly series with --repeat-weekly; prints its id (a series: one id a line)");
    struct Args {
      std::string program, site, start, end, room;
      std::optional<int> capacity;
      int repeat_weekly = 0;
    };
    auto a = std::make_shared<Args>();
    add->add_option("--program", a->program, "Program id")->required();
    add->add_option("--site", a->site, "Site id")->required();
    add->add_option("--start", a->start, fmt::format("Start: {}", kTimeHelp))->required();
    add->add_option("--end", a->end, "End, the same way")->required();
    add->add_option("--room", a->room, "Room");
    add->add_option("--capacity", a->capacity, "Places; none: no limit")->check(CLI::Range(1, 100000));
    add->add_option("--repeat-weekly", a->repeat_weekly,
                    fmt::format("N sessions a week apart at the same local time (1..{}), as one series", kMaxSessionsPerCall))
        ->check(CLI::Range(1, static_cast<int>(kMaxSessionsPerCall)));
    add->callback([&action, out, a] {
      action = with_store("session add", CliAudit{"session.create", "session"}, [out, a](ServerStore& store, const ServerConfig&) {
        Session s;
        s.program_id = a->program;
        s.site_id = a->site;
        s.room = a->room;
        s.capacity = a->capacity;
        if (auto problem = parse_times(a->start, a->end, s.start, s.end)) return report(*problem, "session add");
        if (a->repeat_weekly == 0) {
          auto made = store.create_session(with_default_window(s));
          if (!made) return report(made.error(), "session add");
          out.id(made->id);
          out.detail("window {} {}", format_utc(made->window_opens), format_utc(made->window_closes));
          return kExitOk;
        }
        // Starts and ends each keep their local clock time across DST changes.
        auto starts = weekly(s.start, a->repeat_weekly);
        auto ends = weekly(s.end, a->repeat_weekly);
        std::vector<Session> series;
        for (std::size_t i = 0; i < starts.size() && i < ends.size(); ++i) {
          Session one = s;
          one.start = starts[i];
          one.end = ends[i];
          series.push_back(with_default_window(one));
        }
        auto made = store.create_sessions(std::move(series), true);
        if (!made) return report(made.error(), "session add");
        for (const auto& one : *made) out.id(one.id);
        if (!made->empty()) {
          SessionState state;
          if (auto first = store.session(made->front().id, &state); first && *first) out.detail("series {}", state.series_id);
          out.detail("first {}", format_utc(made->front().start));
          out.detail("last {}", format_utc(made->back().start));
        }
        return kExitOk;
      });
    });
  }

  // --- shifts ---
  auto* shift = app.add_subcommand("shift", "Volunteer shifts");
  shift->require_subcommand(1);
  {
    auto* add = shift->add_subcommand("add", "Add a shift with its assigned people; prints its id");
    struct Args {
      std::string site, role, start, end;
      std::vector<std::string> assign;
    };
    auto a = std::make_shared<Args>();
    add->add_option("--site", a->site, "Site id")->required();
    add->add_option("--role", a->role, "Role, e.g. greeter")->required();
    add->add_option("--start", a->start, fmt::format("Start: {}", kTimeHelp))->required();
    add->add_option("--end", a->end, "End, the same way")->required();
    add->add_option("--assign", a->assign, "Person id assigned (repeatable)");
    add->callback([&action, out, a] {
      action = with_store("shift add", CliAudit{"shift.create", "shift"}, [out, a](ServerStore& store, const ServerConfig&) {
        Shift s;
        s.site_id = a->site;
        s.role = a->role;
        s.assigned_people = a->assign;
        if (auto problem = parse_times(a->start, a->end, s.start, s.end)) return report(*problem, "shift add");
        auto made = store.create_shift(s);
        if (!made) return report(made.error(), "shift add");
        out.id(made->id);
        return kExitOk;
      });
    });
  }

  // --- people ---
  auto* person = app.add_subcommand("person", "People (a preferred name only; no surname needed)");
  person->require_subcommand(1);
  {
    auto* add = person->add_subcommand("add", "Add a person; prints their id");
    auto p = std::make_shared<PersonRecord>();
    add->add_option("--name", p->preferred_name, "Preferred name (may be empty)")->required();
    add->add_option("--language", p->language, "Language code, e.g. en or es");
    add->add_option("--register", p->registered_programs, "Register for a program id (repeatable)");
    add->add_option("--site", p->site_id, "The site they take part at (its coordinators see them; default: admins only)");
    add->callback([&action, out, p] {
      action = with_store("person add", CliAudit{"person.create", "person"}, [out, p](ServerStore& store, const ServerConfig&) {
        auto made = store.create_person(*p);
        if (!made) return report(made.error(), "person add");
        out.id(made->id);
        return kExitOk;
      });
    });

    auto* list = person->add_subcommand("list", "List people: id, name, language, site, programs");
    auto list_site = std::make_shared<std::string>();
    list->add_option("--site", *list_site, "Only this site's people (default: everyone)");
    list->callback([&action, list_site] {
      action = with_store("person list", [list_site](ServerStore& store, const ServerConfig&) {
        auto people = store.people();
        if (!people) return report(people.error(), "person list");
        fmt::print("id\tname\tlanguage\tsite\tprograms\n");
        for (const auto& p : *people) {
          if (!list_site->empty() && p.site_id != *list_site) continue;
          fmt::print("{}\t{}\t{}\t{}\t{}\n", p.id, cell(p.preferred_name), p.language.empty() ? "-" : cell(p.language),
                     p.site_id.empty() ? "-" : p.site_id, joined(p.registered_programs));
        }
        return kExitOk;
      });
    });

    auto* import_command = person->add_subcommand(
        "import", "Import people from a CSV file (columns preferred_name, language, programs): all rows or none; "
                  "prints how many");
    struct ImportArgs {
      std::filesystem::path file;
      std::string site;
      bool dry_run = false;
    };
    auto i = std::make_shared<ImportArgs>();
    import_command->add_option("FILE", i->file, "The CSV file (UTF-8; comma or semicolon separated)")->required()->check(CLI::ExistingFile);
    import_command->add_option("--site", i->site, "The site they take part at")->required();
    import_command->add_flag("--dry-run", i->dry_run, "Only show what would be imported: line, name, language, programs");
    import_command->callback([&action, out, i] {
      action = with_store("person import", i->dry_run ? CliAudit{} : CliAudit{"people.import", "site", i->site, i->site}, [out, i](ServerStore& store, const ServerConfig&) {
        // The file's content is what failed, not the command line: exit 1 whatever the error.
        auto failed = [](const Error& error) {
          fmt::print(stderr, "checkin-server person import: {}\n", error.message);
          return kExitFailed;
        };
        auto sites = store.sites();
        if (!sites) return report(sites.error(), "person import");
        if (std::ranges::find(*sites, i->site, &Site::id) == sites->end())
          return report(Error{Errc::not_found, fmt::format("no site {}", i->site)}, "person import");
        auto bytes = read_file(i->file, max_people_csv_bytes);
        if (!bytes) return failed(bytes.error());
        auto parsed = parse_people_csv(*bytes);
        if (!parsed) return failed(parsed.error());
        auto programs = store.programs();
        if (!programs) return report(programs.error(), "person import");
        auto plan = plan_import(*parsed, *programs, i->site);
        if (i->dry_run) {
          fmt::print("line\tname\tlanguage\tprograms\n");
          for (std::size_t n = 0; n < plan.people.size(); ++n) {
            const auto& p = plan.people[n];
            fmt::print("{}\t{}\t{}\t{}\n", n < plan.lines.size() ? plan.lines[n] : 0, cell(p.preferred_name),
                       p.language.empty() ? "-" : cell(p.language), joined(p.registered_programs));
          }
        }
        for (const auto& problem : plan.problems) fmt::print(stderr, "line {}: {}\n", problem.line, problem.reason);
        if (!plan.problems.empty())
          return failed(Error{Errc::invalid_input, fmt::format("{} bad row{}: nothing imported", plan.problems.size(),
                                                               plan.problems.size() == 1 ? "" : "s")});
        if (plan.people.empty()) return failed(Error{Errc::invalid_input, "the file has no people in it"});
        if (i->dry_run) return kExitOk;
        auto imported = store.import_people(std::move(plan.people));
        if (!imported) return report(imported.error(), "person import");
        out.id(std::to_string(imported->size()));
        out.detail("site {}", i->site);
        return kExitOk;
      });
    });
  }
  add_person_data_commands(*person, options, action);

  // --- pass-signing keys ---
  auto* keys = app.add_subcommand("keys", "Pass-signing keys (up to three active, the newest signs)");
  keys->require_subcommand(1);
  {
    keys->add_subcommand("new", "Create a signing key; prints its key id")->callback([&action, out] {
      action = with_store("keys new", CliAudit{"keys.new", "key"}, [out](ServerStore& store, const ServerConfig&) {
        auto made = store.create_signing_key(now_utc());
        if (!made) return report(made.error(), "keys new");
        out.id(made->key_id);
        out.detail("public_key {}", made->public_key);
        return kExitOk;
      });
    });
    keys->add_subcommand("list", "List keys: key id, public key, created, retired")->callback([&action] {
      action = with_store("keys list", [](ServerStore& store, const ServerConfig&) {
        auto all = store.signing_keys();
        if (!all) return report(all.error(), "keys list");
        fmt::print("key_id\tpublic_key\tcreated\tretired\n");
        for (const auto& k : *all)
          fmt::print("{}\t{}\t{}\t{}\n", k.key_id, k.public_key, format_utc(k.created_at), time_cell(k.retired_at));
        return kExitOk;
      });
    });
    auto* retire = keys->add_subcommand("retire", "Retire a key: it no longer signs nor verifies");
    auto id = std::make_shared<std::string>();
    retire->add_option("ID", *id, "Key id")->required();
    retire->callback([&action, out, id] {
      action = with_store("keys retire", CliAudit{"keys.retire", "key", *id}, [out, id](ServerStore& store, const ServerConfig&) {
        if (auto ok = store.retire_signing_key(*id, now_utc()); !ok) return report(ok.error(), "keys retire");
        out.id(*id);
        return kExitOk;
      });
    });
  }

  // --- passes ---
  auto* pass = app.add_subcommand("pass", "Passes: issue (reissuing revokes the earlier ones), show, print on a sheet, revoke");
  pass->require_subcommand(1);
  {
    auto* issue = pass->add_subcommand("issue", "Issue a pass for a person; prints the pass id, writes its QR code");
    struct Args {
      std::string person, expires;
      std::filesystem::path png, svg;
    };
    auto a = std::make_shared<Args>();
    issue->add_option("PERSON", a->person, "Person id")->required();
    issue->add_option("--expires", a->expires, "Expiry: YYYY-MM-DD (to the end of that day) or a UTC time; default in 365 days");
    issue->add_option("--png", a->png, "Write the QR code as PNG");
    issue->add_option("--svg", a->svg, "Write the QR code as SVG");
    issue->callback([&action, out, a] {
      action = with_store("pass issue", CliAudit{"pass.issue", "pass"}, [out, a](ServerStore& store, const ServerConfig&) {
        WallTime now = now_utc();
        WallTime expires = now + std::chrono::days{365};
        if (!a->expires.empty() && !parse_expiry(a->expires, expires))
          return report(Error{Errc::invalid_input, fmt::format("--expires '{}' is not YYYY-MM-DD or a UTC time", a->expires)},
                        "pass issue");
        if (expires <= now) return report(Error{Errc::invalid_input, "--expires is in the past"}, "pass issue");
        auto issued = store.issue_pass(a->person, expires, now);
        if (!issued) return report(issued.error(), "pass issue");
        if (auto ok = write_qr(issued->text, a->png, a->svg); !ok) return report(ok.error(), "pass issue");
        out.id(issued->record.pass_id);
        out.detail("person {}", issued->record.person_id);
        out.detail("expires {}", format_utc(issued->record.expires));
        out.detail("text {}", issued->text);
        return kExitOk;
      });
    });
    auto* show = pass->add_subcommand("show", "Write an issued pass's QR code again (a current pass: not revoked nor expired)");
    struct ShowArgs {
      std::string pass_id;
      bool png = false, svg = false;
      std::filesystem::path out;
    };
    auto sh = std::make_shared<ShowArgs>();
    show->add_option("PASS_ID", sh->pass_id, "Pass id (hex)")->required();
    auto* png_flag = show->add_flag("--png", sh->png, "As PNG");
    show->add_flag("--svg", sh->svg, "As SVG")->excludes(png_flag);
    show->add_option("--out", sh->out, "The file to write")->required();
    show->callback([&action, out, sh] {
      action = with_store("pass show", [out, sh](ServerStore& store, const ServerConfig&) {
        if (sh->png == sh->svg) return report(Error{Errc::invalid_input, "say --png or --svg"}, "pass show");
        auto text = store.pass_text(sh->pass_id, now_utc());
        if (!text) return report(text.error(), "pass show");
        auto written = sh->png ? write_qr(*text, sh->out, {}) : write_qr(*text, {}, sh->out);
        if (!written) return report(written.error(), "pass show");
        out.id(sh->pass_id);
        out.detail("text {}", *text);
        return kExitOk;
      });
    });

    auto* sheet = pass->add_subcommand(
        "sheet", "A printable PDF sheet of wallet-size cards with people's current passes (default: everyone who has one)");
    struct SheetArgs {
      std::filesystem::path out;
      std::vector<std::string> people;
      bool names = false;
      std::string paper = "a4";
    };
    auto sa = std::make_shared<SheetArgs>();
    sheet->add_option("--out", sa->out, "The PDF file to write")->required();
    sheet->add_option("--person", sa->people, "Person id (repeatable; each must have a current pass)");
    sheet->add_flag("--names", sa->names, "Print each person's name on the card (never for discreet programs' people)");
    sheet->add_option("--paper", sa->paper, "a4 (default) or letter")->check(CLI::IsMember({"a4", "letter"}));
    sheet->callback([&action, out, sa] {
      action = with_store("pass sheet", CliAudit{"passes.print", "sheet", "-"}, [out, sa](ServerStore& store, const ServerConfig& config) {
        const char* command = "pass sheet";
        auto programs = store.programs();
        if (!programs) return report(programs.error(), command);
        std::vector<PersonRecord> people;
        bool chosen = !sa->people.empty();
        if (chosen) {
          for (const auto& id : sa->people) {
            auto found = store.person(id);
            if (!found) return report(found.error(), command);
            if (!*found) return report(Error{Errc::not_found, fmt::format("no person {}", id)}, command);
            people.push_back(**found);
          }
        } else {
          auto everyone = store.people();
          if (!everyone) return report(everyone.error(), command);
          people = std::move(*everyone);
        }
        WallTime now = now_utc();
        std::vector<PassCard> cards;
        for (const auto& person : people) {
          auto passes = store.passes_of(person.id);
          if (!passes) return report(passes.error(), command);
          auto current = current_pass(*passes, now);
          if (!current) {
            if (!chosen) continue;  // everyone: those without a pass are simply not on the sheet
            return report(Error{Errc::conflict, fmt::format("person {} has no current pass (pass issue)", person.id)},
                          command);
          }
          auto text = store.pass_text(current->pass_id, now);
          if (!text) return report(text.error(), command);
          PassCard card;
          card.pass_text = *text;
          if (sa->names && !only_discreet(person, *programs)) card.name = person.preferred_name;
          card.caption = config.organisation_name;
          cards.push_back(std::move(card));
        }
        if (cards.empty()) return report(Error{Errc::not_found, "nobody has a current pass to print"}, command);
        SheetOptions sheet_options;
        sheet_options.paper = sa->paper == "letter" ? SheetOptions::Paper::letter : SheetOptions::Paper::a4;
        auto pdf = render_pass_sheet_pdf(cards, sheet_options);
        if (!pdf) return report(pdf.error(), command);
        if (auto ok = write_file(sa->out, *pdf); !ok) return report(ok.error(), command);
        out.detail("cards {}", cards.size());
        return kExitOk;
      });
    });

    auto* revoke = pass->add_subcommand("revoke", "Revoke a pass; kiosks learn it at their next sync");
    auto id = std::make_shared<std::string>();
    revoke->add_option("PASS_ID", *id, "Pass id (hex)")->required();
    revoke->callback([&action, out, id] {
      action = with_store("pass revoke", CliAudit{"pass.revoke", "pass", *id}, [out, id](ServerStore& store, const ServerConfig&) {
        if (auto ok = store.revoke_pass(*id, now_utc()); !ok) return report(ok.error(), "pass revoke");
        out.id(*id);
        return kExitOk;
      });
    });
  }

  // --- kiosk settings set centrally ---
  auto* setting = app.add_subcommand(
      "kiosk-setting", "Settings for the kiosks of a site (or all sites); a change made on a kiosk's admin screen wins there");
  setting->require_subcommand(1);
  {
    struct Args {
      std::string name, value, site;
    };
    auto a = std::make_shared<Args>();
    auto* set = setting->add_subcommand("set", "Set NAME to VALUE: language (en, es, ...), volume (0-100), "
                                               "discreet_mode (true/false), high_contrast (true/false), feedback (true/false: ask for a "
                                               "rating at check-out), privacy_contact (one line)");
    set->add_option("NAME", a->name, "Setting")->required()->check(CLI::IsMember(kiosk_setting_names()));
    set->add_option("VALUE", a->value, "Value")->required();
    set->add_option("--site", a->site, "Only this site's kiosks (default: every site)");
    set->callback([&action, out, a] {
      action = with_store("kiosk-setting set", CliAudit{"kiosk_setting.set", "setting", a->name, a->site}, [out, a](ServerStore& store, const ServerConfig&) {
        if (auto problem = kiosk_setting_problem(a->name, a->value))
          return report(Error{Errc::invalid_input, *problem}, "kiosk-setting set");
        if (auto ok = store.set_kiosk_setting(a->site, a->name, a->value); !ok) return report(ok.error(), "kiosk-setting set");
        out.id(a->name);
        return kExitOk;
      });
    });
    auto* clear = setting->add_subcommand("clear", "Clear NAME: kiosks go back to their own configuration");
    clear->add_option("NAME", a->name, "Setting")->required()->check(CLI::IsMember(kiosk_setting_names()));
    clear->add_option("--site", a->site, "Only this site's value (default: the one for every site)");
    clear->callback([&action, out, a] {
      action = with_store("kiosk-setting clear", CliAudit{"kiosk_setting.clear", "setting", a->name, a->site}, [out, a](ServerStore& store, const ServerConfig&) {
        if (auto ok = store.clear_kiosk_setting(a->site, a->name); !ok) return report(ok.error(), "kiosk-setting clear");
        out.id(a->name);
        return kExitOk;
      });
    });
    auto* list = setting->add_subcommand("list", "List the settings a site's kiosks get: name, value");
    list->add_option("--site", a->site, "The site (default: the values for every site)");
    list->callback([&action, a] {
      action = with_store("kiosk-setting list", [a](ServerStore& store, const ServerConfig&) {
        auto settings = store.kiosk_settings(a->site);
        if (!settings) return report(settings.error(), "kiosk-setting list");
        fmt::print("name\tvalue\n");
        for (const auto& [name, value] : *settings) fmt::print("{}\t{}\n", name, cell(value));
        return kExitOk;
      });
    });
  }
}

}  // namespace checkin::server
