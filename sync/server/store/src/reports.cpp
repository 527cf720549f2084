// Reports, the live board and the review of auto-closed shifts: read-only views over the
// uploaded events (plus shift_reviews, written here).
//
// Each report is a fixed number of queries whatever the number of sessions (a year of a
// busy organisation is thousands of them): the sessions, then their events grouped in the
// database, joined in memory.
//
// Who an event is: check-ins, walk-ins and anonymous check-ins carry their attendee key
// (ingest.cpp: "person:<id>", "pass:<id>" or "event:<id>"). A check-out has none stored, so
// checkout_key below derives the same from its person or pass.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "checkin/core/log.hpp"
#include "report_queries.hpp"

namespace checkin::server {

using namespace detail;

const char* to_string(ShiftStatus status) {
  switch (status) {
    case ShiftStatus::credited: return "credited";
    case ShiftStatus::needs_review: return "needs_review";
    case ShiftStatus::confirmed: return "confirmed";
    case ShiftStatus::edited: return "edited";
    case ShiftStatus::rejected: return "rejected";
  }
  return "unknown";
}

namespace {

constexpr Millis kMaxReviewedShift = std::chrono::hours{24};

constexpr std::string_view kSessionColumns =
    "s.id, s.program_id, s.site_id, s.room, s.start_ms, s.end_ms, s.window_opens_ms, s.window_closes_ms, "
    "s.capacity, p.id, p.name, p.discreet, p.anonymous_allowed, p.walk_ins_allowed, p.registration, "
    "p.tracks_checkout, p.feedback_enabled, t.name";
constexpr std::string_view kSessionJoins =
    "sessions s JOIN programs p ON p.id = s.program_id JOIN sites t ON t.id = s.site_id";

// The attendee key a check-out stands for, the way ingest keys a check-in.
constexpr std::string_view kCheckoutKey =
    "CASE WHEN c.resolved_person_id <> '' THEN 'person:' || c.resolved_person_id ELSE 'pass:' || c.pass_id END";

struct SessionInfo {
  Session session;
  Program program;
  std::string site_name;
};

SessionInfo session_info_from_row(const sql::Row& row) {
  sql::Row program_part{std::vector<sql::Value>(row.values.begin() + 9, row.values.begin() + 17)};
  return SessionInfo{session_from_row(row), program_from_row(program_part), row.text(17)};
}

// The sessions that `where` selects, in start order.
Result<std::vector<SessionInfo>> load_sessions(sql::Connection& connection, const Condition& where) {
  Query query;
  query.sql = fmt::format("SELECT {} FROM {} WHERE {} ORDER BY s.start_ms, s.id", kSessionColumns,
                          kSessionJoins, where(query));
  STORE_TRY(rows, query.run(connection));
  std::vector<SessionInfo> sessions;
  sessions.reserve(rows.size());
  for (const auto& row : rows) sessions.push_back(session_info_from_row(row));
  return sessions;
}

// The report filter on sessions aliased s (and their programs, p).
Condition report_sessions(const ReportFilter& filter, bool non_discreet_only = false) {
  return [&filter, non_discreet_only](Query& query) {
    std::string where = fmt::format("s.cancelled = 0 AND s.start_ms >= {} AND s.start_ms < {}",
                                    query.param(millis(filter.from)), query.param(millis(filter.to)));
    where += query.any_of("s.site_id", filter.site_ids);
    if (!filter.program_id.empty()) where += " AND s.program_id = " + query.param(text(filter.program_id));
    if (non_discreet_only)
      where += " AND s.program_id IN (SELECT p2.id FROM programs p2 WHERE p2.discreet = 0)";
    return where;
  };
}

// Latest check-out time per (session, attendee key) of the sessions `sessions` selects.
Result<std::map<std::pair<Id, std::string>, WallTime>> last_checkouts(sql::Connection& connection,
                                                                       const Condition& sessions) {
  Query query;
  query.sql = fmt::format(
      "SELECT c.session_id, {} AS checkout_key, MAX(c.wall_time_ms) FROM events c "
      "WHERE c.kind = 'checkout' AND {} AND c.session_id IN (SELECT s.id FROM sessions s WHERE {}) "
      "GROUP BY c.session_id, checkout_key",
      kCheckoutKey, not_undone("c"), sessions(query));
  STORE_TRY(rows, query.run(connection));
  std::map<std::pair<Id, std::string>, WallTime> checkouts;
  for (const auto& row : rows) checkouts[{row.text(0), row.text(1)}] = wall_time(row.integer(2));
  return checkouts;
}

// --- worked shifts ---

// Shift ends (not undone) that `where` selects, on events e joined to shifts sh.
Result<std::vector<WorkedShift>> load_worked_shifts(sql::Connection& connection, const Condition& where,
                                                    std::string_view order) {
  Query query;
  query.sql = fmt::format(
      "SELECT e.event_id, sh.id, sh.site_id, sh.role, sh.start_ms, sh.end_ms, t.name, e.resolved_person_id, "
      "COALESCE(pp.preferred_name, ''), e.wall_time_ms, e.shift_duration_ms, e.flags, r.decision, r.worked_ms, "
      "COALESCE(a.display_name, r.decided_by), e.pass_id "
      "FROM events e JOIN shifts sh ON sh.id = e.shift_id JOIN sites t ON t.id = sh.site_id "
      "LEFT JOIN people pp ON pp.id = e.resolved_person_id "
      "LEFT JOIN shift_reviews r ON r.event_id = e.event_id "
      "LEFT JOIN accounts a ON a.id = r.decided_by "
      "WHERE e.kind = 'shift_end' AND {} AND {} ORDER BY {}",
      not_undone("e"), where(query), order);
  STORE_TRY(rows, query.run(connection));

  // The matching shift starts: same shift, same person (or pass, when the server knows no
  // person), the latest one not after the end.
  Query starts_query;
  starts_query.sql = fmt::format(
      "SELECT st.shift_id, st.resolved_person_id, st.pass_id, st.wall_time_ms FROM events st "
      "WHERE st.kind = 'shift_start' AND {} AND st.shift_id IN "
      "(SELECT e.shift_id FROM events e JOIN shifts sh ON sh.id = e.shift_id WHERE e.kind = 'shift_end' AND {})",
      not_undone("st"), where(starts_query));
  STORE_TRY(start_rows, starts_query.run(connection));
  std::multimap<Id, const sql::Row*> starts_by_shift;
  for (const auto& row : start_rows) starts_by_shift.emplace(row.text(0), &row);

  std::vector<WorkedShift> shifts;
  shifts.reserve(rows.size());
  for (const auto& row : rows) {
    WorkedShift worked;
    worked.end_event_id = row.text(0);
    sql::Row shift_part{std::vector<sql::Value>(row.values.begin() + 1, row.values.begin() + 6)};
    worked.shift = shift_from_row(shift_part);
    worked.site_name = row.text(6);
    worked.person_id = row.text(7);
    worked.preferred_name = row.text(8);
    worked.ended_at = wall_time(row.integer(9));
    worked.recorded = Millis{row.integer(10)};
    const bool auto_closed = (static_cast<std::uint32_t>(row.integer(11)) & flag_auto_closed) != 0;
    const std::string pass_id = row.text(15);
    if (!auto_closed) {
      worked.status = ShiftStatus::credited;
      worked.credited = worked.recorded;
    } else if (row.is_null(12)) {
      worked.status = ShiftStatus::needs_review;
    } else {
      const std::string decision = row.text(12);
      worked.status = decision == "confirmed" ? ShiftStatus::confirmed
                      : decision == "edited"  ? ShiftStatus::edited
                                              : ShiftStatus::rejected;
      worked.credited = worked.status == ShiftStatus::rejected ? Millis{0} : Millis{row.integer(13)};
      worked.decided_by = row.text(14);
    }
    auto [first, last] = starts_by_shift.equal_range(worked.shift.id);
    for (auto it = first; it != last; ++it) {
      const sql::Row& start = *it->second;
      const bool same_volunteer = worked.person_id.empty()
                                      ? (!pass_id.empty() && start.text(1).empty() && start.text(2) == pass_id)
                                      : start.text(1) == worked.person_id;
      const WallTime started = wall_time(start.integer(3));
      if (same_volunteer && started <= worked.ended_at && (!worked.started_at || started > *worked.started_at))
        worked.started_at = started;
    }
    shifts.push_back(std::move(worked));
  }
  return shifts;
}

std::string auto_closed_condition() {
  return fmt::format("(e.flags & {}) <> 0", static_cast<std::uint32_t>(flag_auto_closed));
}

}  // namespace

// --- attendance ---

Result<std::vector<SessionAttendance>> ServerStore::attendance_by_session(const ReportFilter& filter) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<SessionAttendance>> {
    const Condition sessions_wanted = report_sessions(filter);
    STORE_TRY(sessions, load_sessions(connection, sessions_wanted));
    STORE_TRY(counts, count_live_attendance(connection, sessions_wanted));
    STORE_TRY(reduced, add_summaries(connection, sessions_wanted, counts));
    std::vector<SessionAttendance> report;
    report.reserve(sessions.size());
    for (auto& info : sessions) {
      SessionAttendance row;
      const auto found = counts.find(info.session.id);
      if (found != counts.end()) {
        row.attendees = found->second.attendees;
        row.anonymous = found->second.anonymous;
        row.walk_ins = found->second.walk_ins;
      }
      row.reduced = reduced.contains(info.session.id);
      row.session = std::move(info.session);
      row.program = std::move(info.program);
      row.site_name = std::move(info.site_name);
      report.push_back(std::move(row));
    }
    return report;
  });
}

