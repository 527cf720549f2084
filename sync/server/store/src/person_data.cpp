// SPDX-License-Identifier: AGPL-3.0-or-later
// A person's own data (person_data.hpp): the export of everything held about them, and
// their erasure.
//
// Erasure keeps every report's totals. Each of the person's events loses person, pass and
// name; what is left is a random stand-in attendee, one per session and per shift (never
// one for all of them, so the erased person's attendance cannot be followed from session
// to session). In each session the stand-in counts once, as they did, and a shift's start
// and end still pair into the same hours: the events are anonymous counts, no longer
// anyone's.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "checkin/core/log.hpp"
#include "checkin/server/person_data.hpp"
#include "report_queries.hpp"

namespace checkin::server {

using namespace detail;

const std::vector<PersonLinkedTable>& person_linked_tables() {
  static const std::vector<PersonLinkedTable> tables{
      {"people", "id = $1", {"id", "preferred_name", "language", "site_id", "change_seq"}},
      {"registrations", "person_id = $1", {"person_id", "program_id", "change_seq"}},
      {"shift_assignments", "person_id = $1", {"shift_id", "person_id", "change_seq"}},
      {"passes",
       "person_id = $1",
       {"pass_id", "person_id", "key_id", "issued_at_ms", "expires_ms", "revoked_at_ms", "change_seq"}},
      {"events",
       "person_id = $1 OR resolved_person_id = $1 OR (pass_id <> '' AND pass_id IN "
       "(SELECT pa.pass_id FROM passes pa WHERE pa.person_id = $1))",
       {"event_id", "device_id", "seq", "kind", "session_id", "shift_id", "pass_id", "person_id", "walk_in_name",
        "undoes_event_id", "shift_duration_ms", "wall_time_ms", "monotonic_ms", "boot_id", "flags", "uploaded_by",
        "received_at_ms", "resolved_person_id", "attendee_key", "counted", "feed_seq", "site_id"}},
      // Who the person counted as in each session (the first counted check-in).
      {"attendance_keys",
       "attendee_key = 'person:' || CAST($1 AS TEXT) OR attendee_key IN "
       "(SELECT 'pass:' || pa.pass_id FROM passes pa WHERE pa.person_id = $1)",
       {"session_id", "attendee_key", "event_id"}},
      // Coordinators' decisions on the person's automatically ended shifts.
      {"shift_reviews",
       "event_id IN (SELECT e.event_id FROM events e WHERE e.resolved_person_id = $1)",
       {"event_id", "decision", "worked_ms", "decided_by", "decided_at_ms"}},
      // Who looked at or changed the person's record.
      {"audit_log",
       "object_id = $1",
       {"id", "at_ms", "account_id", "actor", "action", "object_type", "object_id", "site_id", "detail", "reason"}},
  };
  return tables;
}

namespace {

std::string cell(const sql::Row& row, std::size_t column) {
  if (row.is_null(column)) return {};
  const sql::Value& value = row.values[column];
  if (const auto* number = std::get_if<std::int64_t>(&value)) return std::to_string(*number);
  if (const auto* string = std::get_if<std::string>(&value)) return *string;
  return {};
}

Result<ExportedTable> export_table(sql::Connection& connection, const PersonLinkedTable& table, const Id& person_id) {
  ExportedTable exported{table.table, {}, {}};
  std::string columns;
  for (const char* column : table.columns) {
    exported.columns.emplace_back(column);
    columns += (columns.empty() ? "" : ", ") + std::string(column);
  }
  STORE_TRY(rows, run(connection,
                      fmt::format("SELECT {} FROM {} WHERE {} ORDER BY 1", columns, table.table, table.match),
                      {text(person_id)}));
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (std::size_t i = 0; i < table.columns.size(); ++i) cells.push_back(cell(row, i));
    exported.rows.push_back(std::move(cells));
  }
  return exported;
}

const PersonLinkedTable& linked(std::string_view name) {
  const auto& tables = person_linked_tables();
  return *std::find_if(tables.begin(), tables.end(), [&](const auto& t) { return t.table == name; });
}

}  // namespace

