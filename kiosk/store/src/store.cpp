// SPDX-License-Identifier: AGPL-3.0-or-later
// The attendance log, its outbox, opening and health checks.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>

#include "schema.hpp"
#include "store_impl.hpp"

namespace checkin::store {

namespace {

using sqlite::Connection;
using sqlite::Query;

Result<void> configure_for_writing(Connection& db) {
  // WAL: a reader never blocks the writer, and a commit is one append + fsync.
  std::string journal_mode;
  auto switched = db.for_each_row("PRAGMA journal_mode = WAL", "switching to write-ahead logging",
                                  [&](const Query& row) -> Result<void> {
                                    journal_mode = row.text(0);
                                    return {};
                                  });
  if (!switched) return switched;
  if (journal_mode != "wal")
    return fail(Errc::storage_io, "switching to write-ahead logging failed: the file system does not support it");
  // FULL: a commit is on disk before append() returns, so power loss keeps every check-in
  // the screen showed as accepted. secure_delete: purged personal data is overwritten.
  return db.exec("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON",
                 "configuring the connection");
}

}  // namespace

Result<AttendanceEvent> read_event(const Query& row) {
  AttendanceEvent event;
  event.event_id = row.text(1);
  event.device_id = row.text(2);
  event.seq = row.int64(3);
  auto kind = event_kind_from_string(row.text(4));
  if (!kind)
    return fail(Errc::storage_corrupt, fmt::format("reading event {} failed: unknown kind '{}'", event.event_id,
                                                   row.text(4)));
  event.kind = *kind;
  event.session_id = row.text(5);
  event.shift_id = row.text(6);
  event.pass_id = row.text(7);
  event.person_id = row.text(8);
  event.walk_in_name = row.text(9);
  event.undoes_event_id = row.text(10);
  event.shift_duration = Millis{row.int64(11)};
  event.wall_time = wall_time_from_millis(row.int64(12));
  event.monotonic = Millis{row.int64(13)};
  event.boot_id = row.text(14);
  event.flags = static_cast<std::uint32_t>(row.int64(15));
  return event;
}

namespace {

// Runs a query over event_rows and returns its events in the order of the rows.
template <class... Args>
Result<std::vector<AttendanceEvent>> query_events(Connection& db, std::string_view sql, std::string_view doing,
                                                  const Args&... args) {
  std::vector<AttendanceEvent> events;
  auto read = db.for_each_row(
      sql, doing,
      [&](const Query& row) -> Result<void> {
        auto event = read_event(row);
        if (!event) return std::unexpected(event.error());
        events.push_back(std::move(*event));
        return {};
      },
      args...);
  if (!read) return std::unexpected(read.error());
  return events;
}

// Events of several sessions or shifts, deduplicated and in commit order.
Result<std::vector<AttendanceEvent>> events_for_each(Connection& db, std::string_view sql, std::string_view doing,
                                                     std::span<const Id> ids) {
  std::map<std::int64_t, AttendanceEvent> by_log_id;
  for (const Id& id : ids) {
    auto read = db.for_each_row(
        sql, doing,
        [&](const Query& row) -> Result<void> {
          auto event = read_event(row);
          if (!event) return std::unexpected(event.error());
          by_log_id.emplace(row.int64(0), std::move(*event));
          return {};
        },
        id);
    if (!read) return std::unexpected(read.error());
  }
  std::vector<AttendanceEvent> events;
  events.reserve(by_log_id.size());
  for (auto& [log_id, event] : by_log_id) events.push_back(std::move(event));
  return events;
}

Result<void> validate_for_append(const AttendanceEvent& event) {
  if (event.event_id.empty()) return fail(Errc::invalid_input, "recording an event failed: it has no event_id");
  if (event.device_id.empty())
    return fail(Errc::invalid_input, fmt::format("recording event {} failed: it has no device_id", event.event_id));
  return {};
}

Result<Connection> open_connection(const std::string& path, const OpenOptions& options) {
  const int flags =
      SQLITE_OPEN_NOMUTEX | (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  auto connection = Connection::open(path, flags, options.vfs);
  if (!connection) return connection;
  // SQLite silently falls back to read-only when the file cannot be opened for writing.
  if (!options.read_only && connection->read_only())
    return fail(Errc::storage_readonly, "storage read-only: the file cannot be written");
  sqlite3_busy_timeout(connection->handle(), static_cast<int>(options.busy_timeout.count()));

  // The first read of the file: a garbage file fails here as storage_corrupt.
  auto version = schema_version_of(*connection);
  if (!version) return std::unexpected(version.error());
  if (auto supported = check_version_supported(*version); !supported) return std::unexpected(supported.error());

  if (options.read_only) {
    if (*version != latest_schema_version())
      return fail(Errc::storage_io, fmt::format("it has schema version {}, this software needs {}: open it once "
                                                "for writing to migrate it",
                                                *version, latest_schema_version()));
    if (auto configured = connection->exec("PRAGMA foreign_keys = ON", "configuring the connection"); !configured)
      return std::unexpected(configured.error());
    return connection;
  }
  if (auto configured = configure_for_writing(*connection); !configured) return std::unexpected(configured.error());
  if (auto migrated = migrate(*connection); !migrated) return std::unexpected(migrated.error());
  return connection;
}

}  // namespace

int Store::schema_version() { return latest_schema_version(); }

Result<Store> Store::open(const std::string& path, const OpenOptions& options) {
  auto connection = open_connection(path, options);
  if (!connection) {
    const Error& error = connection.error();
    return fail(error.code, fmt::format("opening database {}: {}", path, error.message));
  }
  return Store(std::make_unique<Impl>(Impl{path, std::move(*connection)}));
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

const std::string& Store::path() const {
  static const std::string closed;
  return impl_ ? impl_->path : closed;
}

// --- attendance log ---

Result<std::vector<AttendanceEvent>> Store::append(std::span<const AttendanceEvent> events) {
  if (!impl_) return closed_store();
  for (const auto& event : events)
    if (auto valid = validate_for_append(event); !valid) return std::unexpected(valid.error());
  if (events.empty()) return std::vector<AttendanceEvent>{};

  Connection& db = impl_->db;
  const std::string doing = events.size() == 1 ? fmt::format("recording event {}", events[0].event_id)
                                               : fmt::format("recording {} events", events.size());
  std::vector<AttendanceEvent> committed(events.begin(), events.end());
  auto recorded = sqlite::in_transaction(db, doing, [&]() -> Result<void> {
    for (auto& event : committed) {
      // Inside the write transaction, so no other connection can take the same number.
      auto seq = db.single_int64(
          "INSERT INTO device_sequences (device_id, last_seq) VALUES (?1, 1) "
          "ON CONFLICT (device_id) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
          doing, event.device_id);
      if (!seq) return std::unexpected(seq.error());
      event.seq = *seq;
      auto logged = db.run(
          "INSERT INTO attendance_log (event_id, device_id, seq, kind, session_id, shift_id, pass_id, person_id, "
          "walk_in_name, undoes_event_id, shift_duration_ms, wall_time_ms, monotonic_ms, boot_id, flags) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
          doing, event.event_id, event.device_id, event.seq, std::string_view(to_string(event.kind)),
          event.session_id, event.shift_id, event.pass_id, event.person_id, event.walk_in_name,
          event.undoes_event_id, event.shift_duration.count(), to_millis(event.wall_time), event.monotonic.count(),
          event.boot_id, event.flags);
      if (!logged) return logged;
      auto queued = db.run("INSERT INTO outbox (event_id) VALUES (?1)", doing, event.event_id);
      if (!queued) return queued;
    }
    return {};
  });
  if (!recorded) return std::unexpected(recorded.error());
  return committed;
}

Result<std::vector<AttendanceEvent>> Store::events_since(WallTime since) {
  if (!impl_) return closed_store();
  return query_events(impl_->db, "SELECT * FROM event_rows WHERE wall_time_ms >= ?1 ORDER BY log_id",
                      "reading recent events", to_millis(since));
}

Result<std::vector<AttendanceEvent>> Store::events_for_sessions(std::span<const Id> session_ids) {
  if (!impl_) return closed_store();
  return events_for_each(impl_->db,
                         "SELECT * FROM event_rows WHERE session_id = ?1 OR undoes_event_id IN "
                         "(SELECT event_id FROM attendance_log WHERE session_id = ?1)",
                         "reading the events of sessions", session_ids);
}

Result<std::vector<AttendanceEvent>> Store::events_for_shifts(std::span<const Id> shift_ids) {
  if (!impl_) return closed_store();
  return events_for_each(impl_->db,
                         "SELECT * FROM event_rows WHERE shift_id = ?1 OR undoes_event_id IN "
                         "(SELECT event_id FROM attendance_log WHERE shift_id = ?1)",
                         "reading the events of shifts", shift_ids);
}

// --- outbox ---

Result<std::vector<AttendanceEvent>> Store::pending_uploads(std::size_t limit) {
  if (!impl_) return closed_store();
  // Commit order is each device's sequence order (and stays in order across a re-enrolment).
  return query_events(impl_->db,
                      "SELECT e.* FROM outbox o JOIN event_rows e ON e.event_id = o.event_id "
                      "WHERE o.state = 'pending' ORDER BY e.log_id LIMIT ?1",
                      "reading pending uploads", static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
}

Result<std::int64_t> Store::mark_uploaded(std::span<const std::string> event_ids) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  return sqlite::in_transaction(db, "marking events uploaded", [&]() -> Result<std::int64_t> {
    std::int64_t changed = 0;
    for (const auto& event_id : event_ids) {
      auto marked = db.run("UPDATE outbox SET state = 'uploaded' WHERE event_id = ?1 AND state <> 'uploaded'",
                           "marking events uploaded", event_id);
      if (!marked) return std::unexpected(marked.error());
      changed += db.changes();
    }
    return changed;
  });
}

Result<void> Store::note_upload_failure(std::span<const std::string> event_ids, std::string_view error) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  return sqlite::in_transaction(db, "noting an upload failure", [&]() -> Result<void> {
    for (const auto& event_id : event_ids) {
      auto noted = db.run(
          "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE event_id = ?1 AND state = 'pending'",
          "noting an upload failure", event_id, error);
      if (!noted) return noted;
    }
    return {};
  });
}

Result<void> Store::mark_dead_letter(std::string_view event_id, std::string_view reason) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  const std::string doing = fmt::format("setting event {} aside as a dead letter", event_id);
  auto marked = db.run(
      "UPDATE outbox SET state = 'dead', dead_letter_reason = ?2, attempts = attempts + 1 WHERE event_id = ?1",
      doing, event_id, reason);
  if (!marked) return marked;
  if (db.changes() == 0) return fail(Errc::not_found, fmt::format("{} failed: no such event", doing));
  return {};
}

Result<void> Store::requeue_dead_letter(std::string_view event_id) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  const std::string doing = fmt::format("queueing dead letter {} for upload again", event_id);
  auto requeued = db.run(
      "UPDATE outbox SET state = 'pending', dead_letter_reason = '' WHERE event_id = ?1 AND state = 'dead'", doing,
      event_id);
  if (!requeued) return requeued;
  if (db.changes() == 0) return fail(Errc::not_found, fmt::format("{} failed: no such dead letter", doing));
  return {};
}

