// SPDX-License-Identifier: AGPL-3.0-or-later
// Coordinators' corrections of attendance (the dashboard and the command line): undo, move
// and a manual check-in. They are events too (kiosk/core/corrections.hpp makes them), made
// by the site's desk: a device row of kind 'desk' per site that no token opens, so they
// keep a device and a sequence like every other event, reach the site's kiosks through the
// site feed, and count as kiosks' events do. Each writes its audit entry in the same
// transaction.
#include <fmt/format.h>

#include "checkin/core/corrections.hpp"
#include "checkin/core/log.hpp"
#include "report_queries.hpp"

namespace checkin::server {

using namespace detail;

namespace {

constexpr std::string_view kDeskName = "Coordinators (dashboard and command line)";

// The site's desk device, made on first use; returns its id.
Result<Id> desk_of(sql::Connection& connection, const Id& site_id, WallTime now) {
  const Id desk_id = "desk-" + site_id;
  STORE_TRY(found, run(connection, "SELECT id FROM devices WHERE id = $1", {text(desk_id)}));
  if (found.empty()) {
    // A random hash that no token has: nobody can sign in as the desk.
    STORE_CHECK(run(connection,
                    "INSERT INTO devices (id, site_id, name, token_hash, enrolled_at_ms, last_seq, kind) "
                    "VALUES ($1, $2, $3, $4, $5, 0, 'desk')",
                    {text(desk_id), text(site_id), text(kDeskName), text(sha256_hex(random_token())), millis(now)}));
  }
  return desk_id;
}

// Commits events made by the desk: sequence numbers, the feed stamp, the audit entry.
Result<std::vector<AttendanceEvent>> record_desk_events(sql::Connection& connection, std::vector<AttendanceEvent> events,
                                                        const Id& site_id, const Actor& actor, std::string_view action,
                                                        std::string_view object_id, std::string detail,
                                                        std::string_view reason, WallTime now) {
  STORE_TRY(seq_rows, run(connection, "SELECT last_seq FROM devices WHERE id = $1", {text(events.front().device_id)}));
  std::int64_t seq = seq_rows.empty() ? 0 : seq_rows.front().integer(0);
  STORE_TRY(feed_seq, next_feed_seq(connection));
  for (auto& event : events) {
    event.seq = ++seq;
    STORE_TRY(stored, store_event(connection, event, event.device_id, site_id, feed_seq, now));
    if (!stored) return fail(Errc::conflict, fmt::format("event {} exists already", event.event_id));
  }
  STORE_CHECK(run(connection, "UPDATE devices SET last_seq = $1, last_upload_ms = $2 WHERE id = $3",
                  {integer(seq), millis(now), text(events.front().device_id)}));
  for (std::size_t i = 0; i < events.size(); ++i)
    detail += fmt::format("{}event={}", detail.empty() ? "" : "; ", events[i].event_id);
  STORE_CHECK(audit(connection, actor, action, "event", object_id, site_id, detail, reason, now));
  STORE_CHECK(announce_sites(connection, {site_id}));
  return events;
}

struct StoredTarget {
  AttendanceEvent event;
  Id site_id;
  bool undone = false;
};

Result<StoredTarget> load_target(sql::Connection& connection, const std::string& event_id) {
  STORE_CHECK(check_length("event id", event_id, kMaxIdLength));
  STORE_TRY(rows, run(connection,
                      fmt::format("SELECT e.event_id, e.kind, e.session_id, e.pass_id, e.resolved_person_id, "
                                  "e.walk_in_name, e.flags, e.site_id, {} FROM events e WHERE e.event_id = $1",
                                  not_undone("e")),
                      {text(event_id)}));
  if (rows.empty()) return fail(Errc::not_found, fmt::format("no event with id {}", event_id));
  const auto& row = rows.front();
  StoredTarget target;
  target.event.event_id = row.text(0);
  target.event.kind = event_kind_from_string(row.text(1)).value_or(EventKind::checkin);
  target.event.session_id = row.text(2);
  target.event.pass_id = row.text(3);
  target.event.person_id = row.text(4);
  target.event.walk_in_name = row.text(5);
  target.event.flags = static_cast<std::uint32_t>(row.integer(6));
  target.site_id = row.text(7);
  target.undone = row.integer(8) == 0;
  if (auto problem = correction_problem(target.event, target.undone)) return fail(Errc::conflict, *problem);
  return target;
}

Result<Session> load_open_session(sql::Connection& connection, const Id& session_id) {
  STORE_CHECK(check_length("session id", session_id, kMaxIdLength));
  STORE_TRY(rows, run(connection,
                      "SELECT id, program_id, site_id, room, start_ms, end_ms, window_opens_ms, window_closes_ms, "
                      "capacity, cancelled FROM sessions WHERE id = $1",
                      {text(session_id)}));
  if (rows.empty()) return fail(Errc::not_found, fmt::format("no session with id {}", session_id));
  if (rows.front().integer(9) != 0) return fail(Errc::conflict, fmt::format("session {} was cancelled", session_id));
  return session_from_row(rows.front());
}

Instant desk_instant(WallTime now) { return Instant{now, Millis{0}, "server", true}; }

}  // namespace

Result<std::vector<AttendanceEvent>> ServerStore::undo_attendance(const std::string& event_id, const Actor& actor,
                                                                  std::string_view reason, WallTime now) {
  std::set<Id> sites;
  auto made = impl_->transact(true, [&](sql::Connection& connection) -> Result<std::vector<AttendanceEvent>> {
    STORE_TRY(target, load_target(connection, event_id));
    STORE_TRY(desk, desk_of(connection, target.site_id, now));
    sites = {target.site_id};
    return record_desk_events(connection, {make_undo(target.event, desk, desk_instant(now))}, target.site_id, actor,
                              "attendance.undo", event_id, fmt::format("session={}", target.event.session_id), reason,
                              now);
  });
  if (made) impl_->announce_attendance(sites);
  return made;
}

Result<std::vector<AttendanceEvent>> ServerStore::move_attendance(const std::string& event_id, const Id& to_session,
                                                                  const Actor& actor, std::string_view reason,
                                                                  WallTime now) {
  std::set<Id> sites;
  auto made = impl_->transact(true, [&](sql::Connection& connection) -> Result<std::vector<AttendanceEvent>> {
    STORE_TRY(target, load_target(connection, event_id));
    STORE_TRY(session, load_open_session(connection, to_session));
    if (session.site_id != target.site_id)
      return fail(Errc::invalid_input, "a check-in moves only to a session at the same site");
    if (session.id == target.event.session_id)
      return fail(Errc::invalid_input, fmt::format("event {} is in session {} already", event_id, to_session));
    STORE_TRY(desk, desk_of(connection, target.site_id, now));
    sites = {target.site_id};
    return record_desk_events(connection, make_move(target.event, to_session, desk, desk_instant(now)), target.site_id,
                              actor, "attendance.move", event_id,
                              fmt::format("from_session={}; to_session={}", target.event.session_id, to_session),
                              reason, now);
  });
  if (made) impl_->announce_attendance(sites);
  return made;
}

Result<PersonRecord> ServerStore::person_from_walk_in(const std::string& event_id, PersonRecord person,
                                                     const Actor& actor, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<PersonRecord> {
    STORE_TRY(target, load_target(connection, event_id));
    if (target.event.kind != EventKind::walk_in)
      return fail(Errc::invalid_input, fmt::format("event {} is no walk-in", event_id));
    if (!target.event.person_id.empty())
      return fail(Errc::conflict, fmt::format("the walk-in {} is someone's already", event_id));
    STORE_TRY(discreet, run(connection,
                            "SELECT p.discreet FROM sessions s JOIN programs p ON p.id = s.program_id WHERE s.id = $1",
                            {text(target.event.session_id)}));
    if (!discreet.empty() && discreet.front().integer(0) != 0)
      return fail(Errc::invalid_input, "a discreet program's walk-in stays anonymous");
    if (person.site_id.empty()) person.site_id = target.site_id;
    STORE_TRY(added, add_person(connection, std::move(person)));
    STORE_CHECK(run(connection, "UPDATE events SET resolved_person_id = $1 WHERE event_id = $2",
                    {text(added.id), text(event_id)}));
    STORE_CHECK(audit(connection, actor, "attendance.walk_in_to_person", "event", event_id, target.site_id,
                      "person=" + added.id, "", now));
    return added;
  });
}

