// SPDX-License-Identifier: AGPL-3.0-or-later
// checkin-server attendance: what the kiosks reported, and coordinators' corrections
// (undo, move, add). A correction is recorded as events of the site's desk, reaches the
// site's kiosks through the site feed, and is written to the audit trail as done at the
// command line.
#include <fmt/format.h>

#include <algorithm>

#include "checkin/server/report_tables.hpp"
#include "command_support.hpp"
#include "commands.hpp"

namespace checkin::server {

namespace {

void print_events(const Printer& out, const std::vector<AttendanceEvent>& events) {
  for (const auto& e : events) out.detail("{} {}", to_string(e.kind), e.event_id);
}

}  // namespace

void add_attendance_commands(CLI::App& app, const GlobalOptions& options, Action& action) {
  Printer out{options};
  auto* attendance = app.add_subcommand("attendance", "Attendance as the kiosks reported it, and corrections");
  attendance->require_subcommand(1);

  {
    auto* list = attendance->add_subcommand(
        "list", "List sessions with the people counted in each: session, site, program, start, end, attended");
    struct Args {
      std::string site, from, to;
    };
    auto a = std::make_shared<Args>();
    list->add_option("--site", a->site, "Only this site's sessions (default: every site)");
    list->add_option("--from", a->from, "Sessions ending after this UTC time (default: 24 hours ago)");
    list->add_option("--to", a->to, "Sessions starting before this UTC time (default: in 24 hours)");
    list->callback([&action, a] {
      action = with_store("attendance list", [a](ServerStore& store, const ServerConfig&) {
        WallTime from = now_utc() - std::chrono::hours{24}, to = now_utc() + std::chrono::hours{24};
        if ((!a->from.empty() && !parse_utc(a->from, from)) || (!a->to.empty() && !parse_utc(a->to, to)))
          return report(Error{Errc::invalid_input, "--from and --to are UTC times like 2026-11-26T18:00:00Z"},
                        "attendance list");
        auto sites = store.sites();
        if (!sites) return report(sites.error(), "attendance list");
        auto programs = store.programs();
        if (!programs) return report(programs.error(), "attendance list");
        auto program_of = [&](const Id& id) -> const Program* {
          auto p = std::ranges::find(*programs, id, &Program::id);
          return p == programs->end() ? nullptr : &*p;
        };
        fmt::print("session\tsite\tprogram\tstart\tend\tattended\n");
        for (const auto& site : *sites) {
          if (!a->site.empty() && site.id != a->site) continue;
          auto sessions = store.sessions(site.id, from, to);
          if (!sessions) return report(sessions.error(), "attendance list");
          for (const auto& s : *sessions) {
            auto count = store.attendance_count(s.id);
            if (!count) return report(count.error(), "attendance list");
            const Program* program = program_of(s.program_id);
            // A discreet program's 1 to 4 is "fewer than 5", as in every report (report_tables.hpp).
            fmt::print("{}\t{}\t{}\t{}\t{}\t{}\n", s.id, site.id, program ? cell(program->name) : "-",
                       format_utc(s.start), format_utc(s.end), count_cell(*count, program && program->discreet));
          }
        }
        return kExitOk;
      });
    });
  }

  {
    auto* show = attendance->add_subcommand(
        "show", "A session's stays: check-in event, kind, name (none in discreet programs), in, out, how it ended, "
                "recorded by, flags");
    auto session = std::make_shared<std::string>();
    show->add_option("SESSION_ID", *session, "Session id")->required();
    show->callback([&action, session] {
      action = with_store("attendance show", CliAudit{"attendance.view", "session", *session}, [session](ServerStore& store, const ServerConfig&) {
        auto detail = store.session_attendance(*session, now_utc());
        if (!detail) return report(detail.error(), "attendance show");
        fmt::print("event\tkind\tname\tin\tout\tended\trecorded_by\tflags\n");
        for (const auto& row : detail->stays) {
          const Stay& stay = row.stay;
          const char* ended = stay.end == Stay::End::open          ? "open"
                              : stay.end == Stay::End::checked_out ? "checked_out"
                                                                   : "session_end";
          fmt::print("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", stay.checkin_event_id, to_string(stay.kind),
                     row.name.empty() ? "-" : cell(row.name), format_utc(stay.in), time_cell(stay.out), ended,
                     cell(row.device_name), flags_to_string(stay.flags).empty() ? "-" : flags_to_string(stay.flags));
        }
        return kExitOk;
      });
    });
  }

  // The corrections share their optional reason.
  struct Correction {
    std::string event, session, person, walk_in, reason;
  };
  auto c = std::make_shared<Correction>();
  {
    auto* undo = attendance->add_subcommand("undo", "Undo a check-in (the kiosks forget it); prints the undo's event id");
    undo->add_option("EVENT_ID", c->event, "The check-in's event id (attendance show lists them)")->required();
    undo->add_option("--reason", c->reason, "Why, for the audit trail (no names)");
    undo->callback([&action, out, c] {
      action = with_store("attendance undo", [out, c](ServerStore& store, const ServerConfig&) {
        auto made = store.undo_attendance(c->event, Actor::command_line(), c->reason, now_utc());
        if (!made) return report(made.error(), "attendance undo");
        out.id(made->front().event_id);
        return kExitOk;
      });
    });
  }
  {
    auto* move = attendance->add_subcommand(
        "move", "Move a check-in to another session of the same site; prints the new check-in's event id");
    move->add_option("EVENT_ID", c->event, "The check-in's event id")->required();
    move->add_option("--session", c->session, "The session it belongs to")->required();
    move->add_option("--reason", c->reason, "Why, for the audit trail (no names)");
    move->callback([&action, out, c] {
      action = with_store("attendance move", [out, c](ServerStore& store, const ServerConfig&) {
        auto made = store.move_attendance(c->event, c->session, Actor::command_line(), c->reason, now_utc());
        if (!made) return report(made.error(), "attendance move");
        out.id(made->back().event_id);
        print_events(out, *made);
        return kExitOk;
      });
    });
  }
  {
    auto* add = attendance->add_subcommand(
        "add", "Check someone in by hand (a kiosk is down): a person, or a walk-in by name; prints the event id");
    add->add_option("--session", c->session, "Session id")->required();
    auto* person = add->add_option("--person", c->person, "Person id");
    auto* walk_in = add->add_option("--walk-in", c->walk_in, "A walk-in's name or nickname");
    person->excludes(walk_in);
    add->add_option("--reason", c->reason, "Why, for the audit trail (no names)");
    add->callback([&action, out, c] {
      action = with_store("attendance add", [out, c](ServerStore& store, const ServerConfig&) {
        if (c->person.empty() == c->walk_in.empty())
          return report(Error{Errc::invalid_input, "give --person ID or --walk-in NAME"}, "attendance add");
        auto made = store.add_attendance(c->session, ManualAttendee{c->person, c->walk_in}, Actor::command_line(),
                                         c->reason, now_utc());
        if (!made) return report(made.error(), "attendance add");
        out.id(made->event_id);
        return kExitOk;
      });
    });
  }
}

}  // namespace checkin::server
