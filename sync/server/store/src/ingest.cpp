// SPDX-License-Identifier: AGPL-3.0-or-later
// Uploads from kiosks: attendance events and check-out feedback.
//
// A batch commits in one transaction and is answered per event only after that commit.
// The event id is a permanent unique key: a retried batch, or the same event uploaded by
// another device, answers "duplicate" and changes nothing. An event that cannot be a fact
// is rejected with a reason and not stored; the kiosk keeps it as a dead letter for a
// person to look at. Anything a kiosk's token can send is checked: the session or shift
// exists and is at the kiosk's site, the device id is the kiosk's own (its current id, the
// local id of its first events, or an earlier enrolment it proved to be), numbers are in
// range (a shift end within the time since its start), an undo names an event of the same
// site. The reason a refusal gives is written for
// the volunteer who reads it on the kiosk's admin screen, the technical detail after it.
// A kiosk whose clock was not confirmed yet may have recorded any time: its event is kept,
// at a plausible time, rather than refused (plausible_time).
//
// Counting: the first check-in of an attendee (attendee_key of reconcile.hpp, with the
// person the pass belongs to) for a session claims the row (session, attendee) in
// attendance_keys; a later one, from another kiosk that was offline, is kept with
// counted = 0. The claim is one INSERT ... ON CONFLICT DO NOTHING, so two uploads
// committing at once on PostgreSQL cannot both count. attendance_count() does not rely on
// the flag (an undo can remove the counted one): it counts distinct attendees over the
// events that were not undone. A session that retention reduced (retention.cpp) has no
// attendance_keys left: a late check-in there claims afresh, counts live, and is added to
// the summary on the next run.
//
// The events a batch adds are stamped for the site feed (site_feed.cpp), and the sites they
// concern are announced after the commit, so other doors' long polls wake.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

#include "checkin/core/clock.hpp"
#include "checkin/core/ids.hpp"
#include "checkin/core/log.hpp"
#include "checkin/core/reconcile.hpp"
#include "store_internal.hpp"

