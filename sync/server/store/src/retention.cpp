// SPDX-License-Identifier: AGPL-3.0-or-later
// Retention of identified attendance (DESIGN: attending a support group is health
// information). After its program's number of days (its own, or the default of its kind:
// discreet programs 90, others 730) a session's attendance is reduced to counts:
//   - its counts go to attendance_summaries (merged into an existing summary);
//   - its events (and the undos of them) lose pass, person and walk-in name, and their
//     attendee key becomes 'reduced', so they no longer count on their own;
//   - its attendance_keys rows go, since they hold the attendee keys.
// Kept: the events as facts (kind, time, device, flags), so a kiosk's sequence stays whole
// and a retried upload is still a duplicate; the session and its counts.
//
// The audit trail has its own period (retention.audit_days, two years by default): older
// entries are deleted in the same run.
//
// One run is one transaction, so a report sees a session either identified or reduced,
// never half of each. Running again changes nothing, except for a late upload that arrived
// in a reduced session since (an offline kiosk coming back): it is counted live until the
// next run adds it to the summary. Such a late attendee cannot be matched against the
// reduced ones (their identity is gone), so a person checked in on two kiosks, one of them
// uploading after the reduction, counts twice; and an undo arriving after its check-in
// was reduced no longer lowers the count.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <tuple>

#include "checkin/core/ids.hpp"
#include "checkin/core/log.hpp"
#include "report_queries.hpp"

namespace checkin::server {

using namespace detail;

namespace {

constexpr std::string_view kRetentionDaysSetting = "retention.discreet_days";
constexpr std::string_view kRetentionLastRunSetting = "retention.last_run_ms";
constexpr std::string_view kAuditRetentionDaysSetting = "retention.audit_days";
constexpr std::string_view kOtherDaysSetting = "retention.other_days";
constexpr std::string_view kInactiveDaysSetting = "retention.inactive_days";
constexpr std::int64_t kDayMs = 24 * 60 * 60 * 1000;

constexpr std::string_view kIdentified =
    "(e.pass_id <> '' OR e.person_id <> '' OR e.resolved_person_id <> '' OR e.walk_in_name <> '')";
constexpr std::string_view kInDiscreetSession =
    "e.session_id IN (SELECT s.id FROM sessions s JOIN programs p ON p.id = s.program_id WHERE p.discreet <> 0)";
constexpr std::string_view kInOtherSession =
    "e.session_id IN (SELECT s.id FROM sessions s JOIN programs p ON p.id = s.program_id WHERE p.discreet = 0)";

Result<std::optional<std::int64_t>> integer_setting(sql::Connection& connection, std::string_view name) {
  STORE_TRY(rows, run(connection, "SELECT value FROM server_settings WHERE name = $1", {text(name)}));
  if (rows.empty()) return std::optional<std::int64_t>{};
  const std::string value = rows.front().text(0);
  std::int64_t parsed = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc{} || end != value.data() + value.size())
    return fail(Errc::storage_corrupt, fmt::format("the server setting {} is not a number", name));
  return std::optional<std::int64_t>{parsed};
}

Result<void> write_setting(sql::Connection& connection, std::string_view name, std::int64_t value) {
  STORE_CHECK(run(connection,
                  "INSERT INTO server_settings (name, value) VALUES ($1, $2) "
                  "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                  {text(name), text(std::to_string(value))}));
  return {};
}

Result<int> days_setting(sql::Connection& connection, std::string_view name, int fallback, int least, int most) {
  STORE_TRY(days, integer_setting(connection, name));
  if (!days) return fallback;
  if (*days < least || *days > most)
    return fail(Errc::storage_corrupt, fmt::format("the server setting {} is out of range", name));
  return static_cast<int>(*days);
}

Result<int> retention_days(sql::Connection& connection) {
  return days_setting(connection, kRetentionDaysSetting, kDefaultDiscreetRetentionDays, kMinRetentionDays,
                      kMaxRetentionDays);
}

Result<int> audit_retention_days(sql::Connection& connection) {
  return days_setting(connection, kAuditRetentionDaysSetting, kDefaultAuditRetentionDays, kMinAuditRetentionDays,
                      kMaxAuditRetentionDays);
}

Result<int> other_retention_days(sql::Connection& connection) {
  return days_setting(connection, kOtherDaysSetting, kDefaultOtherRetentionDays, kMinRetentionDays, kMaxRetentionDays);
}

Result<int> inactive_people_days(sql::Connection& connection) {
  return days_setting(connection, kInactiveDaysSetting, kDefaultInactivePeopleDays, kMinRetentionDays,
                      kMaxRetentionDays);
}

Result<void> checked_days(int days, int least, int most, std::string_view what) {
  if (days < least || days > most) return fail(Errc::invalid_input, fmt::format("{} is from {} to {} days", what, least, most));
  return {};
}

// The session's program's period in milliseconds, as SQL over sessions aliased s: its own,
// or the default of its kind. Only literals and parameters go into it; the casts tell
// PostgreSQL the parameters' type (CASE would take them as text).
std::string period_ms(Query& query, int discreet_days, int other_days) {
  return fmt::format(
      "(COALESCE((SELECT r.days FROM program_retention r WHERE r.program_id = s.program_id), "
      "(SELECT CASE WHEN p.discreet <> 0 THEN CAST({} AS BIGINT) ELSE CAST({} AS BIGINT) END FROM programs p "
      "WHERE p.id = s.program_id)) * CAST({} AS BIGINT))",
      query.param(integer(discreet_days)), query.param(integer(other_days)), query.param(integer(kDayMs)));
}

}  // namespace

namespace detail {

Result<std::map<std::string, std::string>> retention_for_kiosks(sql::Connection& connection) {
  STORE_TRY(discreet, retention_days(connection));
  STORE_TRY(other, other_retention_days(connection));
  return std::map<std::string, std::string>{{"retention_discreet_days", std::to_string(discreet)},
                                            {"retention_other_days", std::to_string(other)}};
}

}  // namespace detail

Result<RetentionStatus> ServerStore::retention_status() {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<RetentionStatus> {
    RetentionStatus status;
    STORE_TRY(days, retention_days(connection));
    status.discreet_days = days;
    STORE_TRY(last_run, integer_setting(connection, kRetentionLastRunSetting));
    if (last_run) status.last_run = wall_time(*last_run);
    STORE_TRY(identified, run(connection, fmt::format("SELECT COUNT(*), MIN(e.wall_time_ms) FROM events e "
                                                      "WHERE {} AND {}",
                                                      kIdentified, kInDiscreetSession)));
    status.identified_discreet_events = identified.front().integer(0);
    status.oldest_identified = optional_wall_time(identified.front(), 1);
    STORE_TRY(others, run(connection, fmt::format("SELECT COUNT(*) FROM events e WHERE {} AND {}", kIdentified,
                                                  kInOtherSession)));
    status.identified_other_events = others.front().integer(0);
    STORE_TRY(other_days, other_retention_days(connection));
    status.other_days = other_days;
    STORE_TRY(inactive_days, inactive_people_days(connection));
    status.inactive_days = inactive_days;
    STORE_TRY(own, run(connection, "SELECT program_id, days FROM program_retention ORDER BY program_id"));
    for (const auto& row : own) status.program_days[row.text(0)] = static_cast<int>(row.integer(1));
    STORE_TRY(reduced, run(connection, "SELECT COUNT(*) FROM attendance_summaries"));
    status.reduced_sessions = reduced.front().integer(0);
    STORE_TRY(audit_days, audit_retention_days(connection));
    status.audit_days = audit_days;
    STORE_TRY(oldest_audit, run(connection, "SELECT MIN(at_ms) FROM audit_log"));
    status.oldest_audit_entry = optional_wall_time(oldest_audit.front(), 0);
    return status;
  });
}

Result<void> ServerStore::set_discreet_retention_days(int days) {
  STORE_CHECK(checked_days(days, kMinRetentionDays, kMaxRetentionDays, "retention"));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    return write_setting(connection, kRetentionDaysSetting, days);
  });
}

