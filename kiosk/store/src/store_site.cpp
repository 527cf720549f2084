// SPDX-License-Identifier: AGPL-3.0-or-later
// Other doors' events, as the site feed relays them (Store::learn_site_events).
#include <fmt/format.h>

#include "store_impl.hpp"

namespace checkin::store {

using sqlite::Connection;
using sqlite::Query;

Result<std::int64_t> Store::learn_site_events(std::span<const AttendanceEvent> events, std::string_view cursor) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  constexpr std::string_view doing = "keeping other doors' events";
  return sqlite::in_transaction(db, doing, [&]() -> Result<std::int64_t> {
    std::int64_t learned = 0;
    for (const auto& event : events) {
      if (event.event_id.empty()) continue;
      // This kiosk's own events come back through the feed too: the log has them already.
      auto own = db.single_int64("SELECT count(*) FROM attendance_log WHERE event_id = ?1", doing, event.event_id);
      if (!own) return std::unexpected(own.error());
      if (*own > 0) continue;
      auto added = db.run(
          "INSERT INTO site_events (event_id, device_id, seq, kind, session_id, shift_id, pass_id, person_id, "
          "walk_in_name, undoes_event_id, shift_duration_ms, wall_time_ms, monotonic_ms, boot_id, flags) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT (event_id) DO NOTHING",
          doing, event.event_id, event.device_id, event.seq, std::string_view(to_string(event.kind)), event.session_id,
          event.shift_id, event.pass_id, event.person_id, event.walk_in_name, event.undoes_event_id,
          event.shift_duration.count(), to_millis(event.wall_time), event.monotonic.count(), event.boot_id,
          event.flags);
      if (!added) return std::unexpected(added.error());
      learned += db.changes();
    }
    auto kept = db.run("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2",
                       doing, kSiteFeedCursorSetting, cursor);
    if (!kept) return std::unexpected(kept.error());
    return learned;
  });
}

Result<SiteEvents> Store::site_events(std::int64_t after_row, WallTime since) {
  if (!impl_) return closed_store();
  SiteEvents found;
  found.last_row = after_row;
  auto read = impl_->db.for_each_row(
      "SELECT row_id, event_id, device_id, seq, kind, session_id, shift_id, pass_id, person_id, walk_in_name, "
      "undoes_event_id, shift_duration_ms, wall_time_ms, monotonic_ms, boot_id, flags FROM site_events "
      "WHERE row_id > ?1 AND wall_time_ms >= ?2 ORDER BY row_id",
      "reading other doors' events",
      [&](const Query& row) -> Result<void> {
        auto event = read_event(row);
        if (!event) return std::unexpected(event.error());
        found.events.push_back(std::move(*event));
        found.last_row = row.int64(0);
        return {};
      },
      after_row, to_millis(since));
  if (!read) return std::unexpected(read.error());
  return found;
}

}  // namespace checkin::store