namespace checkin::server {

using namespace detail;

namespace {

constexpr std::size_t kMaxPassIdLength = 64;
constexpr std::string_view kLocalDevicePrefix = "local-";

bool needs_session(EventKind kind) {
  return kind == EventKind::checkin || kind == EventKind::checkout || kind == EventKind::anonymous_checkin ||
         kind == EventKind::walk_in;
}
bool needs_shift(EventKind kind) { return kind == EventKind::shift_start || kind == EventKind::shift_end; }
bool names_someone(EventKind kind) {
  return kind == EventKind::checkin || kind == EventKind::checkout || needs_shift(kind);
}
bool counts_attendance(EventKind kind) {
  return kind == EventKind::checkin || kind == EventKind::walk_in || kind == EventKind::anonymous_checkin;
}

bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

// Plausible times: a kiosk's clock may be wrong, but not before this product existed, nor
// far in the server's future.
constexpr WallTime kEarliestEvent = std::chrono::sys_days{std::chrono::year{2020} / 1 / 1};
constexpr Millis kClockAheadTolerance = std::chrono::hours{24};
constexpr Millis kLongestShift = std::chrono::hours{24};
// Two doors' clocks, or one clock against its own monotonic count, may differ this much.
constexpr Millis kShiftClockTolerance = std::chrono::minutes{5};

bool plausible(WallTime time, WallTime now) { return time >= kEarliestEvent && time <= now + kClockAheadTolerance; }

// An event whose kiosk had not confirmed its clock yet, at an implausible time, is kept and
// stays flagged clock_unsynced: at the time the kiosk's clock offset at its last contact
// points to, or at the upload when that is no help either.
WallTime plausible_time(const AttendanceEvent& event, const Device& uploader, WallTime now) {
  if (!(event.flags & flag_clock_unsynced) || plausible(event.wall_time, now)) return event.wall_time;
  if (uploader.clock_offset) {
    const WallTime corrected = event.wall_time - *uploader.clock_offset;
    if (plausible(corrected, now) && corrected <= now) return corrected;
  }
  return now;
}

// Why an event cannot be a fact: what a volunteer can understand and do about it, then the
// technical detail.
struct Problem {
  enum class Kind { damaged, clock, shift_length, shift_since_start, not_this_kiosk, unknown_place, other_site, undo_target };
  Problem(Kind why, std::string technical, Millis since = Millis{0})
      : kind(why), detail(std::move(technical)), since_start(since) {}
  Kind kind;
  std::string detail;
  Millis since_start;  // shift_since_start: from the start the server has to the end
};

std::string event_noun(EventKind kind) {
  switch (kind) {
    case EventKind::checkin: return "check-in";
    case EventKind::checkout: return "check-out";
    case EventKind::shift_start: return "shift start";
    case EventKind::shift_end: return "shift end";
    case EventKind::anonymous_checkin: return "anonymous check-in";
    case EventKind::walk_in: return "walk-in";
    case EventKind::undo: return "undo";
  }
  return "event";
}

// "2 h 05 min" (negative durations as such).
std::string hours_and_minutes(Millis duration) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(duration).count();
  return fmt::format("{}{} h {:02} min", minutes < 0 ? "-" : "", std::abs(minutes) / 60, std::abs(minutes) % 60);
}

std::string explain(const Problem& problem, const AttendanceEvent& event) {
  constexpr std::string_view by_hand = "A coordinator can record it by hand on the dashboard.";
  const std::string what = "The server did not count this " + event_noun(event.kind);
  const bool session = needs_session(event.kind);
  std::string why;
  switch (problem.kind) {
    case Problem::Kind::damaged:
      why = fmt::format("{}: the kiosk sent it incomplete or damaged. {}", what, by_hand);
      break;
    case Problem::Kind::clock: {
      std::string said = format_utc(event.wall_time).substr(0, 16);  // 2031-03-04T09:30
      if (said.size() > 10) said[10] = ' ';
      why = fmt::format("{}: the kiosk's clock said {} UTC when it was recorded, which cannot be right. "
                        "Please check the kiosk's date and time. {}",
                        what, said, by_hand);
      break;
    }
    case Problem::Kind::shift_length:
      why = fmt::format("{}: it says the shift lasted {} hours, and a shift counts from 0 to 24 hours. "
                        "A coordinator can enter the hours on the dashboard.",
                        what, event.shift_duration.count() / 3'600'000);
      break;
    case Problem::Kind::shift_since_start:
      why = fmt::format("{}: it says the shift lasted {}, but its start came only {} before it. "
                        "A coordinator can enter the hours on the dashboard.",
                        what, hours_and_minutes(event.shift_duration), hours_and_minutes(problem.since_start));
      break;
    case Problem::Kind::not_this_kiosk:
      why = fmt::format("{}: it carries another kiosk's id, not this kiosk's.", what);
      break;
    case Problem::Kind::unknown_place:
      why = fmt::format("{}: the server has no such {} (was it removed?). {}", what, session ? "session" : "shift",
                        by_hand);
      break;
    case Problem::Kind::other_site:
      why = event.kind == EventKind::undo
                ? fmt::format("{}: it undoes something recorded at another site.", what)
                : fmt::format("{}: its {} is at another site than this kiosk's. {}", what, session ? "session" : "shift",
                              by_hand);
      break;
    case Problem::Kind::undo_target:
      why = fmt::format("{}: the server has not received what it undoes (that may still be waiting to be sent, or "
                        "set aside here too).",
                        what);
      break;
  }
  return fmt::format("{} ({})", why, problem.detail);
}

// Why the event cannot be stored as a fact, or nothing when it can. Device ids are checked
// separately (that needs the database).
std::optional<Problem> shape_problem(const AttendanceEvent& event, WallTime now) {
  using enum Problem::Kind;
  auto damaged_because = [](std::string detail) { return Problem{damaged, std::move(detail)}; };
  if (!is_uuid(event.event_id)) return damaged_because("event_id is not a UUID");
  if (event.seq < 1) return damaged_because("seq must be 1 or more");
  if (event.monotonic < Millis{0}) return damaged_because("monotonic_ms must not be negative");
  if (event.shift_duration < Millis{0} || event.shift_duration > kLongestShift)
    return Problem{shift_length, "shift_duration_ms must be from 0 to 24 hours"};
  if (event.wall_time < kEarliestEvent) return Problem{clock, "wall_time is before 2020"};
  if (event.wall_time > now + kClockAheadTolerance)
    return Problem{clock, "wall_time is more than a day ahead of the server's clock"};
  struct Field {
    std::string_view name;
    const std::string& value;
    std::size_t limit;
  };
  const Field fields[] = {
      {"device_id", event.device_id, kMaxIdLength},     {"session_id", event.session_id, kMaxIdLength},
      {"shift_id", event.shift_id, kMaxIdLength},       {"pass_id", event.pass_id, kMaxPassIdLength},
      {"person_id", event.person_id, kMaxIdLength},     {"walk_in_name", event.walk_in_name, kMaxNameLength},
      {"undoes_event_id", event.undoes_event_id, kMaxIdLength}, {"boot_id", event.boot_id, kMaxIdLength},
  };
  for (const auto& field : fields) {
    if (text_too_long(field.value, field.limit))
      return damaged_because(fmt::format("{} is longer than {} bytes", field.name, field.limit));
    if (has_nul(field.value)) return damaged_because(fmt::format("{} contains a NUL character", field.name));
  }
  if (event.device_id.empty()) return damaged_because("device_id is empty");
  const char* kind = to_string(event.kind);
  if (needs_session(event.kind) && event.session_id.empty())
    return damaged_because(fmt::format("a {} needs a session_id", kind));
  if (needs_shift(event.kind) && event.shift_id.empty()) return damaged_because(fmt::format("a {} needs a shift_id", kind));
  if (event.kind == EventKind::undo && event.undoes_event_id.empty()) return damaged_because("an undo needs undoes_event_id");
  if (names_someone(event.kind) && event.pass_id.empty() && event.person_id.empty())
    return damaged_because(fmt::format("a {} needs a pass_id or a person_id", kind));
  if (!event.walk_in_name.empty() && event.kind != EventKind::walk_in)
    return damaged_because("only a walk_in carries a walk_in_name");
  return std::nullopt;
}

// What a batch's events are checked against, read once per batch: the ids this kiosk's
// events may carry, and the sessions and shifts they name.
class BatchContext {
 public:
  BatchContext(sql::Connection& connection, const Device& uploader) : connection_(connection), uploader_(uploader) {}

