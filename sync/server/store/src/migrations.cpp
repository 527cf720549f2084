// SPDX-License-Identifier: AGPL-3.0-or-later
// Numbered schema migrations, the same text on SQLite 3.40 and PostgreSQL 15: TEXT and
// BIGINT columns, booleans as 0/1, times as BIGINT milliseconds since the epoch (UTC).
// Append new steps at the end; never edit a step that has shipped. The version lives in
// the one-row table schema_version; a database from a newer build is refused, never
// "downgraded".
#include <fmt/format.h>

#include <array>

#include "store_internal.hpp"

namespace checkin::server::detail {

namespace {

struct Migration {
  const char* description;
  const char* sql;  // DDL only, no values from outside
};

constexpr std::array kMigrations{
    Migration{
        "initial schema",
        R"sql(
-- One row. Every transaction that changes what kiosks download bumps it first and stamps
-- the rows it changes (change_seq); kiosks' cursors follow it.
CREATE TABLE change_counter (
  singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
  value BIGINT NOT NULL
);
INSERT INTO change_counter (singleton, value) VALUES (1, 0);

-- A random id chosen when the database is created (see migrate()). Cursors carry it, so a
-- kiosk's cursor from another database (a replaced server, a copy) means a full resync.
CREATE TABLE database_identity (
  singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
  id TEXT NOT NULL
);

CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  change_seq BIGINT NOT NULL
);

CREATE TABLE programs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  discreet BIGINT NOT NULL,
  anonymous_allowed BIGINT NOT NULL,
  walk_ins_allowed BIGINT NOT NULL,
  registration TEXT NOT NULL CHECK (registration IN ('open', 'roster')),
  tracks_checkout BIGINT NOT NULL,
  feedback_enabled BIGINT NOT NULL,
  change_seq BIGINT NOT NULL
);
CREATE INDEX programs_change ON programs (change_seq, id);

-- A cancelled session stays as a tombstone so that kiosks learn of the removal.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  program_id TEXT NOT NULL REFERENCES programs (id),
  site_id TEXT NOT NULL REFERENCES sites (id),
  room TEXT NOT NULL,
  start_ms BIGINT NOT NULL,
  end_ms BIGINT NOT NULL,
  window_opens_ms BIGINT NOT NULL,
  window_closes_ms BIGINT NOT NULL,
  capacity BIGINT,
  cancelled BIGINT NOT NULL DEFAULT 0,
  change_seq BIGINT NOT NULL
);
CREATE INDEX sessions_site_change ON sessions (site_id, change_seq, id);
CREATE INDEX sessions_site_start ON sessions (site_id, start_ms);
CREATE INDEX sessions_program ON sessions (program_id);

CREATE TABLE people (
  id TEXT PRIMARY KEY,
  preferred_name TEXT NOT NULL,
  language TEXT NOT NULL,
  change_seq BIGINT NOT NULL
);

CREATE TABLE registrations (
  person_id TEXT NOT NULL REFERENCES people (id),
  program_id TEXT NOT NULL REFERENCES programs (id),
  change_seq BIGINT NOT NULL,
  PRIMARY KEY (person_id, program_id)
);
CREATE INDEX registrations_program ON registrations (program_id);

-- A deleted shift stays as a tombstone so that kiosks learn of the removal.
CREATE TABLE shifts (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id),
  role TEXT NOT NULL,
  start_ms BIGINT NOT NULL,
  end_ms BIGINT NOT NULL,
  deleted BIGINT NOT NULL DEFAULT 0,
  change_seq BIGINT NOT NULL
);
CREATE INDEX shifts_site_change ON shifts (site_id, change_seq, id);
CREATE INDEX shifts_site_start ON shifts (site_id, start_ms);

CREATE TABLE shift_assignments (
  shift_id TEXT NOT NULL REFERENCES shifts (id),
  person_id TEXT NOT NULL REFERENCES people (id),
  change_seq BIGINT NOT NULL,
  PRIMARY KEY (shift_id, person_id)
);
CREATE INDEX shift_assignments_person ON shift_assignments (person_id);

-- seed_text is the Ed25519 seed (SigningKey::to_text()): whoever reads this table can
-- sign passes. Protect the database (file permissions, PostgreSQL roles, backups) like
-- a key file.
CREATE TABLE signing_keys (
  key_id TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  seed_text TEXT NOT NULL,
  generation BIGINT NOT NULL,  -- the change counter at creation: orders keys by age
  created_at_ms BIGINT NOT NULL,
  retired_at_ms BIGINT,
  change_seq BIGINT NOT NULL
);