Result<std::vector<DeadLetter>> Store::dead_letters() {
  if (!impl_) return closed_store();
  std::vector<DeadLetter> letters;
  auto read = impl_->db.for_each_row(
      "SELECT e.*, o.dead_letter_reason, o.attempts, o.last_error FROM outbox o "
      "JOIN event_rows e ON e.event_id = o.event_id WHERE o.state = 'dead' ORDER BY e.log_id",
      "reading dead letters", [&](const Query& row) -> Result<void> {
        auto event = read_event(row);
        if (!event) return std::unexpected(event.error());
        letters.push_back(DeadLetter{std::move(*event), row.text(16), row.int64(17), row.text(18)});
        return {};
      });
  if (!read) return std::unexpected(read.error());
  return letters;
}

Result<OutboxCounts> Store::outbox_counts() {
  if (!impl_) return closed_store();
  OutboxCounts counts;
  auto read = impl_->db.for_each_row(
      "SELECT state, count(*) FROM outbox GROUP BY state", "counting the outbox", [&](const Query& row) -> Result<void> {
        const std::string state = row.text(0);
        if (state == "pending") counts.pending = row.int64(1);
        else if (state == "uploaded") counts.uploaded = row.int64(1);
        else if (state == "dead") counts.dead = row.int64(1);
        return {};
      });
  if (!read) return std::unexpected(read.error());
  return counts;
}

