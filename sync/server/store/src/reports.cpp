// SPDX-License-Identifier: AGPL-3.0-or-later
// Reports, the live board and the review of auto-closed shifts: read-only views over the
// uploaded events (plus shift_reviews, written here).
//
// What the events mean is decided once, by the domain's reconciliation (kiosk/core/
// reconcile.hpp), the same code the kiosks' ledgers run: stays (check-out at any door, a
// second door's check-in read as leaving, forgotten check-outs closed at the session's end),
// the most people in a room at once, and volunteers' shifts paired across doors. Here the
// events are read (each with the person its pass belongs to) and handed to it; only the
// per-session head counts of long reports are counted in SQL, as the number of distinct
// attendee keys (the domain's attendee_key, stored at upload), which is the same rule.
//
// Each report is a fixed number of queries whatever the number of sessions (a year of a
// busy organisation is thousands of them): the sessions, then their events, joined in
// memory.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "checkin/core/reconcile.hpp"
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

// --- events, as reconciliation reads them ---

constexpr ReconcileConfig kReconcile{};  // the kiosks' defaults (RulesConfig)

// The identified events (not reduced by retention) of the sessions `sessions` selects,
// undos included, by session.
Result<std::map<Id, std::vector<AttendanceEvent>>> session_events(sql::Connection& connection,
                                                                 const Condition& sessions) {
  Query query;
  query.sql = fmt::format(
      "SELECT {} FROM events e WHERE e.kind IN ('checkin', 'checkout', 'anonymous_checkin', 'walk_in', 'undo') "
      "AND e.attendee_key <> '{}' AND e.session_id IN (SELECT s.id FROM sessions s WHERE {})",
      kEventColumns, kReducedKey, sessions(query));
  STORE_TRY(rows, query.run(connection));
  std::map<Id, std::vector<AttendanceEvent>> by_session;
  for (const auto& row : rows) {
    AttendanceEvent event = event_from_row(row);
    by_session[event.session_id].push_back(std::move(event));
  }
  return by_session;
}

// The starts, ends and undos of the shifts `shifts` selects (aliased sh).
Result<std::vector<AttendanceEvent>> shift_events(sql::Connection& connection, const Condition& shifts) {
  Query query;
  query.sql = fmt::format(
      "SELECT {} FROM events e WHERE e.kind IN ('shift_start', 'shift_end', 'undo') "
      "AND e.shift_id IN (SELECT sh.id FROM shifts sh WHERE {})",
      kEventColumns, shifts(query));
  STORE_TRY(rows, query.run(connection));
  std::vector<AttendanceEvent> events;
  events.reserve(rows.size());
  for (const auto& row : rows) events.push_back(event_from_row(row));
  return events;
}

// Preferred names of these people (a few hundred at a time, so no statement grows huge).
Result<std::map<Id, std::string>> preferred_names(sql::Connection& connection, const std::set<Id>& people) {
  std::map<Id, std::string> names;
  std::vector<Id> batch;
  auto flush = [&]() -> Result<void> {
    if (batch.empty()) return {};
    Query query;
    query.sql = "SELECT id, preferred_name FROM people WHERE 1 = 1" + query.any_of("id", batch);
    STORE_TRY(rows, query.run(connection));
    for (const auto& row : rows) names[row.text(0)] = row.text(1);
    batch.clear();
    return {};
  };
  for (const auto& id : people) {
    if (id.empty()) continue;
    batch.push_back(id);
    if (batch.size() == 500) STORE_CHECK(flush());
  }
  STORE_CHECK(flush());
  return names;
}

// The name a stay shows: the person's preferred name or the walk-in's; never in a discreet
// program, never for an anonymous check-in.
std::string stay_name(const Stay& stay, const Program& program, const std::map<Id, std::string>& names) {
  if (program.discreet || stay.kind == EventKind::anonymous_checkin) return {};
  if (stay.kind == EventKind::walk_in) return stay.walk_in_name;
  auto found = names.find(stay.person_id);
  return found == names.end() ? std::string() : found->second;
}

// --- worked shifts ---

struct ShiftInfo {
  Shift shift;
  std::string site_name;
};