Result<std::vector<AttendanceRecord>> ServerStore::attendance_records(const ReportFilter& filter) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<AttendanceRecord>> {
    // Discreet programs are left out in SQL, before any name is read.
    const Condition sessions_wanted = report_sessions(filter, true);
    STORE_TRY(sessions, load_sessions(connection, sessions_wanted));
    std::map<Id, const SessionInfo*> by_id;
    for (const auto& info : sessions) by_id[info.session.id] = &info;

    Query query;
    query.sql = fmt::format(
        "SELECT e.session_id, e.attendee_key, MIN(e.resolved_person_id), "
        "MIN(CASE WHEN e.kind = 'walk_in' THEN e.walk_in_name ELSE COALESCE(pp.preferred_name, '') END), "
        "MIN(e.wall_time_ms), MAX(e.wall_time_ms), MIN(e.kind) "
        "FROM events e LEFT JOIN people pp ON pp.id = e.resolved_person_id AND e.kind = 'checkin' "
        "WHERE e.kind IN ('checkin', 'walk_in') AND e.attendee_key <> '{}' AND {} "
        "AND e.session_id IN (SELECT s.id FROM sessions s WHERE {}) "
        "GROUP BY e.session_id, e.attendee_key",
        kReducedKey, not_undone("e"), sessions_wanted(query));
    STORE_TRY(rows, query.run(connection));
    STORE_TRY(checkouts, last_checkouts(connection, sessions_wanted));

    std::vector<AttendanceRecord> records;
    records.reserve(rows.size());
    for (const auto& row : rows) {
      const auto session = by_id.find(row.text(0));
      if (session == by_id.end()) continue;  // cannot happen: the same filter chose both
      AttendanceRecord record;
      record.session = session->second->session;
      record.program = session->second->program;
      record.site_name = session->second->site_name;
      record.person_id = row.text(6) == "walk_in" ? Id{} : row.text(2);
      record.preferred_name = row.text(3);
      record.checked_in_at = wall_time(row.integer(4));
      const WallTime last_checkin = wall_time(row.integer(5));
      // A check-out counts when it is the latest word: checking in again reopens it.
      if (auto out = checkouts.find({row.text(0), row.text(1)}); out != checkouts.end() && out->second >= last_checkin)
        record.checked_out_at = out->second;
      records.push_back(std::move(record));
    }
    std::sort(records.begin(), records.end(), [](const AttendanceRecord& a, const AttendanceRecord& b) {
      return std::tie(a.session.start, a.session.id, a.checked_in_at, a.preferred_name) <
             std::tie(b.session.start, b.session.id, b.checked_in_at, b.preferred_name);
    });
    return records;
  });
}

