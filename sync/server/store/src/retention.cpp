// SPDX-License-Identifier: AGPL-3.0-or-later
// Retention of discreet programs' identified attendance (DESIGN: attending a support group
// is health information). After the configured number of days a discreet session's
// attendance is reduced to counts:
//   - its counts go to attendance_summaries (merged into an existing summary);
//   - its events (and the undos of them) lose pass, person and walk-in name, and their
//     attendee key becomes 'reduced', so they no longer count on their own;
//   - its attendance_keys rows go, since they hold the attendee keys.
// Kept: the events as facts (kind, time, device, flags), so a kiosk's sequence stays whole
// and a retried upload is still a duplicate; the session and its counts.
//
// One run is one transaction, so a report sees a session either identified or reduced,
// never half of each. Running again changes nothing, except for a late upload that arrived
// in a reduced session since (an offline kiosk coming back): it is counted live until the
// next run adds it to the summary. Such a late attendee cannot be matched against the
// reduced ones (their identity is gone), so a person checked in on two kiosks, one of them
// uploading after the reduction, counts twice; and an undo arriving after its check-in
// was reduced no longer lowers the count.
#include <fmt/format.h>

#include <charconv>

#include "checkin/core/log.hpp"
#include "report_queries.hpp"

namespace checkin::server {

using namespace detail;

namespace {

constexpr std::string_view kRetentionDaysSetting = "retention.discreet_days";
constexpr std::string_view kRetentionLastRunSetting = "retention.last_run_ms";
constexpr int kMinRetentionDays = 1;
constexpr int kMaxRetentionDays = 3650;

constexpr std::string_view kIdentified =
    "(e.pass_id <> '' OR e.person_id <> '' OR e.resolved_person_id <> '' OR e.walk_in_name <> '')";
constexpr std::string_view kInDiscreetSession =
    "e.session_id IN (SELECT s.id FROM sessions s JOIN programs p ON p.id = s.program_id WHERE p.discreet <> 0)";

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

Result<int> retention_days(sql::Connection& connection) {
  STORE_TRY(days, integer_setting(connection, kRetentionDaysSetting));
  if (!days) return kDefaultDiscreetRetentionDays;
  if (*days < kMinRetentionDays || *days > kMaxRetentionDays)
    return fail(Errc::storage_corrupt, fmt::format("the server setting {} is out of range", kRetentionDaysSetting));
  return static_cast<int>(*days);
}

}  // namespace

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
    STORE_TRY(reduced, run(connection, "SELECT COUNT(*) FROM attendance_summaries"));
    status.reduced_sessions = reduced.front().integer(0);
    return status;
  });
}

Result<void> ServerStore::set_discreet_retention_days(int days) {
  if (days < kMinRetentionDays || days > kMaxRetentionDays)
    return fail(Errc::invalid_input, fmt::format("retention is from {} to {} days", kMinRetentionDays, kMaxRetentionDays));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    return write_setting(connection, kRetentionDaysSetting, days);
  });
}

Result<RetentionRun> ServerStore::apply_retention(WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<RetentionRun> {
    STORE_TRY(days, retention_days(connection));
    const WallTime cutoff = now - std::chrono::duration_cast<Millis>(std::chrono::days{days});
    // Discreet sessions ended before the cutoff with an event not reduced yet.
    const Condition due = [&](Query& query) {
      return fmt::format(
          "s.end_ms < {} AND s.program_id IN (SELECT p.id FROM programs p WHERE p.discreet <> 0) "
          "AND EXISTS (SELECT 1 FROM events x WHERE x.session_id = s.id AND x.attendee_key <> '{}')",
          query.param(millis(cutoff)), kReducedKey);
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
    STORE_CHECK(write_setting(connection, kRetentionLastRunSetting, now.time_since_epoch().count()));
    log_info("store", "retention ({} days): {} discreet sessions reduced to counts, {} events de-identified", days,
             run_result.sessions_reduced, run_result.events_deidentified);
    return run_result;
  });
}

}  // namespace checkin::server
