// SPDX-License-Identifier: AGPL-3.0-or-later
// A person's own data as files (person_export_files.hpp).
#include "checkin/server/person_export_files.hpp"

#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "checkin/server/html_text.hpp"
#include "checkin/server/local_time.hpp"

namespace checkin::server {

namespace {

using nlohmann::json;

json optional_time(const std::optional<WallTime>& time) { return time ? json(format_utc(*time)) : json(nullptr); }

double hours(Millis span) { return static_cast<double>(span.count()) / 3'600'000.0; }

bool is_shift_event(const PersonActivity& a) { return a.kind == "shift_start" || a.kind == "shift_end"; }


std::string what_happened(const PersonActivity& a) {
  if (a.kind == "checkin") return "Checked in";
  if (a.kind == "checkout") return "Checked out";
  if (a.kind == "walk_in") return "Checked in by a volunteer";
  if (a.kind == "shift_start") return "Started a volunteer shift";
  if (a.kind == "shift_end") return "Ended a volunteer shift";
  return a.kind;
}

std::string hours_text(Millis span) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(span).count();
  return fmt::format("{} h {:02} min", minutes / 60, minutes % 60);
}

}  // namespace

std::string person_export_file_stem(const PersonExport& data, WallTime exported_at) {
  std::string id;
  for (char c : data.profile.id) id += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '-';
  return fmt::format("person-{}-{}", id, format_utc(exported_at).substr(0, 10));
}