// The shifts `where` selects (aliased sh, with sites t), by id.
Result<std::map<Id, ShiftInfo>> load_shifts(sql::Connection& connection, const Condition& where) {
  Query query;
  query.sql = fmt::format(
      "SELECT sh.id, sh.site_id, sh.role, sh.start_ms, sh.end_ms, t.name FROM shifts sh JOIN sites t ON t.id = sh.site_id "
      "WHERE {}",
      where(query));
  STORE_TRY(rows, query.run(connection));
  std::map<Id, ShiftInfo> shifts;
  for (const auto& row : rows) shifts[row.text(0)] = ShiftInfo{shift_from_row(row), row.text(5)};
  return shifts;
}

struct Review {
  std::string decision;
  Millis worked{0};
  std::string decided_by;
};

// The shifts `where` selects, paired by the domain: every ended span, with its review.
Result<std::vector<WorkedShift>> load_worked_shifts(sql::Connection& connection, const Condition& where) {
  STORE_TRY(shifts, load_shifts(connection, where));
  if (shifts.empty()) return std::vector<WorkedShift>{};
  STORE_TRY(events, shift_events(connection, where));
  const std::vector<ShiftSpan> spans = pair_shifts(events, kReconcile);

  std::set<Id> people;
  for (const auto& span : spans) people.insert(span.person_id);
  STORE_TRY(names, preferred_names(connection, people));
  Query reviews_query;
  reviews_query.sql = fmt::format(
      "SELECT r.event_id, r.decision, r.worked_ms, COALESCE(a.display_name, r.decided_by) FROM shift_reviews r "
      "LEFT JOIN accounts a ON a.id = r.decided_by WHERE r.event_id IN "
      "(SELECT e.event_id FROM events e WHERE e.kind = 'shift_end' AND e.shift_id IN (SELECT sh.id FROM shifts sh WHERE {}))",
      where(reviews_query));
  STORE_TRY(review_rows, reviews_query.run(connection));
  std::map<std::string, Review> reviews;
  for (const auto& row : review_rows) reviews[row.text(0)] = Review{row.text(1), Millis{row.integer(2)}, row.text(3)};

  std::vector<WorkedShift> worked_shifts;
  for (const auto& span : spans) {
    if (span.is_open()) continue;
    auto shift = shifts.find(span.shift_id);
    if (shift == shifts.end()) continue;  // an end whose start named another shift: listed with that one
    WorkedShift worked;
    worked.end_event_id = span.end_event_id;
    worked.shift = shift->second.shift;
    worked.site_name = shift->second.site_name;
    worked.person_id = span.person_id;
    if (auto name = names.find(span.person_id); name != names.end()) worked.preferred_name = name->second;
    worked.started_at = span.started;
    worked.ended_at = *span.ended;
    worked.recorded = span.worked;
    worked.ended_by_second_start = span.ended_by_second_start;
    worked.merged = static_cast<int>(span.merged.size());
    auto review = reviews.find(span.end_event_id);
    if (!span.auto_closed) {
      worked.status = ShiftStatus::credited;
      worked.credited = worked.recorded;
    } else if (review == reviews.end()) {
      worked.status = ShiftStatus::needs_review;
    } else {
      const std::string& decision = review->second.decision;
      worked.status = decision == "confirmed" ? ShiftStatus::confirmed
                      : decision == "edited"  ? ShiftStatus::edited
                                              : ShiftStatus::rejected;
      worked.credited = worked.status == ShiftStatus::rejected ? Millis{0} : review->second.worked;
      worked.decided_by = review->second.decided_by;
    }
    worked_shifts.push_back(std::move(worked));
  }
  return worked_shifts;
}

}  // namespace

// --- attendance ---

Result<std::vector<SessionAttendance>> ServerStore::attendance_by_session(const ReportFilter& filter) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<SessionAttendance>> {
    const Condition sessions_wanted = report_sessions(filter);
    STORE_TRY(sessions, load_sessions(connection, sessions_wanted));
    STORE_TRY(counts, count_live_attendance(connection, sessions_wanted));
    STORE_TRY(reduced, add_summaries(connection, sessions_wanted, counts));
    // Over capacity needs the stays in time order: only where a capacity was set.
    const Condition with_capacity = [&](Query& query) { return sessions_wanted(query) + " AND s.capacity IS NOT NULL"; };
    STORE_TRY(capacity_events, session_events(connection, with_capacity));
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
      if (auto events = capacity_events.find(info.session.id); events != capacity_events.end())
        row.over_capacity =
            tally_session(info.session, info.program, events->second, kReconcile, info.session.end).over_capacity;
      row.session = std::move(info.session);
      row.program = std::move(info.program);
      row.site_name = std::move(info.site_name);
      report.push_back(std::move(row));
    }
    return report;
  });
}