Result<std::int64_t> Store::purge_uploaded_before(WallTime cutoff) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  return sqlite::in_transaction(db, "purging uploaded events", [&]() -> Result<std::int64_t> {
    // The outbox rows go with their events (ON DELETE CASCADE).
    auto purged = db.run(
        "DELETE FROM attendance_log WHERE wall_time_ms < ?1 "
        "AND event_id IN (SELECT event_id FROM outbox WHERE state = 'uploaded')",
        "purging uploaded events", to_millis(cutoff));
    if (!purged) return std::unexpected(purged.error());
    const std::int64_t own = db.changes();
    auto others = db.run("DELETE FROM site_events WHERE wall_time_ms < ?1", "purging other doors' events",
                         to_millis(cutoff));
    if (!others) return std::unexpected(others.error());
    return own;
  });
}

// --- health ---

Result<void> Store::integrity_check() {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  std::vector<std::string> findings;
  auto checked = db.for_each_row("PRAGMA integrity_check", "checking database integrity",
                                 [&](const Query& row) -> Result<void> {
                                   if (row.text(0) != "ok") findings.push_back(row.text(0));
                                   return {};
                                 });
  if (!checked) return checked;
  auto keys_checked = db.for_each_row("PRAGMA foreign_key_check", "checking foreign keys",
                                      [&](const Query& row) -> Result<void> {
                                        findings.push_back(fmt::format("row {} of {} refers to a missing {} row",
                                                                       row.int64(1), row.text(0), row.text(2)));
                                        return {};
                                      });
  if (!keys_checked) return keys_checked;
  if (findings.empty()) return {};
  if (findings.size() > 5) findings.resize(5);
  return fail(Errc::storage_corrupt,
              fmt::format("database {} failed its integrity check: {}", impl_->path, fmt::join(findings, "; ")));
}

}  // namespace checkin::store
