// SPDX-License-Identifier: AGPL-3.0-or-later
// `report`, `review` and `retention`: the dashboard's reports as CSV files for scripts,
// the review queue of auto-closed shifts, and how long discreet attendance stays
// identified. The CSV and the privacy rules (small counts, discreet programs) come from
// sync/server/coordinator's report_tables, the same as the dashboard's downloads.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <charconv>
#include <cstdio>
#include <optional>

#include "checkin/server/report_tables.hpp"
#include "checkin/server/store.hpp"
#include "cli_input.hpp"
#include "command_support.hpp"

namespace checkin::server {

namespace {

// The command line is an admin: decisions it records carry this account id.
constexpr const char* kCliAccount = "cli";

// "-" writes to standard output.
Result<void> write_output(const std::filesystem::path& out, const std::string& content) {
  if (out == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    return {};
  }
  return write_file(out, content);
}

// The filter's site, checked: an unknown id is an error rather than an empty report.
Result<void> check_site_and_program(ServerStore& store, const Id& site_id, const Id& program_id) {
  if (!site_id.empty()) {
    auto sites = store.sites();
    if (!sites) return std::unexpected(sites.error());
    if (std::ranges::find(*sites, site_id, &Site::id) == sites->end())
      return fail(Errc::not_found, fmt::format("no site {}", site_id));
  }
  if (!program_id.empty()) {
    auto programs = store.programs();
    if (!programs) return std::unexpected(programs.error());
    if (std::ranges::find(*programs, program_id, &Program::id) == programs->end())
      return fail(Errc::not_found, fmt::format("no program {}", program_id));
  }
  return {};
}

struct ReportArgs {
  std::string from, to, site, program, by = "session", period = "month";
  bool shifts = false;
  std::filesystem::path out;
};

Result<ReportFilter> filter_of(ServerStore& store, const ReportArgs& a) {
  auto range = parse_date_range(a.from, a.to);
  if (!range) return std::unexpected(range.error());
  if (auto ok = check_site_and_program(store, a.site, a.program); !ok) return std::unexpected(ok.error());
  ReportFilter filter;
  if (!a.site.empty()) filter.site_ids = {a.site};
  filter.program_id = a.program;
  filter.from = range->from;
  filter.to = range->to;
  return filter;
}

// The CSV and its number of data rows.
struct Table {
  std::string csv;
  std::size_t rows = 0;
};

Result<Table> attendance_table(ServerStore& store, const ReportArgs& a) {
  auto filter = filter_of(store, a);
  if (!filter) return std::unexpected(filter.error());
  if (a.by == "person") {
    auto records = store.attendance_records(*filter, now_utc());
    if (!records) return std::unexpected(records.error());
    return Table{attendance_records_csv(*records), records->size()};
  }
  auto sessions = store.attendance_by_session(*filter);
  if (!sessions) return std::unexpected(sessions.error());
  if (a.by == "program") {
    auto totals = program_totals(*sessions);
    return Table{program_totals_csv(totals), totals.size()};
  }
  return Table{attendance_csv(*sessions), sessions->size()};
}

Result<Table> seen_twice_table(ServerStore& store, const ReportArgs& a) {
  auto filter = filter_of(store, a);
  if (!filter) return std::unexpected(filter.error());
  auto rows = store.passes_seen_twice(*filter, now_utc());
  if (!rows) return std::unexpected(rows.error());
  return Table{passes_seen_twice_csv(*rows), rows->size()};
}

Result<Table> feedback_table(ServerStore& store, const ReportArgs& a) {
  auto filter = filter_of(store, a);
  if (!filter) return std::unexpected(filter.error());
  auto sessions = store.feedback_by_session(*filter);
  if (!sessions) return std::unexpected(sessions.error());
  auto weeks = feedback_weeks(*sessions);
  return Table{feedback_csv(weeks), weeks.size()};
}

Result<Table> volunteer_table(ServerStore& store, const ReportArgs& a) {
  auto filter = filter_of(store, a);
  if (!filter) return std::unexpected(filter.error());
  filter->program_id.clear();
  auto shifts = store.worked_shifts(*filter);
  if (!shifts) return std::unexpected(shifts.error());
  if (a.shifts) return Table{worked_shifts_csv(*shifts), shifts->size()};
  auto rows = volunteer_hours(*shifts, *period_from_string(a.period));
  return Table{volunteer_hours_csv(rows), rows.size()};
}

void add_report_options(CLI::App* command, ReportArgs& a) {
  command->add_option("--from", a.from, "First day, local date like 2026-11-01")->required();
  command->add_option("--to", a.to, "Last day (included), local date like 2026-11-30")->required();
  command->add_option("--site", a.site, "Only this site (default: every site)");
  command->add_option("--out", a.out, "Write the CSV here (UTF-8 with BOM, for LibreOffice and Excel); - for stdout")
      ->required();
}

}  // namespace

void add_report_commands(CLI::App& app, const GlobalOptions& options, Action& action) {
  Printer out{options};

  // --- reports ---
  auto* report_command = app.add_subcommand("report", "Reports as CSV files (small discreet counts show as \"fewer than 5\")");
  report_command->require_subcommand(1);
  {
    auto* attendance = report_command->add_subcommand(
        "attendance", "Attendance: by session (default), by program (totals), or by person (never discreet programs)");
    auto a = std::make_shared<ReportArgs>();
    add_report_options(attendance, *a);
    attendance->add_option("--program", a->program, "Only this program (default: every program)");
    attendance->add_option("--by", a->by, "session, program or person")->check(CLI::IsMember({"session", "program", "person"}));
    attendance->callback([&action, out, a] {
      action = with_store("report attendance", CliAudit{"report.download", "report", "attendance-by-" + a->by, a->site}, [out, a](ServerStore& store, const ServerConfig&) {
        auto table = attendance_table(store, *a);
        if (!table) return report(table.error(), "report attendance");
        if (auto ok = write_output(a->out, table->csv); !ok) return report(ok.error(), "report attendance");
        if (a->out != "-") out.detail("rows {}", table->rows);
        return kExitOk;
      });
    });

    auto* twice = report_command->add_subcommand(
        "seen-twice", "Passes a kiosk accepted again while their holder was already in (two doors at once: a shared "
                      "or copied pass, or a door that was offline); discreet programs without whose pass");
    auto tw = std::make_shared<ReportArgs>();
    add_report_options(twice, *tw);
    twice->callback([&action, out, tw] {
      action = with_store("report seen-twice", CliAudit{"report.download", "report", "passes-seen-twice", tw->site},
                          [out, tw](ServerStore& store, const ServerConfig&) {
                            auto table = seen_twice_table(store, *tw);
                            if (!table) return report(table.error(), "report seen-twice");
                            if (auto ok = write_output(tw->out, table->csv); !ok) return report(ok.error(), "report seen-twice");
                            if (tw->out != "-") out.detail("rows {}", table->rows);
                            return kExitOk;
                          });
    });

    auto* feedback = report_command->add_subcommand(
        "feedback", "Check-out ratings per program and week: answers, how many gave 1 to 5, average (a discreet "
                    "program's week with fewer than 5 answers shows \"fewer than 5\")");
    auto fb = std::make_shared<ReportArgs>();
    add_report_options(feedback, *fb);
    feedback->add_option("--program", fb->program, "Only this program (default: every program)");
    feedback->callback([&action, out, fb] {
      action = with_store("report feedback", CliAudit{"report.download", "report", "feedback-by-week", fb->site},
                          [out, fb](ServerStore& store, const ServerConfig&) {
                            auto table = feedback_table(store, *fb);
                            if (!table) return report(table.error(), "report feedback");
                            if (auto ok = write_output(fb->out, table->csv); !ok) return report(ok.error(), "report feedback");
                            if (fb->out != "-") out.detail("rows {}", table->rows);
                            return kExitOk;
                          });
    });

    auto* hours = report_command->add_subcommand(
        "volunteer-hours", "Volunteers' credited hours per person and period (shifts awaiting review counted apart)");
    auto h = std::make_shared<ReportArgs>();
    add_report_options(hours, *h);
    hours->add_option("--period", h->period, "week (from Monday), month (default) or all")
        ->check(CLI::IsMember({"week", "month", "all"}));
    hours->add_flag("--shifts", h->shifts, "One row per worked shift with its status, instead of totals");
    hours->callback([&action, out, h] {
      action = with_store("report volunteer-hours", CliAudit{"report.download", "report", h->shifts ? "worked-shifts" : "volunteer-hours", h->site}, [out, h](ServerStore& store, const ServerConfig&) {
        auto table = volunteer_table(store, *h);
        if (!table) return report(table.error(), "report volunteer-hours");
        if (auto ok = write_output(h->out, table->csv); !ok) return report(ok.error(), "report volunteer-hours");
        if (h->out != "-") out.detail("rows {}", table->rows);
        return kExitOk;
      });
    });
  }

  // --- review of auto-closed shifts ---
  auto* review = app.add_subcommand(
      "review", "Shifts a kiosk closed by itself: not credited until confirmed, edited or rejected");
  review->require_subcommand(1);
  {
    auto* list = review->add_subcommand(
        "list", "The queue, oldest first: event id, site, role, person, name, started, ended, recorded hours");
    auto site = std::make_shared<std::string>();
    list->add_option("--site", *site, "Only this site (default: every site)");
    list->callback([&action, site] {
      action = with_store("review list", [site](ServerStore& store, const ServerConfig&) {
        if (auto ok = check_site_and_program(store, *site, ""); !ok) return report(ok.error(), "review list");
        std::vector<Id> sites;
        if (!site->empty()) sites.push_back(*site);
        auto queue = store.review_queue(sites);
        if (!queue) return report(queue.error(), "review list");
        fmt::print("event_id\tsite\trole\tperson\tname\tstarted\tended\trecorded_hours\n");
        for (const auto& w : *queue)
          fmt::print("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", w.end_event_id, cell(w.site_name), cell(w.shift.role), w.person_id,
                     cell(w.preferred_name), w.started_at ? format_utc(*w.started_at) : "-", format_utc(w.ended_at),
                     hours_text(w.recorded));
        return kExitOk;
      });
    });

    struct DecisionArgs {
      std::string event_id;
      double hours = -1;
    };
    auto decide = [&action, out](std::string name, ReviewDecision decision, std::shared_ptr<DecisionArgs> d) {
      return [&action, out, name, decision, d] {
        action = with_store(name, [out, name, decision, d](ServerStore& store, const ServerConfig&) {
          std::optional<Millis> worked;
          if (decision == ReviewDecision::edit)
            worked = Millis{static_cast<Millis::rep>(std::llround(d->hours * 3'600'000.0))};
          if (auto ok = store.review_shift(d->event_id, decision, worked, kCliAccount, now_utc()); !ok)
            return report(ok.error(), name);
          out.id(d->event_id);
          return kExitOk;
        });
      };
    };
    auto confirm_args = std::make_shared<DecisionArgs>();
    auto* confirm = review->add_subcommand("confirm", "Credit the shift as the kiosk recorded it");
    confirm->add_option("EVENT_ID", confirm_args->event_id, "The shift end's event id (review list)")->required();
    confirm->callback(decide("review confirm", ReviewDecision::confirm, confirm_args));
    auto reject_args = std::make_shared<DecisionArgs>();
    auto* reject = review->add_subcommand("reject", "Credit no hours for the shift");
    reject->add_option("EVENT_ID", reject_args->event_id, "The shift end's event id (review list)")->required();
    reject->callback(decide("review reject", ReviewDecision::reject, reject_args));
    auto edit_args = std::make_shared<DecisionArgs>();
    auto* edit = review->add_subcommand("edit", "Credit the hours actually worked");
    edit->add_option("EVENT_ID", edit_args->event_id, "The shift end's event id (review list)")->required();
    edit->add_option("--hours", edit_args->hours, "Hours worked, e.g. 2.5 (0 to 24)")->required()->check(CLI::Range(0.0, 24.0));
    edit->callback(decide("review edit", ReviewDecision::edit, edit_args));
  }

  // --- retention ---
  auto* retention = app.add_subcommand(
      "retention", "Attendance: kept identified for its program's days, then reduced to counts; the audit "
                   "trail: kept for its own days");
  retention->require_subcommand(1);
  {
    retention->add_subcommand("show", "What is kept: discreet_days, last_run, identified events, reduced sessions, "
                                      "audit_days, the oldest audit entry")
        ->callback([&action] {
          action = with_store("retention show", [](ServerStore& store, const ServerConfig&) {
            auto status = store.retention_status();
            if (!status) return report(status.error(), "retention show");
            fmt::print("discreet_days {}\n", status->discreet_days);
            fmt::print("last_run {}\n", status->last_run ? format_utc(*status->last_run) : "-");
            fmt::print("identified_discreet_events {}\n", status->identified_discreet_events);
            fmt::print("oldest_identified {}\n", status->oldest_identified ? format_utc(*status->oldest_identified) : "-");
            fmt::print("reduced_sessions {}\n", status->reduced_sessions);
            fmt::print("other_days {}\n", status->other_days);
            for (const auto& [program, days] : status->program_days) fmt::print("program_days {} {}\n", program, days);
            fmt::print("identified_other_events {}\n", status->identified_other_events);
            fmt::print("inactive_days {}\n", status->inactive_days);
            fmt::print("audit_days {}\n", status->audit_days);
            fmt::print("oldest_audit_entry {}\n", status->oldest_audit_entry ? format_utc(*status->oldest_audit_entry) : "-");
            return kExitOk;
          });
        });
    auto* set = retention->add_subcommand("set", "Keep discreet attendance identified for DAYS days (1 to 3650)");
    auto days = std::make_shared<int>(0);
    set->add_option("DAYS", *days, "Days")->required()->check(CLI::Range(1, 3650));
    set->callback([&action, out, days] {
      action = with_store("retention set",
                          CliAudit{"retention.set", "setting", "retention.discreet_days", "", fmt::format("days={}", *days)},
                          [out, days](ServerStore& store, const ServerConfig&) {
        if (auto ok = store.set_discreet_retention_days(*days); !ok) return report(ok.error(), "retention set");
        out.id(std::to_string(*days));
        return kExitOk;
      });
    });
    // The other periods, one subcommand each: NAME DAYS.
    struct DaysCommand {
      const char* name;
      const char* setting;
      const char* help;
      int least, most;
      Result<void> (ServerStore::*save)(int);
    };
    static const DaysCommand kDays[] = {
        {"other-days", "retention.other_days", "Keep other programs' attendance identified DAYS days", kMinRetentionDays,
         kMaxRetentionDays, &ServerStore::set_other_retention_days},
        {"inactive-days", "retention.inactive_days", "List people without activity for DAYS days for review",
         kMinRetentionDays, kMaxRetentionDays, &ServerStore::set_inactive_people_days},
        {"audit-days", "retention.audit_days", "Keep the audit trail DAYS days", kMinAuditRetentionDays,
         kMaxAuditRetentionDays, &ServerStore::set_audit_retention_days},
    };
    for (const auto& d : kDays) {
      auto* sub = retention->add_subcommand(d.name, fmt::format("{} ({} to {})", d.help, d.least, d.most));
      auto kept = std::make_shared<int>(0);
      sub->add_option("DAYS", *kept, "Days")->required()->check(CLI::Range(d.least, d.most));
      sub->callback([&action, out, kept, &d] {
        const std::string command = std::string("retention ") + d.name;
        action = with_store(command, CliAudit{"retention.set", "setting", d.setting, "", fmt::format("days={}", *kept)},
                            [out, kept, &d, command](ServerStore& store, const ServerConfig&) {
                              if (auto ok = (store.*d.save)(*kept); !ok) return report(ok.error(), command);
                              out.id(std::to_string(*kept));
                              return kExitOk;
                            });
      });
    }
    auto* program_days = retention->add_subcommand(
        "program-days", "A program's own period: DAYS (1 to 3650), or \"default\" for the default of its kind");
    auto pd = std::make_shared<std::pair<std::string, std::string>>();
    program_days->add_option("PROGRAM_ID", pd->first, "Program id")->required();
    program_days->add_option("DAYS", pd->second, "Days, or default")->required();
    program_days->callback([&action, out, pd] {
      action = with_store("retention program-days",
                          CliAudit{"retention.set", "program", pd->first, "", "days=" + pd->second},
                          [out, pd](ServerStore& store, const ServerConfig&) {
                            std::optional<int> days;
                            if (pd->second != "default") {
                              int parsed = 0;
                              auto [end, ec] = std::from_chars(pd->second.data(), pd->second.data() + pd->second.size(), parsed);
                              if (ec != std::errc{} || end != pd->second.data() + pd->second.size())
                                return report(Error{Errc::invalid_input, "DAYS is a whole number of days, or default"},
                                              "retention program-days");
                              days = parsed;
                            }
                            if (auto ok = store.set_program_retention_days(pd->first, days); !ok)
                              return report(ok.error(), "retention program-days");
                            out.id(pd->first);
                            return kExitOk;
                          });
    });
    retention->add_subcommand("run", "Reduce sessions older than their program's period to counts now")
        ->callback([&action] {
          action = with_store("retention run", CliAudit{"retention.apply", "retention", "retention"}, [](ServerStore& store, const ServerConfig&) {
            auto run = store.apply_retention(now_utc());
            if (!run) return report(run.error(), "retention run");
            fmt::print("sessions_reduced {}\n", run->sessions_reduced);
            fmt::print("events_deidentified {}\n", run->events_deidentified);
            fmt::print("audit_entries_removed {}\n", run->audit_entries_removed);
            return kExitOk;
          });
        });
  }
}

}  // namespace checkin::server