Result<void> ServerStore::set_other_retention_days(int days) {
  STORE_CHECK(checked_days(days, kMinRetentionDays, kMaxRetentionDays, "retention"));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    return write_setting(connection, kOtherDaysSetting, days);
  });
}

Result<void> ServerStore::set_inactive_people_days(int days) {
  STORE_CHECK(checked_days(days, kMinRetentionDays, kMaxRetentionDays, "inactivity"));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    return write_setting(connection, kInactiveDaysSetting, days);
  });
}

Result<void> ServerStore::set_program_retention_days(const Id& program_id, std::optional<int> days) {
  if (days) STORE_CHECK(checked_days(*days, kMinRetentionDays, kMaxRetentionDays, "retention"));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(found, run(connection, "SELECT 1 FROM programs WHERE id = $1", {text(program_id)}));
    if (found.empty()) return fail(Errc::not_found, fmt::format("no program with id {}", program_id));
    STORE_CHECK(run(connection, "DELETE FROM program_retention WHERE program_id = $1", {text(program_id)}));
    if (days)
      STORE_CHECK(run(connection, "INSERT INTO program_retention (program_id, days) VALUES ($1, $2)",
                      {text(program_id), integer(*days)}));
    return {};
  });
}

Result<std::vector<InactivePerson>> ServerStore::inactive_people(WallTime now) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<InactivePerson>> {
    STORE_TRY(days, inactive_people_days(connection));
    const WallTime cutoff = now - std::chrono::duration_cast<Millis>(std::chrono::days{days});
    STORE_TRY(rows, run(connection,
                        "SELECT p.id, p.preferred_name, p.site_id, "
                        "(SELECT MAX(e.wall_time_ms) FROM events e WHERE e.person_id = p.id OR e.resolved_person_id = p.id), "
                        "(SELECT MAX(x.issued_at_ms) FROM passes x WHERE x.person_id = p.id) FROM people p"));
    std::vector<InactivePerson> inactive;
    for (const auto& row : rows) {
      // Activity: their last check-in or shift, their newest pass, or when they were added
      // (a server id carries its time).
      std::optional<WallTime> last = uuid_v7_time(row.text(0));
      for (auto seen : {optional_wall_time(row, 3), optional_wall_time(row, 4)})
        if (seen && (!last || *seen > *last)) last = seen;
      if (last && *last >= cutoff) continue;
      inactive.push_back(InactivePerson{row.text(0), row.text(1), row.text(2), last});
    }
    std::ranges::sort(inactive, [](const InactivePerson& a, const InactivePerson& b) {
      return std::tie(a.last_activity, a.id) < std::tie(b.last_activity, b.id);
    });
    return inactive;
  });
}