  // Its own id, the "local-..." id of the events it recorded before enrolling, and the
  // same of every earlier enrolment it proved to be (a kiosk enrolled again).
  Result<std::optional<Problem>> device_problem(const std::string& device_id) {
    using enum Problem::Kind;
    if (!own_ids_) {
      STORE_TRY(ids, lineage(connection_, uploader_.id));
      own_ids_ = std::move(ids);
    }
    if (own_ids_->contains(device_id)) return std::optional<Problem>{};
    if (device_id.starts_with(kLocalDevicePrefix))
      return std::optional<Problem>{Problem{not_this_kiosk, "device_id is another kiosk's local id"}};
    STORE_TRY(rows, run(connection_, "SELECT 1 FROM devices WHERE id = $1", {text(device_id)}));
    return std::optional<Problem>{Problem{not_this_kiosk, rows.empty() ? "device_id is neither this kiosk's nor a local- id"
                                                                       : "device_id belongs to another enrolled kiosk"}};
  }

  // The site the event belongs to, or why it cannot be a fact here. An undo takes its
  // target's session or shift (and must come after its target).
  Result<std::optional<Problem>> place(AttendanceEvent& event, Id& site_id) {
    using enum Problem::Kind;
    if (event.kind == EventKind::undo) {
      STORE_TRY(target, run(connection_,
                            "SELECT kind, session_id, shift_id, site_id FROM events WHERE event_id = $1",
                            {text(event.undoes_event_id)}));
      if (target.empty())
        return std::optional<Problem>{Problem{undo_target, "undoes an event the server does not have (yet): send it first"}};
      if (target.front().text(0) == "undo") return std::optional<Problem>{Problem{damaged, "an undo cannot undo an undo"}};
      event.session_id = target.front().text(1);
      event.shift_id = target.front().text(2);
      site_id = target.front().text(3);
      if (site_id != uploader_.site_id) return std::optional<Problem>{Problem{other_site, "undoes an event of another site"}};
      return std::optional<Problem>{};
    }
    const bool session = needs_session(event.kind);
    const std::string& id = session ? event.session_id : event.shift_id;
    auto& cache = session ? session_sites_ : shift_sites_;
    auto found = cache.find(id);
    if (found == cache.end()) {
      STORE_TRY(rows, run(connection_,
                          session ? "SELECT site_id FROM sessions WHERE id = $1" : "SELECT site_id FROM shifts WHERE id = $1",
                          {text(id)}));
      found = cache.emplace(id, rows.empty() ? std::string() : rows.front().text(0)).first;
    }
    const char* what = session ? "session" : "shift";
    if (found->second.empty()) return std::optional<Problem>{Problem{unknown_place, fmt::format("no {} with id {}", what, id)}};
    if (found->second != uploader_.site_id)
      return std::optional<Problem>{Problem{other_site, fmt::format("{} {} is at another site", what, id)}};
    site_id = found->second;
    return std::optional<Problem>{};
  }

