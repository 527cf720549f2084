// Uploads from kiosks: attendance events and check-out feedback.
//
// A batch commits in one transaction and is answered per event only after that commit.
// The event id is a permanent unique key: a retried batch, or the same event uploaded by
// another device, answers "duplicate" and changes nothing. An event that cannot be a fact
// (no session for a check-in, another kiosk's device id, ...) is rejected with a reason
// and not stored; the kiosk keeps it as a dead letter for a person to look at.
//
// Counting: the first check-in of an attendee (the pass's person, else the pass) for a
// session claims the row (session, attendee) in attendance_keys; a later one, from
// another kiosk that was offline, is kept with counted = 0. The claim is one
// INSERT ... ON CONFLICT DO NOTHING, so two uploads committing at once on PostgreSQL cannot
// both count. attendance_count() does not rely on the flag (an undo can remove the
// counted one): it counts distinct attendees over the events that were not undone.
// A session that retention reduced (retention.cpp) has no attendance_keys left: a late
// check-in there claims afresh, counts live, and is added to the summary on the next run.
#include <fmt/format.h>

#include <cctype>
#include <map>

#include "checkin/core/ids.hpp"
#include "checkin/core/log.hpp"
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

// Why the event cannot be stored as a fact, or nothing when it can. Device ids are checked
// separately (that needs the database).
std::optional<std::string> shape_problem(const AttendanceEvent& event) {
  if (!is_uuid(event.event_id)) return "event_id is not a UUID";
  if (event.seq < 1) return "seq must be 1 or more";
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
    if (text_too_long(field.value, field.limit)) return fmt::format("{} is longer than {} bytes", field.name, field.limit);
    if (has_nul(field.value)) return fmt::format("{} contains a NUL character", field.name);
  }
  if (event.device_id.empty()) return "device_id is empty";
  const char* kind = to_string(event.kind);
  if (needs_session(event.kind) && event.session_id.empty()) return fmt::format("a {} needs a session_id", kind);
  if (needs_shift(event.kind) && event.shift_id.empty()) return fmt::format("a {} needs a shift_id", kind);
  if (event.kind == EventKind::undo && event.undoes_event_id.empty()) return "an undo needs undoes_event_id";
  if (names_someone(event.kind) && event.pass_id.empty() && event.person_id.empty())
    return fmt::format("a {} needs a pass_id or a person_id", kind);
  return std::nullopt;
}

class DeviceIdCheck {
 public:
  DeviceIdCheck(sql::Connection& connection, const Device& uploader) : connection_(connection), uploader_(uploader) {}

  // A kiosk uploads its own events, including those it recorded before enrolment under
  // its "local-..." id; another kiosk's id on them cannot be a fact.
  Result<std::optional<std::string>> problem(const std::string& device_id) {
    if (device_id == uploader_.id || device_id.starts_with(kLocalDevicePrefix)) return std::optional<std::string>{};
    auto known = verdicts_.find(device_id);
    if (known == verdicts_.end()) {
      STORE_TRY(rows, run(connection_, "SELECT 1 FROM devices WHERE id = $1", {text(device_id)}));
      known = verdicts_
                  .emplace(device_id, rows.empty() ? "device_id is neither this kiosk's nor a local- id"
                                                   : "device_id belongs to another enrolled kiosk")
                  .first;
    }
    return std::optional<std::string>{known->second};
  }

 private:
  sql::Connection& connection_;
  const Device& uploader_;
  std::map<std::string, std::string> verdicts_;
};

Result<Id> resolve_person(sql::Connection& connection, const AttendanceEvent& event) {
  if (!event.pass_id.empty()) {
    STORE_TRY(rows, run(connection, "SELECT person_id FROM passes WHERE pass_id = $1", {text(event.pass_id)}));
    if (!rows.empty()) return rows.front().text(0);
  }
  return event.person_id;
}

std::string attendee_key(const AttendanceEvent& event, const Id& resolved_person) {
  if (event.kind == EventKind::anonymous_checkin) return "event:" + event.event_id;
  if (!resolved_person.empty()) return "person:" + resolved_person;
  if (!event.pass_id.empty()) return "pass:" + event.pass_id;
  return "event:" + event.event_id;
}