Result<void> ServerStore::set_audit_retention_days(int days) {
  if (days < kMinAuditRetentionDays || days > kMaxAuditRetentionDays)
    return fail(Errc::invalid_input, fmt::format("the audit trail is kept from {} to {} days", kMinAuditRetentionDays,
                                                 kMaxAuditRetentionDays));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    return write_setting(connection, kAuditRetentionDaysSetting, days);
  });
}

Result<RetentionRun> ServerStore::apply_retention(WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<RetentionRun> {
    STORE_TRY(days, retention_days(connection));
    STORE_TRY(other_days, other_retention_days(connection));
    // Sessions ended more than their program's period ago with an event not reduced yet.
    const Condition due = [&](Query& query) {
      return fmt::format("s.end_ms + {} < {} AND EXISTS (SELECT 1 FROM events x WHERE x.session_id = s.id AND "
                         "x.attendee_key <> '{}')",
                         period_ms(query, days, other_days), query.param(millis(now)), kReducedKey);
    };
    Query sessions_query;
    sessions_query.sql = "SELECT s.id FROM sessions s WHERE " + due(sessions_query) + " ORDER BY s.id";
    STORE_TRY(sessions, sessions_query.run(connection));
    STORE_TRY(counts, count_live_attendance(connection, due));

    RetentionRun run_result;
    for (const auto& row : sessions) {
      const Id session_id = row.text(0);
      const AttendanceCounts live = counts.contains(session_id) ? counts.at(session_id) : AttendanceCounts{};
      STORE_CHECK(run(connection,
                      "INSERT INTO attendance_summaries (session_id, attendees, anonymous, walk_ins, reduced_at_ms) "
                      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (session_id) DO UPDATE SET "
                      "attendees = attendance_summaries.attendees + excluded.attendees, "
                      "anonymous = attendance_summaries.anonymous + excluded.anonymous, "
                      "walk_ins = attendance_summaries.walk_ins + excluded.walk_ins, "
                      "reduced_at_ms = excluded.reduced_at_ms",
                      {text(session_id), integer(live.attendees), integer(live.anonymous), integer(live.walk_ins),
                       millis(now)}));
      STORE_TRY(stripped,
                run(connection,
                    "UPDATE events SET pass_id = '', person_id = '', resolved_person_id = '', walk_in_name = '', "
                    "attendee_key = $1 WHERE attendee_key <> $2 AND (session_id = $3 OR (kind = 'undo' AND "
                    "undoes_event_id IN (SELECT event_id FROM events WHERE session_id = $4))) RETURNING event_id",
                    {text(kReducedKey), text(kReducedKey), text(session_id), text(session_id)}));
      STORE_CHECK(run(connection, "DELETE FROM attendance_keys WHERE session_id = $1", {text(session_id)}));
      ++run_result.sessions_reduced;
      run_result.events_deidentified += static_cast<std::int64_t>(stripped.size());
    }
    // The audit trail has its own period.
    STORE_TRY(audit_days, audit_retention_days(connection));
    const WallTime audit_cutoff = now - std::chrono::duration_cast<Millis>(std::chrono::days{audit_days});
    STORE_TRY(removed, run(connection, "DELETE FROM audit_log WHERE at_ms < $1 RETURNING id", {millis(audit_cutoff)}));
    run_result.audit_entries_removed = static_cast<std::int64_t>(removed.size());

    STORE_CHECK(write_setting(connection, kRetentionLastRunSetting, now.time_since_epoch().count()));
    log_info("store",
             "retention (discreet {} days, others {}): {} sessions reduced to counts, {} events de-identified; "
             "{} audit entries older than {} days removed",
             days, other_days, run_result.sessions_reduced, run_result.events_deidentified, run_result.audit_entries_removed,
             audit_days);
    return run_result;
  });
}

}  // namespace checkin::server