Result<std::vector<SessionFeedback>> ServerStore::feedback_by_session(const ReportFilter& filter) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<SessionFeedback>> {
    const Condition sessions_wanted = report_sessions(filter);
    STORE_TRY(sessions, load_sessions(connection, sessions_wanted));
    Query query;
    query.sql = fmt::format(
        "SELECT f.session_id, f.rating, COUNT(*) FROM feedback f JOIN sessions s ON s.id = f.session_id WHERE {} "
        "GROUP BY f.session_id, f.rating",
        sessions_wanted(query));
    STORE_TRY(rows, query.run(connection));
    std::map<Id, std::array<std::int64_t, 5>> ratings;
    for (const auto& row : rows) {
      const auto rating = row.integer(1);
      if (rating < 1 || rating > 5) continue;  // ingest refuses these; never count one
      ratings[row.text(0)][static_cast<std::size_t>(rating - 1)] += row.integer(2);
    }
    std::vector<SessionFeedback> report;
    for (auto& info : sessions) {
      auto found = ratings.find(info.session.id);
      if (found == ratings.end()) continue;
      report.push_back(SessionFeedback{std::move(info.session), std::move(info.program), found->second});
    }
    return report;
  });
}

Result<std::vector<AttendanceRecord>> ServerStore::attendance_records(const ReportFilter& filter, WallTime now) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<AttendanceRecord>> {
    // Discreet programs are left out in SQL, before any name is read.
    const Condition sessions_wanted = report_sessions(filter, true);
    STORE_TRY(sessions, load_sessions(connection, sessions_wanted));
    STORE_TRY(events, session_events(connection, sessions_wanted));

    std::vector<AttendanceRecord> records;
    std::set<Id> people;
    std::vector<std::pair<const SessionInfo*, SessionTally>> tallies;
    for (const auto& info : sessions) {
      auto found = events.find(info.session.id);
      if (found == events.end()) continue;
      SessionTally tally = tally_session(info.session, info.program, found->second, kReconcile, now);
      for (const auto& stay : tally.stays) people.insert(stay.person_id);
      tallies.emplace_back(&info, std::move(tally));
    }
    STORE_TRY(names, preferred_names(connection, people));
    for (const auto& [info, tally] : tallies) {
      for (const auto& stay : tally.stays) {
        if (stay.kind == EventKind::anonymous_checkin) continue;  // identified attendance only
        AttendanceRecord record;
        record.session = info->session;
        record.program = info->program;
        record.site_name = info->site_name;
        record.person_id = stay.kind == EventKind::walk_in ? Id{} : stay.person_id;
        record.preferred_name = stay_name(stay, info->program, names);
        record.checked_in_at = stay.in;
        record.checked_out_at = stay.out;
        record.closed_at_session_end = stay.end == Stay::End::session_ended;
        record.checkin_event_id = stay.checkin_event_id;
        record.flags = stay.flags;
        records.push_back(std::move(record));
      }
    }
    std::sort(records.begin(), records.end(), [](const AttendanceRecord& a, const AttendanceRecord& b) {
      return std::tie(a.session.start, a.session.id, a.checked_in_at, a.preferred_name) <
             std::tie(b.session.start, b.session.id, b.checked_in_at, b.preferred_name);
    });
    return records;
  });
}