Result<PersonExport> ServerStore::export_person(const Id& person_id, const Actor& actor, WallTime now) {
  auto exported = impl_->transact(false, [&](sql::Connection& connection) -> Result<PersonExport> {
    PersonExport result;
    STORE_TRY(people, run(connection,
                          "SELECT pe.id, pe.preferred_name, pe.language, pe.site_id, COALESCE(s.name, '') "
                          "FROM people pe LEFT JOIN sites s ON s.id = pe.site_id WHERE pe.id = $1",
                          {text(person_id)}));
    if (people.empty()) return fail(Errc::not_found, fmt::format("no person {}", person_id));
    const auto& person = people.front();
    result.profile = PersonRecord{person.text(0), person.text(1), person.text(2), {}, person.text(3)};
    result.site_name = person.text(4);
    STORE_TRY(registrations, run(connection,
                                 "SELECT r.program_id, p.name FROM registrations r JOIN programs p ON p.id = r.program_id "
                                 "WHERE r.person_id = $1 ORDER BY p.name, r.program_id",
                                 {text(person_id)}));
    for (const auto& row : registrations) {
      result.profile.registered_programs.push_back(row.text(0));
      result.registrations.emplace_back(row.text(0), row.text(1));
    }
    STORE_TRY(passes, run(connection,
                          "SELECT pass_id, person_id, key_id, issued_at_ms, expires_ms, revoked_at_ms FROM passes "
                          "WHERE person_id = $1 ORDER BY issued_at_ms, pass_id",
                          {text(person_id)}));
    for (const auto& row : passes)
      result.passes.push_back(PassRecord{row.text(0), row.text(1), row.text(2), wall_time(row.integer(3)),
                                         wall_time(row.integer(4)), optional_wall_time(row, 5)});
    STORE_TRY(activity,
              run(connection,
                  fmt::format("SELECT e.event_id, e.kind, e.wall_time_ms, e.session_id, e.shift_id, "
                              "COALESCE(p.name, ''), COALESCE(ts.name, tsh.name, ''), COALESCE(sh.role, ''), "
                              "CASE WHEN {} THEN 0 ELSE 1 END "
                              "FROM events e LEFT JOIN sessions s ON s.id = e.session_id "
                              "LEFT JOIN programs p ON p.id = s.program_id LEFT JOIN sites ts ON ts.id = s.site_id "
                              "LEFT JOIN shifts sh ON sh.id = e.shift_id LEFT JOIN sites tsh ON tsh.id = sh.site_id "
                              "WHERE e.kind <> 'undo' AND ({}) ORDER BY e.wall_time_ms, e.event_id",
                              not_undone("e"), linked("events").match),
                  {text(person_id)}));
    for (const auto& row : activity)
      result.activity.push_back(PersonActivity{row.text(0), row.text(1), wall_time(row.integer(2)), row.text(3),
                                               row.text(4), row.text(5), row.text(6), row.text(7),
                                               row.integer(8) != 0});
    for (const auto& table : person_linked_tables()) {
      STORE_TRY(rows, export_table(connection, table, person_id));
      result.tables.push_back(std::move(rows));
    }
    return result;
  });
  if (!exported) return exported;
  auto shifts = worked_shifts_of(person_id);
  if (!shifts) return std::unexpected(shifts.error());
  exported->shifts = std::move(*shifts);
  if (auto noted = record_audit(actor, "person.export", "person", person_id, exported->profile.site_id, "", now); !noted)
    return std::unexpected(noted.error());
  return exported;
}

