// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What reports.cpp, retention.cpp and attendance.cpp share: a small builder for
// statements whose parameter count depends on the filter (a list of sites), and the one
// query that counts attendance per session, so the report, the count and retention can
// never disagree.
#include <fmt/format.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "store_internal.hpp"

namespace checkin::server::detail {

// A statement and its parameters, built together: param() appends a value and answers its
// placeholder. Only placeholders are ever written into the text, never data.
struct Query {
  std::string sql;
  std::vector<sql::Value> params;

  std::string param(sql::Value value) {
    params.push_back(std::move(value));
    return fmt::format("${}", params.size());
  }
  // "(s.site_id IN ($3, $4))", or "" for an empty list (no limit).
  std::string any_of(std::string_view column, const std::vector<Id>& ids) {
    if (ids.empty()) return {};
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : ", ") + param(text(id));
    return fmt::format(" AND {} IN ({})", column, list);
  }
  Result<sql::Rows> run(sql::Connection& connection) const { return connection.query(sql, params); }
};

// Writes a condition into a query (adding its parameters). Called once per place it is
// needed, so one statement can use the same filter twice.
using Condition = std::function<std::string(Query&)>;

// The event `alias` was not undone.
inline std::string not_undone(std::string_view alias) {
  return fmt::format(
      "NOT EXISTS (SELECT 1 FROM events u WHERE u.undoes_event_id = {}.event_id AND u.kind = 'undo')", alias);
}

// The columns event_from_row reads, for events aliased e. The person is the one the server
// resolved (the pass's owner), as the stored attendee key has it, so what the domain reads
// and what SQL counts agree.
inline constexpr std::string_view kEventColumns =
    "e.event_id, e.device_id, e.seq, e.kind, e.session_id, e.shift_id, e.pass_id, e.resolved_person_id, "
    "e.walk_in_name, e.undoes_event_id, e.shift_duration_ms, e.wall_time_ms, e.monotonic_ms, e.boot_id, e.flags";

inline AttendanceEvent event_from_row(const sql::Row& row) {
  AttendanceEvent e;
  e.event_id = row.text(0);
  e.device_id = row.text(1);
  e.seq = row.integer(2);
  e.kind = event_kind_from_string(row.text(3)).value_or(EventKind::checkin);  // the table's CHECK allows no other
  e.session_id = row.text(4);
  e.shift_id = row.text(5);
  e.pass_id = row.text(6);
  e.person_id = row.text(7);
  e.walk_in_name = row.text(8);
  e.undoes_event_id = row.text(9);
  e.shift_duration = Millis{row.integer(10)};
  e.wall_time = wall_time(row.integer(11));
  e.monotonic = Millis{row.integer(12)};
  e.boot_id = row.text(13);
  e.flags = static_cast<std::uint32_t>(row.integer(14));
  return e;
}

// The attendee key retention leaves on a reduced session's events: they count through
// attendance_summaries instead.
inline constexpr std::string_view kReducedKey = "reduced";

struct AttendanceCounts {
  std::int64_t attendees = 0;
  std::int64_t anonymous = 0;
  std::int64_t walk_ins = 0;
};

// Distinct attendees per session over the events still identified and not undone, for the
// sessions `s` (aliased s) that `sessions` selects. Reduced events are left out: their
// session's summary holds them.
inline Result<std::map<Id, AttendanceCounts>> count_live_attendance(sql::Connection& connection,
                                                                    const Condition& sessions) {
  Query query;
  query.sql = fmt::format(
      "SELECT e.session_id, COUNT(DISTINCT e.attendee_key), "
      "COUNT(DISTINCT CASE WHEN e.kind = 'anonymous_checkin' THEN e.attendee_key END), "
      "COUNT(DISTINCT CASE WHEN e.kind = 'walk_in' THEN e.attendee_key END) "
      "FROM events e WHERE e.kind IN ('checkin', 'walk_in', 'anonymous_checkin') AND e.attendee_key <> '{}' "
      "AND {} AND e.session_id IN (SELECT s.id FROM sessions s WHERE {}) GROUP BY e.session_id",
      kReducedKey, not_undone("e"), sessions(query));
  STORE_TRY(rows, query.run(connection));
  std::map<Id, AttendanceCounts> counts;
  for (const auto& row : rows) counts[row.text(0)] = {row.integer(1), row.integer(2), row.integer(3)};
  return counts;
}

// Adds the summaries of reduced sessions to `counts`; answers which sessions had one.
inline Result<std::map<Id, bool>> add_summaries(sql::Connection& connection, const Condition& sessions,
                                                std::map<Id, AttendanceCounts>& counts) {
  Query query;
  query.sql = fmt::format(
      "SELECT a.session_id, a.attendees, a.anonymous, a.walk_ins FROM attendance_summaries a "
      "WHERE a.session_id IN (SELECT s.id FROM sessions s WHERE {})",
      sessions(query));
  STORE_TRY(rows, query.run(connection));
  std::map<Id, bool> reduced;
  for (const auto& row : rows) {
    AttendanceCounts& c = counts[row.text(0)];
    c.attendees += row.integer(1);
    c.anonymous += row.integer(2);
    c.walk_ins += row.integer(3);
    reduced[row.text(0)] = true;
  }
  return reduced;
}

}  // namespace checkin::server::detail
