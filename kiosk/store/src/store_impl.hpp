// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Shared by the store's source files: the connection behind a Store and small helpers.
#include <string>

#include "checkin/store/store.hpp"
#include "sqlite.hpp"

namespace checkin::store {

struct Store::Impl {
  std::string path;
  sqlite::Connection db;
};

// Every method of a moved-from Store answers this instead of crashing.
inline std::unexpected<Error> closed_store() {
  return fail(Errc::storage_io, "the store is closed (it was moved from)");
}

// Reads one row of the event_rows view, or of site_events (the same columns: a row id,
// then the event's fields in schema.cpp's order).
Result<AttendanceEvent> read_event(const sqlite::Query& row);

inline std::int64_t to_millis(WallTime t) { return t.time_since_epoch().count(); }
inline WallTime wall_time_from_millis(std::int64_t ms) { return WallTime{Millis{ms}}; }

}  // namespace checkin::store