CREATE TABLE passes (
  pass_id TEXT PRIMARY KEY,
  person_id TEXT NOT NULL REFERENCES people (id),
  key_id TEXT NOT NULL REFERENCES signing_keys (key_id),
  issued_at_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  revoked_at_ms BIGINT,
  change_seq BIGINT NOT NULL
);
CREATE INDEX passes_person ON passes (person_id);

CREATE TABLE revocations (
  pass_id TEXT PRIMARY KEY,
  revoked_at_ms BIGINT NOT NULL,
  change_seq BIGINT NOT NULL
);
CREATE INDEX revocations_change ON revocations (change_seq, pass_id);

-- Settings coordinators set for kiosks; scope '' is every site, else a site id that
-- overrides the global value.
CREATE TABLE kiosk_settings (
  scope TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  change_seq BIGINT NOT NULL,
  PRIMARY KEY (scope, name)
);

-- Only a hash of the device token is stored: a copy of the database cannot act as a kiosk.
CREATE TABLE devices (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  enrolled_at_ms BIGINT NOT NULL,
  last_seen_ms BIGINT,
  last_upload_ms BIGINT,
  clock_offset_ms BIGINT,
  last_seq BIGINT NOT NULL DEFAULT 0,
  revoked_at_ms BIGINT
);

CREATE TABLE enrolment_tokens (
  token_hash TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites (id),
  created_at_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  used_at_ms BIGINT,
  device_id TEXT
);

-- Attendance as the kiosks recorded it (append-only), plus what the server made of it.
-- attendee_key is who the event counts as: 'person:<id>', 'pass:<id>' or, for anonymous
-- check-ins and walk-ins without a pass, 'event:<id>' (each counts on its own).
CREATE TABLE events (
  event_id TEXT PRIMARY KEY,
  device_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('checkin', 'checkout', 'shift_start', 'shift_end',
                                     'anonymous_checkin', 'walk_in', 'undo')),
  session_id TEXT NOT NULL,
  shift_id TEXT NOT NULL,
  pass_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  walk_in_name TEXT NOT NULL,
  undoes_event_id TEXT NOT NULL,
  shift_duration_ms BIGINT NOT NULL,
  wall_time_ms BIGINT NOT NULL,
  monotonic_ms BIGINT NOT NULL,
  boot_id TEXT NOT NULL,
  flags BIGINT NOT NULL,
  uploaded_by TEXT NOT NULL REFERENCES devices (id),
  received_at_ms BIGINT NOT NULL,
  resolved_person_id TEXT NOT NULL,
  attendee_key TEXT NOT NULL,
  counted BIGINT NOT NULL
);
CREATE INDEX events_uploaded_by ON events (uploaded_by, device_id, seq);
CREATE INDEX events_session ON events (session_id, kind);
CREATE INDEX events_undoes ON events (undoes_event_id);

-- The first counted check-in of an attendee per session. Its primary key makes "counted
-- once" race-free when two uploads of the same person commit at once on PostgreSQL.
CREATE TABLE attendance_keys (
  session_id TEXT NOT NULL,
  attendee_key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (session_id, attendee_key)
);

-- Check-out ratings: no person, no time of day. The kiosk's row id makes retries idempotent.
CREATE TABLE feedback (
  device_id TEXT NOT NULL REFERENCES devices (id),
  kiosk_row_id BIGINT NOT NULL,
  session_id TEXT NOT NULL,
  rating BIGINT NOT NULL,
  day TEXT NOT NULL,
  PRIMARY KEY (device_id, kiosk_row_id)
);
CREATE INDEX feedback_session ON feedback (session_id);
)sql"},
    Migration{
        "coordinator tools: accounts, people's sites, session series, shift review, retention",
        R"sql(
-- Dashboard accounts. password_hash is libsodium's Argon2id string (salt and cost inside).
-- username_key is the lower-cased username: sign-in is case-insensitive.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator')),
  created_at_ms BIGINT NOT NULL,
  disabled_at_ms BIGINT
);

-- The sites a coordinator works for (admins see every site).
CREATE TABLE account_sites (
  account_id TEXT NOT NULL REFERENCES accounts (id),
  site_id TEXT NOT NULL REFERENCES sites (id),
  PRIMARY KEY (account_id, site_id)
);

