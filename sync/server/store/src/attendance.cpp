// SPDX-License-Identifier: AGPL-3.0-or-later
// Attendance as stored, for reports and the live board.
#include <fmt/format.h>

#include "report_queries.hpp"

namespace checkin::server {

using namespace detail;

Result<std::int64_t> ServerStore::attendance_count(const Id& session_id) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::int64_t> {
    // Distinct attendees over the events still standing: whichever of a person's check-ins
    // was counted at upload, and whether or not one of them was undone, they count once.
    // A session retention reduced counts through its summary, plus any late upload since.
    const Condition this_session = [&](Query& query) { return "s.id = " + query.param(text(session_id)); };
    STORE_TRY(counts, count_live_attendance(connection, this_session));
    STORE_TRY(reduced, add_summaries(connection, this_session, counts));
    (void)reduced;
    auto found = counts.find(session_id);
    return found == counts.end() ? std::int64_t{0} : found->second.attendees;
  });
}

Result<std::vector<StoredEvent>> ServerStore::events_of_device(const Id& device_id) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<StoredEvent>> {
    STORE_TRY(rows, run(connection,
                        "SELECT event_id, device_id, seq, kind, session_id, shift_id, pass_id, person_id, walk_in_name, "
                        "undoes_event_id, shift_duration_ms, wall_time_ms, monotonic_ms, boot_id, flags, "
                        "resolved_person_id, counted, received_at_ms FROM events WHERE uploaded_by = $1 "
                        "ORDER BY device_id, seq, event_id",
                        {text(device_id)}));
    std::vector<StoredEvent> events;
    events.reserve(rows.size());
    for (const auto& row : rows) {
      StoredEvent stored;
      AttendanceEvent& event = stored.event;
      event.event_id = row.text(0);
      event.device_id = row.text(1);
      event.seq = row.integer(2);
      auto kind = event_kind_from_string(row.text(3));
      if (!kind) return fail(Errc::storage_corrupt, fmt::format("event {} has an unknown kind", event.event_id));
      event.kind = *kind;
      event.session_id = row.text(4);
      event.shift_id = row.text(5);
      event.pass_id = row.text(6);
      event.person_id = row.text(7);
      event.walk_in_name = row.text(8);
      event.undoes_event_id = row.text(9);
      event.shift_duration = Millis{row.integer(10)};
      event.wall_time = wall_time(row.integer(11));
      event.monotonic = Millis{row.integer(12)};
      event.boot_id = row.text(13);
      event.flags = static_cast<std::uint32_t>(row.integer(14));
      stored.resolved_person_id = row.text(15);
      stored.counted = row.integer(16) != 0;
      stored.received_at = wall_time(row.integer(17));
      events.push_back(std::move(stored));
    }
    return events;
  });
}

Result<std::int64_t> ServerStore::event_count() {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::int64_t> {
    STORE_TRY(rows, run(connection, "SELECT COUNT(*) FROM events"));
    return rows.front().integer(0);
  });
}

}  // namespace checkin::server