Result<PersonErasure> ServerStore::erase_person(const Id& person_id, const Actor& actor, WallTime now) {
  auto erased = impl_->transact(true, [&](sql::Connection& connection) -> Result<PersonErasure> {
    STORE_TRY(found, run(connection, "SELECT site_id FROM people WHERE id = $1", {text(person_id)}));
    if (found.empty()) return fail(Errc::not_found, fmt::format("no person {}", person_id));
    const Id site_id = found.front().text(0);
    PersonErasure erasure{person_id};
    STORE_TRY(seq, next_change_seq(connection));

    // Passes: every one listed as revoked for the kiosks (the list holds pass ids only),
    // then forgotten.
    STORE_TRY(passes, run(connection, "SELECT pass_id, revoked_at_ms FROM passes WHERE person_id = $1",
                          {text(person_id)}));
    for (const auto& pass : passes) {
      if (pass.is_null(1)) ++erasure.passes_revoked;
      STORE_CHECK(run(connection,
                      "INSERT INTO revocations (pass_id, revoked_at_ms, change_seq) VALUES ($1, $2, $3) "
                      "ON CONFLICT (pass_id) DO NOTHING",
                      {text(pass.text(0)), millis(now), integer(seq)}));
    }

    // Attendance: a random stand-in per session (or shift) and identity, as above.
    STORE_TRY(events, run(connection,
                          fmt::format("SELECT event_id, session_id, shift_id, pass_id, resolved_person_id, attendee_key "
                                      "FROM events WHERE {}",
                                      linked("events").match),
                          {text(person_id)}));
    std::map<std::string, std::string> stand_ins;
    for (const auto& event : events) {
      const std::string identity = !event.text(4).empty() ? "person:" + event.text(4)
                                   : !event.text(3).empty() ? "pass:" + event.text(3)
                                                            : "event:" + event.text(0);
      const std::string group = event.text(1) + "|" + event.text(2) + "|" + identity;
      auto [stand_in, made] = stand_ins.try_emplace(group);
      if (made) stand_in->second = "erased-" + random_token().substr(0, 22);
      const std::string old_key = event.text(5);
      const bool counts_on_its_own = !old_key.empty() && old_key != kReducedKey;
      const std::string new_key = counts_on_its_own ? "pass:" + stand_in->second : old_key;
      STORE_CHECK(run(connection,
                      "UPDATE events SET person_id = '', resolved_person_id = '', walk_in_name = '', pass_id = $1, "
                      "attendee_key = $2 WHERE event_id = $3",
                      {text(stand_in->second), text(new_key), text(event.text(0))}));
      if (counts_on_its_own)
        STORE_CHECK(run(connection,
                        "UPDATE attendance_keys SET attendee_key = $1 WHERE session_id = $2 AND attendee_key = $3",
                        {text(new_key), text(event.text(1)), text(old_key)}));
      ++erasure.events_anonymised;
    }

    // Kiosks learn of the shifts' new assignments; the roster slice drops the person (its
    // digest changes, so kiosks replace their roster on the next sync).
    STORE_CHECK(run(connection,
                    "UPDATE shifts SET change_seq = $1 WHERE id IN (SELECT shift_id FROM shift_assignments "
                    "WHERE person_id = $2)",
                    {integer(seq), text(person_id)}));
    STORE_TRY(assignments, run(connection, "DELETE FROM shift_assignments WHERE person_id = $1 RETURNING shift_id",
                               {text(person_id)}));
    erasure.shift_assignments_removed = static_cast<std::int64_t>(assignments.size());
    STORE_TRY(registrations, run(connection, "DELETE FROM registrations WHERE person_id = $1 RETURNING program_id",
                                 {text(person_id)}));
    erasure.registrations_removed = static_cast<std::int64_t>(registrations.size());
    STORE_TRY(removed_passes, run(connection, "DELETE FROM passes WHERE person_id = $1 RETURNING pass_id",
                                  {text(person_id)}));
    erasure.passes_removed = static_cast<std::int64_t>(removed_passes.size());
    STORE_CHECK(run(connection, "DELETE FROM people WHERE id = $1", {text(person_id)}));

    STORE_CHECK(audit(connection, actor, "person.erase", "person", person_id, site_id,
                      fmt::format("registrations={}; shift_assignments={}; passes_revoked={}; passes_removed={}; "
                                  "events_anonymised={}",
                                  erasure.registrations_removed, erasure.shift_assignments_removed,
                                  erasure.passes_revoked, erasure.passes_removed, erasure.events_anonymised),
                      "", now));
    return erasure;
  });
  if (!erased) return erased;
  log_info("store", "erased person {}: {} events anonymised, {} passes revoked", person_id, erased->events_anonymised,
           erased->passes_revoked);
  // SQLite: secure_delete zeroed what was deleted in the pages written, but the log (WAL)
  // still holds older copies of those pages: copy it into the file and empty it now.
  auto lease = impl_->pool->lease();
  if (lease->backend() == sql::Backend::sqlite) {
    auto checkpoint = lease->query("PRAGMA wal_checkpoint(TRUNCATE)", {});
    if (!checkpoint || (!checkpoint->empty() && checkpoint->front().integer(0) != 0))
      log_warn("store", "erased person {}: the SQLite log could not be emptied now (a reader is open); SQLite "
                        "does so at a later checkpoint",
               person_id);
  }
  return erased;
}

}  // namespace checkin::server