// --- volunteers' shifts ---

Result<std::vector<WorkedShift>> ServerStore::worked_shifts(const ReportFilter& filter) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<WorkedShift>> {
    const Condition in_range = [&](Query& query) {
      return fmt::format("sh.start_ms >= {} AND sh.start_ms < {}{}", query.param(millis(filter.from)),
                         query.param(millis(filter.to)), query.any_of("sh.site_id", filter.site_ids));
    };
    return load_worked_shifts(connection, in_range, "sh.start_ms, e.wall_time_ms, e.event_id");
  });
}

Result<std::vector<WorkedShift>> ServerStore::review_queue(const std::vector<Id>& site_ids) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<WorkedShift>> {
    const Condition undecided = [&](Query& query) {
      return auto_closed_condition() + " AND NOT EXISTS (SELECT 1 FROM shift_reviews r2 WHERE r2.event_id = e.event_id)" +
             query.any_of("sh.site_id", site_ids);
    };
    return load_worked_shifts(connection, undecided, "e.wall_time_ms, e.event_id");
  });
}

Result<std::optional<WorkedShift>> ServerStore::worked_shift(std::string_view end_event_id) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::optional<WorkedShift>> {
    const Condition this_one = [&](Query& query) { return "e.event_id = " + query.param(text(end_event_id)); };
    STORE_TRY(found, load_worked_shifts(connection, this_one, "e.event_id"));
    if (found.empty()) return std::optional<WorkedShift>{};
    return std::optional<WorkedShift>{std::move(found.front())};
  });
}