Result<std::vector<SeenTwice>> ServerStore::passes_seen_twice(const ReportFilter& filter, WallTime now) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<SeenTwice>> {
    const Condition sessions_wanted = report_sessions(filter);
    STORE_TRY(sessions, load_sessions(connection, sessions_wanted));
    STORE_TRY(events, session_events(connection, sessions_wanted));
    STORE_TRY(device_rows, run(connection, "SELECT id, name FROM devices"));
    std::map<Id, std::string> device_names;
    for (const auto& row : device_rows) device_names[row.text(0)] = row.text(1);
    auto device_name = [&](const std::string& id) {
      auto found = device_names.find(id);
      return found == device_names.end() || found->second.empty() ? id : found->second;
    };
    std::vector<SeenTwice> report;
    std::set<Id> people;
    for (const auto& info : sessions) {
      const auto& session_events = events[info.session.id];
      const auto tally = tally_session(info.session, info.program, session_events, kReconcile, now);
      for (const auto& stay : tally.stays)
        for (const auto& again_id : stay.seen_twice) {
          auto again = std::ranges::find(session_events, again_id, &AttendanceEvent::event_id);
          if (again == session_events.end()) continue;
          // A discreet program's row says that it happened, never whose pass: a pass id
          // leads to its holder.
          const bool discreet = info.program.discreet;
          report.push_back(SeenTwice{info.session, info.program, info.site_name, discreet ? "" : stay.pass_id,
                                     discreet ? "" : stay.person_id, {}, stay.in, device_name(stay.device_id),
                                     again->wall_time, device_name(again->device_id)});
          if (!discreet) people.insert(stay.person_id);
        }
    }
    STORE_TRY(names, preferred_names(connection, people));
    for (auto& row : report)
      if (!row.program.discreet)
        if (auto found = names.find(row.person_id); found != names.end()) row.name = found->second;
    std::ranges::sort(report, {}, &SeenTwice::again_at);
    return report;
  });
}

Result<SessionDetail> ServerStore::session_attendance(const Id& session_id, WallTime now) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<SessionDetail> {
    const Condition this_one = [&](Query& query) { return "s.id = " + query.param(text(session_id)); };
    STORE_TRY(sessions, load_sessions(connection, this_one));
    if (sessions.empty()) return fail(Errc::not_found, fmt::format("no session with id {}", session_id));
    SessionInfo& info = sessions.front();
    SessionDetail detail;
    STORE_TRY(cancelled, run(connection, "SELECT cancelled FROM sessions WHERE id = $1", {text(session_id)}));
    detail.cancelled = !cancelled.empty() && cancelled.front().integer(0) != 0;
    STORE_TRY(events, session_events(connection, this_one));
    detail.tally = tally_session(info.session, info.program, events[session_id], kReconcile, now);
    std::map<Id, AttendanceCounts> counts;
    STORE_TRY(reduced, add_summaries(connection, this_one, counts));
    if (reduced.contains(session_id)) {
      detail.reduced = true;
      detail.tally.attendees += static_cast<int>(counts[session_id].attendees);
      detail.tally.anonymous += static_cast<int>(counts[session_id].anonymous);
      detail.tally.walk_ins += static_cast<int>(counts[session_id].walk_ins);
    }

    std::set<Id> people;
    for (const auto& stay : detail.tally.stays) people.insert(stay.person_id);
    STORE_TRY(names, preferred_names(connection, people));
    STORE_TRY(device_rows, run(connection, "SELECT id, name FROM devices WHERE site_id = $1", {text(info.session.site_id)}));
    std::map<Id, std::string> device_names;
    for (const auto& row : device_rows) device_names[row.text(0)] = row.text(1);
    std::map<std::string, std::string> device_of_event;
    for (const auto& e : events[session_id]) device_of_event[e.event_id] = e.device_id;
    auto device_name = [&](const std::string& device_id) {
      auto found = device_names.find(device_id);
      return found == device_names.end() ? device_id : found->second;  // a local- id before enrolment
    };
    for (const auto& stay : detail.tally.stays) {
      StayRow row{stay, stay_name(stay, info.program, names), device_name(stay.device_id), {}};
      for (const auto& twice : stay.seen_twice) row.seen_twice_devices.push_back(device_name(device_of_event[twice]));
      detail.stays.push_back(std::move(row));
    }
    detail.session = std::move(info.session);
    detail.program = std::move(info.program);
    detail.site_name = std::move(info.site_name);
    return detail;
  });
}

// --- volunteers' shifts ---

Result<std::vector<WorkedShift>> ServerStore::worked_shifts(const ReportFilter& filter) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<WorkedShift>> {
    const Condition in_range = [&](Query& query) {
      return fmt::format("sh.start_ms >= {} AND sh.start_ms < {}{}", query.param(millis(filter.from)),
                         query.param(millis(filter.to)), query.any_of("sh.site_id", filter.site_ids));
    };
    STORE_TRY(shifts, load_worked_shifts(connection, in_range));
    std::sort(shifts.begin(), shifts.end(), [](const WorkedShift& a, const WorkedShift& b) {
      return std::tie(a.shift.start, a.ended_at, a.end_event_id) < std::tie(b.shift.start, b.ended_at, b.end_event_id);
    });
    return shifts;
  });
}

