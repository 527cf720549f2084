// SPDX-License-Identifier: AGPL-3.0-or-later
// checkin-server person export / erase: a person's own data, and erasing a person. Both
// are written to the audit trail as done at the command line.
#include <fmt/format.h>

#include "checkin/server/person_data.hpp"
#include "checkin/server/person_export_files.hpp"
#include "command_support.hpp"
#include "commands.hpp"

namespace checkin::server {

void add_person_data_commands(CLI::App& person, const GlobalOptions& options, Action& action) {
  Printer out{options};
  {
    struct Args {
      std::string id;
      std::filesystem::path dir = ".";
    };
    auto a = std::make_shared<Args>();
    auto* export_command = person.add_subcommand(
        "export", "Everything held about a person, to give them: writes person-ID-DATE.json (every record) and "
                  ".html (a summary in plain words); prints the two paths");
    export_command->add_option("ID", a->id, "Person id")->required();
    export_command->add_option("--out", a->dir, "Folder to write the two files to (default: here)")
        ->check(CLI::ExistingDirectory);
    export_command->callback([&action, out, a] {
      action = with_store("person export", [out, a](ServerStore& store, const ServerConfig& config) {
        const WallTime now = now_utc();
        auto data = store.export_person(a->id, Actor::command_line(), now);
        if (!data) return report(data.error(), "person export");
        const std::filesystem::path stem = a->dir / person_export_file_stem(*data, now);
        const std::filesystem::path json = stem.string() + ".json", html = stem.string() + ".html";
        if (auto ok = write_file(json, person_export_json(*data, now)); !ok) return report(ok.error(), "person export");
        if (auto ok = write_file(html, person_export_html(*data, now, config.organisation_name)); !ok)
          return report(ok.error(), "person export");
        out.id(json.string());
        out.id(html.string());
        return kExitOk;
      });
    });
  }
  person.add_subcommand("inactive", "People without activity (check-in, shift, new pass, being added) for the "
                                    "retention's inactive days, longest first: id, name, site, last activity")
      ->callback([&action] {
        action = with_store("person inactive", [](ServerStore& store, const ServerConfig&) {
          auto people = store.inactive_people(now_utc());
          if (!people) return report(people.error(), "person inactive");
          fmt::print("id\tname\tsite\tlast_activity\n");
          for (const auto& p : *people)
            fmt::print("{}\t{}\t{}\t{}\n", p.id, p.preferred_name.empty() ? "-" : cell(p.preferred_name),
                       p.site_id.empty() ? "-" : p.site_id, time_cell(p.last_activity));
          return kExitOk;
        });
      });
  {
    struct Args {
      std::string id;
      bool yes = false;
    };
    auto a = std::make_shared<Args>();
    auto* erase = person.add_subcommand(
        "erase", "Erase a person: their name, contact details, registrations and shift assignments are deleted, "
                 "their passes revoked, their past attendance kept only as anonymous counts (reports' totals do "
                 "not change); kiosks drop them at their next sync. Cannot be undone");
    erase->add_option("ID", a->id, "Person id")->required();
    erase->add_flag("--yes", a->yes, "Confirm: without it nothing is erased");
    erase->callback([&action, out, a] {
      action = with_store("person erase", [out, a](ServerStore& store, const ServerConfig&) {
        if (!a->yes) {
          fmt::print(stderr,
                     "checkin-server person erase: erasing cannot be undone. It deletes the person's name, contact "
                     "details, registrations and shift assignments, revokes their passes and keeps their past "
                     "attendance only as anonymous counts. Run again with --yes to erase {}.\n",
                     a->id);
          return kExitUsage;
        }
        auto erased = store.erase_person(a->id, Actor::command_line(), now_utc());
        if (!erased) return report(erased.error(), "person erase");
        out.id(erased->person_id);
        out.detail("registrations_removed {}", erased->registrations_removed);
        out.detail("shift_assignments_removed {}", erased->shift_assignments_removed);
        out.detail("passes_revoked {}", erased->passes_revoked);
        out.detail("events_anonymised {}", erased->events_anonymised);
        return kExitOk;
      });
    });
  }
}

}  // namespace checkin::server