-- Signed-in browsers. Only a hash of the cookie's token is stored.
CREATE TABLE web_sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  csrf_token TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  last_used_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE INDEX web_sessions_account ON web_sessions (account_id);

-- Failed sign-ins per lower-cased username (known or not), for slowing down guessing.
CREATE TABLE sign_in_failures (
  username_key TEXT PRIMARY KEY,
  failures BIGINT NOT NULL,
  last_failure_ms BIGINT NOT NULL
);

-- The site a person takes part at: coordinators see the people of their sites. Empty for
-- people made before sites were recorded (admins see them).
ALTER TABLE people ADD COLUMN site_id TEXT NOT NULL DEFAULT '';
CREATE INDEX people_site ON people (site_id);

-- Sessions made together as a weekly series share its id ('' for a single session).
ALTER TABLE sessions ADD COLUMN series_id TEXT NOT NULL DEFAULT '';

-- A coordinator's decision on a shift end the kiosk made automatically (auto_closed).
CREATE TABLE shift_reviews (
  event_id TEXT PRIMARY KEY REFERENCES events (event_id),
  decision TEXT NOT NULL CHECK (decision IN ('confirmed', 'edited', 'rejected')),
  worked_ms BIGINT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at_ms BIGINT NOT NULL
);

-- Organisation-wide settings of the server itself (not the kiosks'), e.g. retention.
CREATE TABLE server_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Attendance of discreet programs' sessions, once reduced to counts by retention: the
-- session's events then carry no person, pass or name.
CREATE TABLE attendance_summaries (
  session_id TEXT PRIMARY KEY,
  attendees BIGINT NOT NULL,
  anonymous BIGINT NOT NULL,
  walk_ins BIGINT NOT NULL,
  reduced_at_ms BIGINT NOT NULL
);
CREATE INDEX events_kind_time ON events (kind, wall_time_ms);
-- Reports and the live board ask "was this check-in undone?" for every check-in: without
-- this index SQLite answers it through events_kind_time, reading every undo each time.
CREATE INDEX events_undoes_kind ON events (undoes_event_id, kind);
)sql"},
    Migration{
        "sites with several doors: the site feed, corrections, kiosk names and successors, the audit trail",
        R"sql(
-- The site feed's order. A transaction that adds attendance takes the next value and stamps
-- the events it adds (feed_seq); writers are serialised (SQLite's lock, PostgreSQL's
-- advisory write lock), so commit order is stamp order and a kiosk's feed cursor never
-- skips an event committed late. Events from before this version keep 0.
CREATE TABLE feed_counter (
  singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
  value BIGINT NOT NULL
);
INSERT INTO feed_counter (singleton, value) VALUES (1, 0);
ALTER TABLE events ADD COLUMN feed_seq BIGINT NOT NULL DEFAULT 0;
-- The site of the event's session or shift (of the undone event's, for an undo).
ALTER TABLE events ADD COLUMN site_id TEXT NOT NULL DEFAULT '';
UPDATE events SET site_id = COALESCE(
  (SELECT s.site_id FROM sessions s WHERE s.id = events.session_id),
  (SELECT sh.site_id FROM shifts sh WHERE sh.id = events.shift_id), '');
CREATE INDEX events_site_feed ON events (site_id, feed_seq, event_id);
CREATE INDEX events_shift ON events (shift_id, kind);

-- kind 'desk': a site's coordinators, the device of the corrections made in the dashboard
-- and on the command line (no token opens it). local_id: the "local-..." id a kiosk's
-- events carried before its first enrolment. replaces / replaced_by: a kiosk enrolled
-- again, proving it was the device it replaces; the new one uploads the old one's events.
ALTER TABLE devices ADD COLUMN kind TEXT NOT NULL DEFAULT 'kiosk';
ALTER TABLE devices ADD COLUMN local_id TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN replaces TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN replaced_by TEXT NOT NULL DEFAULT '';
CREATE INDEX devices_replaces ON devices (replaces);
CREATE INDEX devices_site ON devices (site_id, kind);

-- The kiosk's name when the coordinator gave one with the code ('' lets the kiosk propose).
ALTER TABLE enrolment_tokens ADD COLUMN device_name TEXT NOT NULL DEFAULT '';