Result<std::vector<WorkedShift>> ServerStore::worked_shifts_of(const Id& person_id) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<WorkedShift>> {
    const Condition theirs = [&](Query& query) {
      return fmt::format("sh.id IN (SELECT e.shift_id FROM events e WHERE e.resolved_person_id = {} "
                         "AND e.kind IN ('shift_start', 'shift_end'))",
                         query.param(text(person_id)));
    };
    STORE_TRY(shifts, load_worked_shifts(connection, theirs));
    std::erase_if(shifts, [&](const WorkedShift& shift) { return shift.person_id != person_id; });
    std::sort(shifts.begin(), shifts.end(), [](const WorkedShift& a, const WorkedShift& b) {
      return std::tie(a.shift.start, a.ended_at, a.end_event_id) < std::tie(b.shift.start, b.ended_at, b.end_event_id);
    });
    return shifts;
  });
}

namespace {
// Shifts with an automatic end nobody decided on yet: the only ones that can need review.
Condition undecided_auto_closed(const std::vector<Id>& site_ids) {
  return [&site_ids](Query& query) {
    return fmt::format(
        "sh.id IN (SELECT e.shift_id FROM events e WHERE e.kind = 'shift_end' AND (e.flags & {}) <> 0 "
        "AND NOT EXISTS (SELECT 1 FROM shift_reviews r2 WHERE r2.event_id = e.event_id)){}",
        static_cast<std::uint32_t>(flag_auto_closed), query.any_of("sh.site_id", site_ids));
  };
}
}  // namespace

Result<std::vector<WorkedShift>> ServerStore::review_queue(const std::vector<Id>& site_ids) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<WorkedShift>> {
    STORE_TRY(shifts, load_worked_shifts(connection, undecided_auto_closed(site_ids)));
    std::erase_if(shifts, [](const WorkedShift& w) { return w.status != ShiftStatus::needs_review; });
    std::sort(shifts.begin(), shifts.end(), [](const WorkedShift& a, const WorkedShift& b) {
      return std::tie(a.ended_at, a.end_event_id) < std::tie(b.ended_at, b.end_event_id);
    });
    return shifts;
  });
}

namespace {
Result<std::optional<WorkedShift>> find_worked_shift(sql::Connection& connection, std::string_view end_event_id) {
  const Condition its_shift = [&](Query& query) {
    return "sh.id IN (SELECT e.shift_id FROM events e WHERE e.event_id = " + query.param(text(end_event_id)) + ")";
  };
  STORE_TRY(shifts, load_worked_shifts(connection, its_shift));
  for (auto& worked : shifts)
    if (worked.end_event_id == end_event_id) return std::optional<WorkedShift>{std::move(worked)};
  return std::optional<WorkedShift>{};
}
}  // namespace

Result<std::optional<WorkedShift>> ServerStore::worked_shift(std::string_view end_event_id) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::optional<WorkedShift>> {
    return find_worked_shift(connection, end_event_id);
  });
}