Result<AttendanceEvent> ServerStore::add_attendance(const Id& session_id, const ManualAttendee& who,
                                                    const Actor& actor, std::string_view reason, WallTime now) {
  if (who.person_id.empty() == who.walk_in_name.empty())
    return fail(Errc::invalid_input, "a manual check-in names either a person or a walk-in");
  STORE_CHECK(check_length("walk-in name", who.walk_in_name, kMaxNameLength));
  std::set<Id> sites;
  auto made = impl_->transact(true, [&](sql::Connection& connection) -> Result<std::vector<AttendanceEvent>> {
    STORE_TRY(session, load_open_session(connection, session_id));
    STORE_TRY(desk, desk_of(connection, session.site_id, now));
    AttendanceEvent event;
    if (!who.person_id.empty()) {
      STORE_CHECK(check_length("person id", who.person_id, kMaxIdLength));
      STORE_TRY(person, run(connection, "SELECT 1 FROM people WHERE id = $1", {text(who.person_id)}));
      if (person.empty()) return fail(Errc::not_found, fmt::format("no person with id {}", who.person_id));
      // Their current pass, so the kiosks count this and a scan of it as one attendee.
      STORE_TRY(pass, run(connection,
                          "SELECT pass_id FROM passes WHERE person_id = $1 AND revoked_at_ms IS NULL AND expires_ms > $2 "
                          "ORDER BY issued_at_ms DESC LIMIT 1",
                          {text(who.person_id), millis(now)}));
      event = make_manual_checkin(session_id, who.person_id, pass.empty() ? std::string() : pass.front().text(0), desk,
                                  desk_instant(now));
    } else {
      event = make_manual_walk_in(session_id, who.walk_in_name, desk, desk_instant(now));
    }
    sites = {session.site_id};
    return record_desk_events(connection, {event}, session.site_id, actor, "attendance.add", session_id,
                              who.person_id.empty() ? std::string("walk-in") : "person=" + who.person_id, reason, now);
  });
  if (!made) return std::unexpected(made.error());
  impl_->announce_attendance(sites);
  return made->front();
}

}  // namespace checkin::server