Result<void> ServerStore::review_shift(std::string_view end_event_id, ReviewDecision decision,
                                       std::optional<Millis> worked, const Id& account_id, WallTime now) {
  if (decision == ReviewDecision::edit && (!worked || *worked < Millis{0} || *worked > kMaxReviewedShift))
    return fail(Errc::invalid_input, "an edited shift needs the time worked, from 0 to 24 hours");
  if (account_id.empty()) return fail(Errc::invalid_input, "a review needs the deciding account");
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(events, run(connection,
                          fmt::format("SELECT e.shift_duration_ms FROM events e WHERE e.event_id = $1 "
                                      "AND e.kind = 'shift_end' AND {} AND {}",
                                      auto_closed_condition(), not_undone("e")),
                          {text(end_event_id)}));
    if (events.empty())
      return fail(Errc::not_found, fmt::format("event {} is no automatically closed shift end", end_event_id));
    STORE_TRY(decided, run(connection, "SELECT decision FROM shift_reviews WHERE event_id = $1", {text(end_event_id)}));
    if (!decided.empty())
      return fail(Errc::conflict, fmt::format("the shift end {} was already {}", end_event_id, decided.front().text(0)));
    STORE_TRY(account, run(connection, "SELECT 1 FROM accounts WHERE id = $1", {text(account_id)}));
    if (account.empty()) return fail(Errc::not_found, fmt::format("no account with id {}", account_id));

    const char* stored_decision = decision == ReviewDecision::confirm ? "confirmed"
                                  : decision == ReviewDecision::edit  ? "edited"
                                                                      : "rejected";
    const std::int64_t worked_ms = decision == ReviewDecision::confirm ? events.front().integer(0)
                                   : decision == ReviewDecision::edit  ? worked->count()
                                                                       : 0;
    STORE_CHECK(run(connection,
                    "INSERT INTO shift_reviews (event_id, decision, worked_ms, decided_by, decided_at_ms) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    {text(end_event_id), text(stored_decision), integer(worked_ms), text(account_id), millis(now)}));
    log_info("store", "shift end {} {} by account {}", end_event_id, stored_decision, account_id);
    return {};
  });
}

// --- live board ---

Result<std::vector<BoardSession>> ServerStore::live_board(const std::vector<Id>& site_ids, WallTime now) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<BoardSession>> {
    const Condition open_now = [&](Query& query) {
      const std::string at = query.param(millis(now));
      return fmt::format("s.cancelled = 0 AND s.window_opens_ms <= {} AND s.window_closes_ms > {}{}", at, at,
                         query.any_of("s.site_id", site_ids));
    };
    STORE_TRY(sessions, load_sessions(connection, open_now));

    // Each attendee once, with the latest check-in; names only outside discreet programs,
    // decided here so a discreet program's names never leave the database.
    Query query;
    query.sql = fmt::format(
        "SELECT e.session_id, e.attendee_key, MAX(e.wall_time_ms), "
        "MIN(CASE WHEN p.discreet <> 0 THEN '' WHEN e.kind = 'walk_in' THEN e.walk_in_name "
        "ELSE COALESCE(pp.preferred_name, '') END) "
        "FROM events e JOIN sessions s ON s.id = e.session_id JOIN programs p ON p.id = s.program_id "
        "LEFT JOIN people pp ON pp.id = e.resolved_person_id AND e.kind = 'checkin' "
        "WHERE e.kind IN ('checkin', 'walk_in', 'anonymous_checkin') AND e.attendee_key <> '{}' AND {} AND {} "
        "GROUP BY e.session_id, e.attendee_key",
        kReducedKey, not_undone("e"), open_now(query));
    STORE_TRY(rows, query.run(connection));
    STORE_TRY(checkouts, last_checkouts(connection, open_now));

    std::map<Id, BoardSession> boards;
    for (auto& info : sessions) {
      BoardSession& board = boards[info.session.id];
      board.session = std::move(info.session);
      board.program = std::move(info.program);
      board.site_name = std::move(info.site_name);
    }
    for (const auto& row : rows) {
      auto board = boards.find(row.text(0));
      if (board == boards.end()) continue;
      ++board->second.checked_in;
      auto out = checkouts.find({row.text(0), row.text(1)});
      if (out != checkouts.end() && out->second >= wall_time(row.integer(2))) continue;
      ++board->second.present;
      const std::string name = row.text(3);
      if (!name.empty() && !board->second.program.discreet) board->second.names.push_back(name);
    }
    std::vector<BoardSession> board;
    board.reserve(boards.size());
    for (auto& [id, session] : boards) {
      std::sort(session.names.begin(), session.names.end());
      board.push_back(std::move(session));
    }
    std::sort(board.begin(), board.end(), [](const BoardSession& a, const BoardSession& b) {
      return std::tie(a.site_name, a.session.start, a.session.id) < std::tie(b.site_name, b.session.start, b.session.id);
    });
    return board;
  });
}

}  // namespace checkin::server