// Inserts the event; false when its id is already stored.
Result<bool> store_event(sql::Connection& connection, const AttendanceEvent& event, const Device& uploader,
                         WallTime now) {
  STORE_TRY(resolved, resolve_person(connection, event));
  const bool attendance = counts_attendance(event.kind);
  const std::string key = attendance ? attendee_key(event, resolved) : std::string();
  STORE_TRY(inserted,
            run(connection,
                "INSERT INTO events (event_id, device_id, seq, kind, session_id, shift_id, pass_id, person_id, "
                "walk_in_name, undoes_event_id, shift_duration_ms, wall_time_ms, monotonic_ms, boot_id, flags, "
                "uploaded_by, received_at_ms, resolved_person_id, attendee_key, counted) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, 1) "
                "ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
                {text(event.event_id), text(event.device_id), integer(event.seq), text(to_string(event.kind)),
                 text(event.session_id), text(event.shift_id), text(event.pass_id), text(event.person_id),
                 text(event.walk_in_name), text(event.undoes_event_id), integer(event.shift_duration.count()),
                 millis(event.wall_time), integer(event.monotonic.count()), text(event.boot_id),
                 integer(static_cast<std::int64_t>(event.flags)), text(uploader.id), millis(now), text(resolved),
                 text(key)}));
  if (inserted.empty()) return false;
  if (attendance) {
    STORE_TRY(claimed, run(connection,
                           "INSERT INTO attendance_keys (session_id, attendee_key, event_id) VALUES ($1, $2, $3) "
                           "ON CONFLICT (session_id, attendee_key) DO NOTHING RETURNING event_id",
                           {text(event.session_id), text(key), text(event.event_id)}));
    if (claimed.empty()) {
      STORE_CHECK(run(connection, "UPDATE events SET counted = 0 WHERE event_id = $1", {text(event.event_id)}));
      log_info("store", "event {} from device {}: attendee already checked in to session {}, kept uncounted",
               event.event_id, uploader.id, event.session_id);
    }
  }
  return true;
}

bool is_day(std::string_view day) {
  if (day.size() != 10 || day[4] != '-' || day[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(day[i]))) return false;
  return true;
}

}  // namespace

Result<std::vector<sync::EventResult>> ServerStore::ingest(const Device& device,
                                                           std::span<const AttendanceEvent> events, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<std::vector<sync::EventResult>> {
    std::vector<sync::EventResult> results;
    results.reserve(events.size());
    DeviceIdCheck device_ids(connection, device);
    std::int64_t highest_own_seq = 0;
    std::size_t accepted = 0, duplicates = 0, rejected = 0;
    for (const auto& event : events) {
      sync::EventResult& result = results.emplace_back();
      result.event_id = event.event_id;
      std::optional<std::string> problem = shape_problem(event);
      if (!problem) {
        STORE_TRY(device_problem, device_ids.problem(event.device_id));
        problem = device_problem;
      }
      if (problem) {
        result.status = sync::EventStatus::rejected;
        result.reason = std::move(*problem);
        ++rejected;
        log_warn("store", "device {}: rejected event {}: {}", device.id,
                 is_uuid(event.event_id) ? event.event_id : std::string("(no valid id)"), result.reason);
        continue;
      }
      STORE_TRY(stored, store_event(connection, event, device, now));
      result.status = stored ? sync::EventStatus::accepted : sync::EventStatus::duplicate;
      ++(stored ? accepted : duplicates);
      if (event.device_id == device.id) highest_own_seq = std::max(highest_own_seq, event.seq);
    }
    STORE_CHECK(run(connection,
                    "UPDATE devices SET last_upload_ms = $1, "
                    "last_seq = CASE WHEN last_seq < $2 THEN $3 ELSE last_seq END WHERE id = $4",
                    {millis(now), integer(highest_own_seq), integer(highest_own_seq), text(device.id)}));
    log_info("store", "device {} uploaded {} events: {} accepted, {} duplicate, {} rejected", device.id, events.size(),
             accepted, duplicates, rejected);
    return results;
  });
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
