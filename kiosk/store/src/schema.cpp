// SPDX-License-Identifier: AGPL-3.0-or-later
#include "schema.hpp"

#include <fmt/format.h>

#include <array>

namespace checkin::store {

namespace {

struct Migration {
  const char* description;
  const char* sql;  // DDL only, no values
};

// Append new steps at the end; never edit a step that has shipped.
constexpr std::array kMigrations{
    Migration{
        "initial schema",
        R"sql(
CREATE TABLE device_meta (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  device_id TEXT NOT NULL CHECK (device_id <> '')
);

-- The last sequence number handed out per device. Kept apart from the log so that
-- purging uploaded events can never make a sequence number be used twice.
CREATE TABLE device_sequences (
  device_id TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL CHECK (last_seq > 0)
);

CREATE TABLE attendance_log (
  log_id INTEGER PRIMARY KEY,  -- commit order
  event_id TEXT NOT NULL UNIQUE CHECK (event_id <> ''),
  device_id TEXT NOT NULL CHECK (device_id <> ''),
  seq INTEGER NOT NULL CHECK (seq > 0),
  kind TEXT NOT NULL CHECK (kind IN ('checkin', 'checkout', 'shift_start', 'shift_end',
                                     'anonymous_checkin', 'walk_in', 'undo')),
  session_id TEXT NOT NULL,
  shift_id TEXT NOT NULL,
  pass_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  walk_in_name TEXT NOT NULL,
  undoes_event_id TEXT NOT NULL,
  shift_duration_ms INTEGER NOT NULL,
  wall_time_ms INTEGER NOT NULL,
  monotonic_ms INTEGER NOT NULL,
  boot_id TEXT NOT NULL,
  flags INTEGER NOT NULL,
  UNIQUE (device_id, seq)
);
CREATE INDEX attendance_log_wall_time ON attendance_log (wall_time_ms);
CREATE INDEX attendance_log_session ON attendance_log (session_id);
CREATE INDEX attendance_log_shift ON attendance_log (shift_id);
CREATE INDEX attendance_log_undoes ON attendance_log (undoes_event_id);

-- The one place that fixes the column order the event reader expects.
CREATE VIEW event_rows AS
  SELECT log_id, event_id, device_id, seq, kind, session_id, shift_id, pass_id, person_id,
         walk_in_name, undoes_event_id, shift_duration_ms, wall_time_ms, monotonic_ms,
         boot_id, flags
  FROM attendance_log;

-- Exactly one row per logged event; deleting the event deletes its row.
CREATE TABLE outbox (
  event_id TEXT PRIMARY KEY REFERENCES attendance_log (event_id) ON DELETE CASCADE,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'uploaded', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  dead_letter_reason TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX outbox_state ON outbox (state);

CREATE TABLE programs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  discreet INTEGER NOT NULL,
  anonymous_allowed INTEGER NOT NULL,
  walk_ins_allowed INTEGER NOT NULL,
  registration TEXT NOT NULL CHECK (registration IN ('open', 'roster')),
  tracks_checkout INTEGER NOT NULL,
  feedback_enabled INTEGER NOT NULL
);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  program_id TEXT NOT NULL REFERENCES programs (id),
  site_id TEXT NOT NULL,
  room TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL,
  window_opens_ms INTEGER NOT NULL,
  window_closes_ms INTEGER NOT NULL,
  capacity INTEGER
);
CREATE INDEX sessions_program ON sessions (program_id);
CREATE TABLE shifts (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  role TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER NOT NULL
);
CREATE TABLE shift_assignments (
  shift_id TEXT NOT NULL REFERENCES shifts (id) ON DELETE CASCADE,
  person_id TEXT NOT NULL,
  PRIMARY KEY (shift_id, person_id)
);

-- Only what a kiosk may know of a person: no surname.
CREATE TABLE people (
  id TEXT PRIMARY KEY,
  preferred_name TEXT NOT NULL,
  language TEXT NOT NULL
);
CREATE TABLE registrations (
  person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  program_id TEXT NOT NULL,
  PRIMARY KEY (person_id, program_id)
);
CREATE TABLE passes (
  pass_id_hex TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE
);
CREATE INDEX passes_person ON passes (person_id);

CREATE TABLE revocations (
  pass_id_hex TEXT PRIMARY KEY,
  revoked_at_ms INTEGER NOT NULL
);
CREATE TABLE public_keys (
  key_id_hex TEXT PRIMARY KEY,
  public_key_hex TEXT NOT NULL
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Deliberately no person, no event, no time of day: only which session, the rating and
-- the day. The id is random so that row order cannot be matched to check-out order.
CREATE TABLE feedback (
  id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL,
  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  day TEXT NOT NULL
);
)sql"},
    Migration{
        "the site's other doors",
        R"sql(
-- What the site's other doors recorded and coordinators corrected, as the site feed
-- relayed it: the ledger learns it like the kiosk's own events, at start too. Never
-- uploaded; purged with the kiosk's own uploaded events. row_id is arrival order.
CREATE TABLE site_events (
  row_id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE CHECK (event_id <> ''),
  device_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('checkin', 'checkout', 'shift_start', 'shift_end',
                                     'anonymous_checkin', 'walk_in', 'undo')),
  session_id TEXT NOT NULL,
  shift_id TEXT NOT NULL,
  pass_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  walk_in_name TEXT NOT NULL,
  undoes_event_id TEXT NOT NULL,
  shift_duration_ms INTEGER NOT NULL,
  wall_time_ms INTEGER NOT NULL,
  monotonic_ms INTEGER NOT NULL,
  boot_id TEXT NOT NULL,
  flags INTEGER NOT NULL
);
CREATE INDEX site_events_wall_time ON site_events (wall_time_ms);
)sql"},
};

}  // namespace

int latest_schema_version() { return static_cast<int>(kMigrations.size()); }

Result<int> schema_version_of(sqlite::Connection& connection) {
  auto version = connection.single_int64("PRAGMA user_version", "reading the schema version");
  if (!version) return std::unexpected(version.error());
  return static_cast<int>(*version);
}

Result<void> check_version_supported(int version) {
  if (version <= latest_schema_version()) return {};
  return fail(Errc::storage_io, fmt::format("it has schema version {}, newer than this software supports ({}): "
                                            "update the kiosk software or use another database file",
                                            version, latest_schema_version()));
}

Result<void> migrate(sqlite::Connection& connection) {
  const int latest = latest_schema_version();
  while (true) {
    auto transaction = sqlite::Transaction::begin(connection, "migrating the schema");
    if (!transaction) return std::unexpected(transaction.error());
    // Read inside the transaction: another process may have migrated meanwhile.
    auto version = schema_version_of(connection);
    if (!version) return std::unexpected(version.error());
    if (auto supported = check_version_supported(*version); !supported) return supported;
    if (*version == latest) return {};  // the transaction rolls back: nothing to do

    const Migration& step = kMigrations[static_cast<std::size_t>(*version)];
    const std::string doing = fmt::format("migrating the schema to version {} ({})", *version + 1, step.description);
    if (auto applied = connection.exec(step.sql, doing); !applied) return applied;
    // PRAGMA takes no bound parameters; the value is our own step number, not input.
    const std::string set_version = fmt::format("PRAGMA user_version = {}", *version + 1);
    if (auto stamped = connection.exec(set_version.c_str(), doing); !stamped) return stamped;
    if (auto committed = transaction->commit(); !committed) return committed;
  }
}

}  // namespace checkin::store