  // A shift end credits at most the time since the volunteer's latest start of that shift
  // the server has: between the wall times, or monotonically when the same kiosk saw both
  // in one boot (as it measured), whichever is longer. Times from clocks not confirmed yet,
  // and an end whose start is still on its way, are not compared.
  Result<std::optional<Problem>> shift_length_problem(const AttendanceEvent& end) {
    if (end.kind != EventKind::shift_end || (end.flags & flag_clock_unsynced)) return std::optional<Problem>{};
    // session_id '' and kind: the events_session index finds the shift starts.
    STORE_TRY(rows, run(connection_,
                        "SELECT device_id, boot_id, wall_time_ms, monotonic_ms, flags FROM events "
                        "WHERE session_id = '' AND kind = 'shift_start' AND shift_id = $1 AND wall_time_ms <= $2 "
                        "AND ((pass_id <> '' AND pass_id = $3) OR (person_id <> '' AND person_id = $4)) "
                        "ORDER BY wall_time_ms DESC LIMIT 1",
                        {text(end.shift_id), millis(end.wall_time), text(end.pass_id), text(end.person_id)}));
    if (rows.empty() || (rows.front().integer(4) & flag_clock_unsynced)) return std::optional<Problem>{};
    const auto& start = rows.front();
    const bool same_boot = start.text(0) == end.device_id && !end.boot_id.empty() && start.text(1) == end.boot_id;
    Millis since = end.wall_time - WallTime{Millis{start.integer(2)}};
    if (same_boot) since = std::max(since, end.monotonic - Millis{start.integer(3)});
    if (end.shift_duration <= since + kShiftClockTolerance) return std::optional<Problem>{};
    return std::optional<Problem>{Problem{Problem::Kind::shift_since_start,
                                          fmt::format("shift_duration_ms {} is over the {} ms since its shift_start",
                                                      end.shift_duration.count(), since.count()),
                                          since}};
  }

 private:
  static Result<std::set<std::string>> lineage(sql::Connection& connection, const Id& device_id) {
    std::set<std::string> ids;
    Id next = device_id;
    // A chain of re-enrolments, each row naming the one it replaced; bounded against loops.
    for (int depth = 0; !next.empty() && depth < 100 && !ids.contains(next); ++depth) {
      STORE_TRY(rows, run(connection, "SELECT local_id, replaces FROM devices WHERE id = $1", {text(next)}));
      ids.insert(next);
      if (rows.empty()) break;
      if (!rows.front().text(0).empty()) ids.insert(rows.front().text(0));
      next = rows.front().text(1);
    }
    return ids;
  }