-- Who changed what and who looked at identified attendance: account (or '' for the
-- command line), time, action and object ids. Never an attendee's name.
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  account_id TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at_ms, id);
CREATE INDEX audit_log_account ON audit_log (account_id, at_ms);
CREATE INDEX audit_log_object ON audit_log (object_id);
)sql"},
    Migration{
        "privacy: discreet programs' public alias, retention per program",
        R"sql(
-- What kiosks show for a discreet program ("Evening group, Room 2"); '' shows "A group
-- session". Kiosks never receive a discreet program's real name: the discreet programs are
-- stamped with a new change so that every kiosk replaces the name it holds.
ALTER TABLE programs ADD COLUMN public_alias TEXT NOT NULL DEFAULT '';
UPDATE change_counter SET value = value + 1 WHERE singleton = 1;
UPDATE programs SET change_seq = (SELECT value FROM change_counter WHERE singleton = 1) WHERE discreet <> 0;

-- How long a program's attendance stays identified when it is not the default of its kind
-- (the server settings retention.discreet_days and retention.other_days).
CREATE TABLE program_retention (
  program_id TEXT PRIMARY KEY REFERENCES programs (id),
  days BIGINT NOT NULL
);
)sql"},
    Migration{
        "device tokens roll: a new token waits for its first use, kiosks roll on a schedule or on request",
        R"sql(
-- A rolled token waits here until the kiosk first uses it; the token before it works until
-- then, so a kiosk that lost the answer to a roll, or was offline, is never locked out.
ALTER TABLE devices ADD COLUMN next_token_hash TEXT NOT NULL DEFAULT '';
-- Since when the token in use works (enrolment, or the first use of a rolled token).
ALTER TABLE devices ADD COLUMN token_since_ms BIGINT NOT NULL DEFAULT 0;
UPDATE devices SET token_since_ms = enrolled_at_ms;
-- A coordinator asked for a new token (the Kiosks page): the kiosk rolls at its next sync.
ALTER TABLE devices ADD COLUMN roll_requested_ms BIGINT;
)sql"},
};

}  // namespace

int known_schema_version() { return static_cast<int>(kMigrations.size()); }

Result<void> migrate(sql::Connection& connection) {
  auto transaction = sql::Transaction::begin(connection, true);
  if (!transaction) return std::unexpected(transaction.error());
  // Two server processes starting together on one PostgreSQL must not both migrate.
  // (SQLite's write transaction already excludes the other.)
  if (connection.backend() == sql::Backend::postgresql) {
    STORE_CHECK(run(connection, "SELECT pg_advisory_xact_lock(727465)"));
  }
  STORE_CHECK(connection.execute_script(
      "CREATE TABLE IF NOT EXISTS schema_version (\n"
      "  singleton BIGINT PRIMARY KEY CHECK (singleton = 1),\n"
      "  version BIGINT NOT NULL\n"
      ");"));
  STORE_TRY(rows, run(connection, "SELECT version FROM schema_version WHERE singleton = 1"));
  const std::int64_t current = rows.empty() ? 0 : rows.front().integer(0);
  const std::int64_t known = known_schema_version();
  if (current > known)
    return fail(Errc::storage_io,
                fmt::format("the database has schema version {}, newer than this server's {}: use a newer "
                            "checkin-server",
                            current, known));
  for (std::int64_t step = current; step < known; ++step) {
    if (auto applied = connection.execute_script(kMigrations[static_cast<std::size_t>(step)].sql); !applied)
      return fail(applied.error().code, fmt::format("migration {} ({}) failed: {}", step + 1,
                                                    kMigrations[static_cast<std::size_t>(step)].description,
                                                    applied.error().message));
  }
  if (rows.empty()) {
    STORE_CHECK(run(connection, "INSERT INTO schema_version (singleton, version) VALUES (1, $1)", {integer(known)}));
  } else if (current != known) {
    STORE_CHECK(run(connection, "UPDATE schema_version SET version = $1 WHERE singleton = 1", {integer(known)}));
  }
  STORE_CHECK(run(connection,
                  "INSERT INTO database_identity (singleton, id) VALUES (1, $1) ON CONFLICT (singleton) DO NOTHING",
                  {text(random_token().substr(0, 16))}));
  return transaction->commit();
}

Result<std::string> database_identity(sql::Connection& connection) {
  STORE_TRY(rows, run(connection, "SELECT id FROM database_identity WHERE singleton = 1"));
  if (rows.empty()) return fail(Errc::storage_corrupt, "the database_identity row is missing");
  return rows.front().text(0);
}

}  // namespace checkin::server::detail