std::string person_export_json(const PersonExport& data, WallTime exported_at) {
  json out;
  out["format"] = "checkin-person-export/1";
  out["exported_at"] = format_utc(exported_at);
  out["person"] = {{"id", data.profile.id},
                   {"preferred_name", data.profile.preferred_name},
                   {"language", data.profile.language},
                   {"site_id", data.profile.site_id},
                   {"site_name", data.site_name}};
  json registrations = json::array();
  for (const auto& [id, name] : data.registrations) registrations.push_back({{"program_id", id}, {"program_name", name}});
  out["registrations"] = registrations;
  json passes = json::array();
  for (const auto& p : data.passes)
    passes.push_back({{"pass_id", p.pass_id},
                      {"key_id", p.key_id},
                      {"issued_at", format_utc(p.issued_at)},
                      {"expires_at", format_utc(p.expires)},
                      {"revoked_at", optional_time(p.revoked_at)}});
  out["passes"] = passes;
  json attendance = json::array();
  for (const auto& a : data.activity) {
    if (is_shift_event(a)) continue;
    attendance.push_back({{"event_id", a.event_id},
                          {"kind", a.kind},
                          {"at", format_utc(a.at)},
                          {"session_id", a.session_id},
                          {"program_name", a.program_name},
                          {"site_name", a.site_name},
                          {"undone", a.undone}});
  }
  out["attendance"] = attendance;
  json shifts = json::array();
  Millis total{0};
  for (const auto& s : data.shifts) {
    total += s.credited;
    shifts.push_back({{"shift_id", s.shift.id},
                      {"role", s.shift.role},
                      {"site_name", s.site_name},
                      {"started_at", optional_time(s.started_at)},
                      {"ended_at", format_utc(s.ended_at)},
                      {"recorded_hours", hours(s.recorded)},
                      {"credited_hours", hours(s.credited)},
                      {"status", to_string(s.status)}});
  }
  out["shifts"] = shifts;
  out["volunteer_hours_total"] = hours(total);
  json stored = json::object();
  for (const auto& table : data.tables) {
    json rows = json::array();
    for (const auto& row : table.rows) {
      json record = json::object();
      for (std::size_t i = 0; i < table.columns.size() && i < row.size(); ++i) record[table.columns[i]] = row[i];
      rows.push_back(record);
    }
    stored[table.table] = rows;
  }
  out["stored_records"] = stored;
  // Names and programs are whatever coordinators typed: replace invalid UTF-8, never throw.
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string person_export_html(const PersonExport& data, WallTime exported_at, std::string_view organisation) {
  const auto& p = data.profile;
  const std::string name = p.preferred_name.empty() ? "(no name recorded)" : p.preferred_name;
  std::string body = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>What {} holds about you</title>\n"
      "<style>body{{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}"
      "table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;border-bottom:1px solid #ccc;padding:.3rem}}"
      "</style>\n</head>\n<body>\n<h1>What {} holds about you</h1>\n"
      "<p>This is everything the check-in system of {} holds about you, as of {}. The file that came with "
      "this page (JSON) holds the same, with every stored record in full, for a computer to read.</p>\n",
      html_escape(organisation), html_escape(organisation), html_escape(organisation), html_escape(format_local_datetime(exported_at)));

  body += "<h2>About you</h2>\n<ul>\n";
  body += fmt::format("<li>Your name as we know it: <strong>{}</strong> (we never need a surname)</li>\n", html_escape(name));
  body += fmt::format("<li>Language for the kiosk's greeting: {}</li>\n",
                      html_escape(p.language.empty() ? std::string("the kiosk's own") : p.language));
  body += fmt::format("<li>Where you take part: {}</li>\n",
                      html_escape(data.site_name.empty() ? std::string("no site recorded") : data.site_name));
  body += fmt::format("<li>Your number in our records: {}</li>\n</ul>\n", html_escape(p.id));

  body += "<h2>Programs you are registered for</h2>\n";
  if (data.registrations.empty()) {
    body += "<p>None.</p>\n";
  } else {
    body += "<ul>\n";
    for (const auto& [id, program] : data.registrations) body += fmt::format("<li>{}</li>\n", html_escape(program));
    body += "</ul>\n";
  }

  body += "<h2>Your passes</h2>\n";
  if (data.passes.empty()) {
    body += "<p>You have no pass.</p>\n";
  } else {
    body += "<p>A pass holds a random number and its expiry date, not your name.</p>\n<table>\n"
            "<tr><th>Pass number</th><th>Issued</th><th>Valid until</th><th>Cancelled</th></tr>\n";
    for (const auto& pass : data.passes)
      body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(pass.pass_id),
                          html_escape(format_local_date(pass.issued_at)), html_escape(format_local_date(pass.expires)),
                          pass.revoked_at ? html_escape(format_local_date(*pass.revoked_at)) : std::string("no"));
    body += "</table>\n";
  }

  body += "<h2>Your attendance</h2>\n";
  std::string rows;
  for (const auto& a : data.activity) {
    if (is_shift_event(a)) continue;
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                        html_escape(format_local_datetime(a.at)), html_escape(a.program_name), html_escape(a.site_name),
                        html_escape(what_happened(a) + (a.undone ? " (later cancelled by staff)" : "")));
  }
  body += rows.empty() ? "<p>No attendance is recorded for you.</p>\n"
                       : "<table>\n<tr><th>When</th><th>Program</th><th>Where</th><th>What</th></tr>\n" + rows +
                             "</table>\n";

  body += "<h2>Your volunteer shifts and hours</h2>\n";
  if (data.shifts.empty()) {
    body += "<p>No volunteer shifts are recorded for you.</p>\n";
  } else {
    Millis total{0};
    body += "<table>\n<tr><th>Shift</th><th>Where</th><th>Started</th><th>Ended</th><th>Hours counted</th></tr>\n";
    for (const auto& s : data.shifts) {
      total += s.credited;
      body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", html_escape(s.shift.role),
                          html_escape(s.site_name),
                          s.started_at ? html_escape(format_local_datetime(*s.started_at)) : std::string("not recorded"),
                          html_escape(format_local_datetime(s.ended_at)), html_escape(hours_text(s.credited)));
    }
    body += fmt::format("</table>\n<p>In all: {}.</p>\n", html_escape(hours_text(total)));
  }

  body += "<h2>What else</h2>\n<p>The record also notes which kiosk saw each check-in, and which staff "
          "account looked at or changed your record and when (never your name in that log). You can ask "
          "for your record to be corrected, or to be erased: your name, registrations and passes are then "
          "deleted, and your past attendance stays only as anonymous numbers.</p>\n</body>\n</html>\n";
  return body;
}

}  // namespace checkin::server