  sql::Connection& connection_;
  const Device& uploader_;
  std::optional<std::set<std::string>> own_ids_;
  std::map<Id, Id> session_sites_;  // session id -> its site ('' when unknown)
  std::map<Id, Id> shift_sites_;
};

// The person the event is about, as the server knows it: the pass's owner, else the
// person the kiosk named when such a person exists.
Result<Id> resolve_person(sql::Connection& connection, const AttendanceEvent& event) {
  if (!event.pass_id.empty()) {
    STORE_TRY(rows, run(connection, "SELECT person_id FROM passes WHERE pass_id = $1", {text(event.pass_id)}));
    if (!rows.empty()) return rows.front().text(0);
  }
  if (event.person_id.empty()) return Id{};
  STORE_TRY(person, run(connection, "SELECT 1 FROM people WHERE id = $1", {text(event.person_id)}));
  return person.empty() ? Id{} : event.person_id;
}

}  // namespace

namespace detail {

// Inserts the event, stamped for the site feed; false when its id is already stored.
Result<bool> store_event(sql::Connection& connection, const AttendanceEvent& event, const Id& uploaded_by,
                         const Id& site_id, std::int64_t feed_seq, WallTime now) {
  STORE_TRY(resolved, resolve_person(connection, event));
  const bool attendance = counts_attendance(event.kind);
  AttendanceEvent as_known = event;
  as_known.person_id = resolved;
  const std::string key = attendance ? attendee_key(as_known) : std::string();
  // A person id the server does not know is someone erased (ids are the server's): an
  // offline kiosk's late upload must not bring it back.
  const Id kept_person_id = resolved.empty() ? Id{} : event.person_id;
  STORE_TRY(inserted,
            run(connection,
                "INSERT INTO events (event_id, device_id, seq, kind, session_id, shift_id, pass_id, person_id, "
                "walk_in_name, undoes_event_id, shift_duration_ms, wall_time_ms, monotonic_ms, boot_id, flags, "
                "uploaded_by, received_at_ms, resolved_person_id, attendee_key, counted, feed_seq, site_id) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1, "
                "$20, $21) ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
                {text(event.event_id), text(event.device_id), integer(event.seq), text(to_string(event.kind)),
                 text(event.session_id), text(event.shift_id), text(event.pass_id), text(kept_person_id),
                 text(event.walk_in_name), text(event.undoes_event_id), integer(event.shift_duration.count()),
                 millis(event.wall_time), integer(event.monotonic.count()), text(event.boot_id),
                 integer(static_cast<std::int64_t>(event.flags)), text(uploaded_by), millis(now), text(resolved),
                 text(key), integer(feed_seq), text(site_id)}));
  if (inserted.empty()) return false;
  if (attendance) {
    STORE_TRY(claimed, run(connection,
                           "INSERT INTO attendance_keys (session_id, attendee_key, event_id) VALUES ($1, $2, $3) "
                           "ON CONFLICT (session_id, attendee_key) DO NOTHING RETURNING event_id",
                           {text(event.session_id), text(key), text(event.event_id)}));
    if (claimed.empty()) {
      STORE_CHECK(run(connection, "UPDATE events SET counted = 0 WHERE event_id = $1", {text(event.event_id)}));
      log_info("store", "event {} from device {}: attendee already checked in to session {}, kept uncounted",
               event.event_id, uploaded_by, event.session_id);
    }
  }
  return true;
}

}  // namespace detail

namespace {

bool is_day(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(day[i]))) return false;
  return true;
}

}  // namespace