Result<void> ServerStore::review_shift(std::string_view end_event_id, ReviewDecision decision,
                                       std::optional<Millis> worked, const Id& account_id, WallTime now) {
  if (decision == ReviewDecision::edit && (!worked || *worked < Millis{0} || *worked > kMaxReviewedShift))
    return fail(Errc::invalid_input, "an edited shift needs the time worked, from 0 to 24 hours");
  if (account_id.empty()) return fail(Errc::invalid_input, "a review needs the deciding account");
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(found, find_worked_shift(connection, end_event_id));
    if (!found || found->status == ShiftStatus::credited)
      return fail(Errc::not_found, fmt::format("event {} is no automatically closed shift end", end_event_id));
    if (found->status != ShiftStatus::needs_review)
      return fail(Errc::conflict, fmt::format("the shift end {} was already {}", end_event_id, to_string(found->status)));
    STORE_TRY(account, run(connection, "SELECT username FROM accounts WHERE id = $1", {text(account_id)}));
    if (account.empty()) return fail(Errc::not_found, fmt::format("no account with id {}", account_id));

    const char* stored_decision = decision == ReviewDecision::confirm ? "confirmed"
                                  : decision == ReviewDecision::edit  ? "edited"
                                                                      : "rejected";
    const std::int64_t worked_ms = decision == ReviewDecision::confirm ? found->recorded.count()
                                   : decision == ReviewDecision::edit  ? worked->count()
                                                                       : 0;
    STORE_CHECK(run(connection,
                    "INSERT INTO shift_reviews (event_id, decision, worked_ms, decided_by, decided_at_ms) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    {text(end_event_id), text(stored_decision), integer(worked_ms), text(account_id), millis(now)}));
    STORE_CHECK(audit(connection, Actor{account_id, account.front().text(0)}, std::string("shift.") + stored_decision,
                      "event", end_event_id, found->shift.site_id, fmt::format("shift={}; worked_ms={}", found->shift.id, worked_ms),
                      "", now));
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
    STORE_TRY(events, session_events(connection, open_now));

    std::vector<BoardSession> board;
    std::set<Id> people;
    std::vector<SessionTally> tallies;
    for (auto& info : sessions) {
      tallies.push_back(tally_session(info.session, info.program, events[info.session.id], kReconcile, now));
      for (const auto& stay : tallies.back().stays) people.insert(stay.person_id);
    }
    // Names of discreet programs' attendees are never read, not even to be dropped later.
    std::set<Id> nameable;
    for (std::size_t i = 0; i < sessions.size(); ++i)
      if (!sessions[i].program.discreet)
        for (const auto& stay : tallies[i].stays) nameable.insert(stay.person_id);
    STORE_TRY(names, preferred_names(connection, nameable));
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      BoardSession row;
      const SessionTally& tally = tallies[i];
      row.present = tally.present;
      row.checked_in = tally.attendees;
      row.over_capacity = tally.over_capacity;
      for (const auto& stay : tally.stays) {
        if (!stay.is_open()) continue;
        std::string name = stay_name(stay, sessions[i].program, names);
        if (name.empty()) ++row.unnamed;
        else row.names.push_back(std::move(name));
      }
      std::sort(row.names.begin(), row.names.end());
      row.session = std::move(sessions[i].session);
      row.program = std::move(sessions[i].program);
      row.site_name = std::move(sessions[i].site_name);
      board.push_back(std::move(row));
    }
    std::sort(board.begin(), board.end(), [](const BoardSession& a, const BoardSession& b) {
      return std::tie(a.site_name, a.session.start, a.session.id) < std::tie(b.site_name, b.session.start, b.session.id);
    });
    return board;
  });
}

Result<std::vector<OnShift>> ServerStore::on_shift_now(const std::vector<Id>& site_ids, WallTime now) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<OnShift>> {
    // Shifts that started by now and whose volunteers may still be on them (an open shift
    // closes automatically at its end plus the grace).
    const Condition current = [&](Query& query) {
      return fmt::format("sh.deleted = 0 AND sh.start_ms <= {} AND sh.end_ms > {}{}",
                         query.param(millis(now + std::chrono::minutes{30})),
                         query.param(millis(now - std::chrono::hours{24})), query.any_of("sh.site_id", site_ids));
    };
    STORE_TRY(shifts, load_shifts(connection, current));
    if (shifts.empty()) return std::vector<OnShift>{};
    STORE_TRY(events, shift_events(connection, current));
    std::vector<OnShift> on_shift;
    std::set<Id> people;
    for (const auto& span : pair_shifts(events, kReconcile)) {
      auto shift = shifts.find(span.shift_id);
      if (!span.is_open() || !span.started || shift == shifts.end()) continue;
      on_shift.push_back(OnShift{shift->second.shift, shift->second.site_name, span.person_id, {}, *span.started});
      people.insert(span.person_id);
    }
    STORE_TRY(names, preferred_names(connection, people));
    for (auto& volunteer : on_shift)
      if (auto name = names.find(volunteer.person_id); name != names.end()) volunteer.preferred_name = name->second;
    std::sort(on_shift.begin(), on_shift.end(), [](const OnShift& a, const OnShift& b) {
      return std::tie(a.site_name, a.shift.start, a.preferred_name) < std::tie(b.site_name, b.shift.start, b.preferred_name);
    });
    return on_shift;
  });
}

}  // namespace checkin::server