Result<std::vector<sync::EventResult>> ServerStore::ingest(const Device& device,
                                                           std::span<const AttendanceEvent> events, WallTime now) {
  std::set<Id> touched_sites;
  auto results = impl_->transact(true, [&](sql::Connection& connection) -> Result<std::vector<sync::EventResult>> {
    touched_sites.clear();  // a retried transaction starts again
    std::vector<sync::EventResult> results;
    results.reserve(events.size());
    BatchContext context(connection, device);
    std::optional<std::int64_t> feed_seq;
    std::int64_t highest_own_seq = 0;
    std::size_t accepted = 0, duplicates = 0, rejected = 0;
    for (const auto& uploaded : events) {
      AttendanceEvent event = uploaded;
      sync::EventResult& result = results.emplace_back();
      result.event_id = event.event_id;
      Id site_id;
      event.wall_time = plausible_time(event, device, now);
      std::optional<Problem> problem = shape_problem(event, now);
      if (!problem) {
        STORE_TRY(device_problem, context.device_problem(event.device_id));
        problem = device_problem;
      }
      if (!problem) {
        STORE_TRY(place_problem, context.place(event, site_id));
        problem = place_problem;
      }
      if (!problem) {
        STORE_TRY(length_problem, context.shift_length_problem(event));
        problem = length_problem;
      }
      if (problem) {
        result.status = sync::EventStatus::rejected;
        result.reason = explain(*problem, uploaded);
        ++rejected;
        log_warn("store", "device {}: rejected event {}: {}", device.id,
                 is_uuid(event.event_id) ? event.event_id : std::string("(no valid id)"), result.reason);
        continue;
      }
      if (!feed_seq) {
        STORE_TRY(seq, next_feed_seq(connection));
        feed_seq = seq;
      }
      STORE_TRY(stored, store_event(connection, event, device.id, site_id, *feed_seq, now));
      result.status = stored ? sync::EventStatus::accepted : sync::EventStatus::duplicate;
      ++(stored ? accepted : duplicates);
      if (stored) touched_sites.insert(site_id);
      if (event.device_id == device.id) highest_own_seq = std::max(highest_own_seq, event.seq);
    }
    STORE_CHECK(run(connection,
                    "UPDATE devices SET last_upload_ms = $1, "
                    "last_seq = CASE WHEN last_seq < $2 THEN $3 ELSE last_seq END WHERE id = $4",
                    {millis(now), integer(highest_own_seq), integer(highest_own_seq), text(device.id)}));
    STORE_CHECK(announce_sites(connection, touched_sites));
    log_info("store", "device {} uploaded {} events: {} accepted, {} duplicate, {} rejected", device.id, events.size(),
             accepted, duplicates, rejected);
    return results;
  });
  if (results) impl_->announce_attendance(touched_sites);
  return results;
}

Result<sync::FeedbackResult> ServerStore::ingest_feedback(const Device& device,
                                                          std::span<const sync::FeedbackItem> items, WallTime now) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    const auto& item = items[i];
    if (item.feedback.rating < 1 || item.feedback.rating > 5)
      return fail(Errc::invalid_input, fmt::format("feedback item {}: rating {} is not 1 to 5", i, item.feedback.rating));
    if (item.feedback.session_id.empty() || text_too_long(item.feedback.session_id, kMaxIdLength) ||
        has_nul(item.feedback.session_id))
      return fail(Errc::invalid_input, fmt::format("feedback item {}: session_id is empty or malformed", i));
    if (!is_day(item.day)) return fail(Errc::invalid_input, fmt::format("feedback item {}: day is not YYYY-MM-DD", i));
  }
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<sync::FeedbackResult> {
    sync::FeedbackResult result;
    result.server_time = now;
    for (const auto& item : items) {
      STORE_TRY(inserted, run(connection,
                              "INSERT INTO feedback (device_id, kiosk_row_id, session_id, rating, day) "
                              "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id, kiosk_row_id) DO NOTHING "
                              "RETURNING kiosk_row_id",
                              {text(device.id), integer(item.id), text(item.feedback.session_id),
                               integer(item.feedback.rating), text(item.day)}));
      result.stored += static_cast<std::int64_t>(inserted.size());
    }
    return result;
  });
}

}  // namespace checkin::server
