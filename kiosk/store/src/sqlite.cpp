// SPDX-License-Identifier: AGPL-3.0-or-later
#include "sqlite.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace checkin::store::sqlite {

namespace {

// The OS error behind an open or I/O failure says whether the disk is full or read-only
// (a file system remounted read-only surfaces as an I/O error with EROFS).
std::optional<Errc> errc_from_system_errno(int system_errno) {
  switch (system_errno) {
    case ENOSPC:
    case EDQUOT: return Errc::storage_full;
    case EROFS:
    case EACCES:
    case EPERM: return Errc::storage_readonly;
    default: return std::nullopt;
  }
}

Errc errc_from(int rc, int system_errno) {
  switch (rc & 0xff) {
    case SQLITE_FULL: return Errc::storage_full;
    case SQLITE_READONLY: return Errc::storage_readonly;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Errc::storage_corrupt;
    case SQLITE_CONSTRAINT: return Errc::invalid_input;  // duplicate ids, dangling references
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PERM: return errc_from_system_errno(system_errno).value_or(Errc::storage_io);
    default: return Errc::storage_io;
  }
}

}  // namespace

Error error_from(sqlite3* db, int rc, std::string_view doing) {
  int system_errno = db ? sqlite3_system_errno(db) : 0;
  Errc code = errc_from(rc, system_errno);
  // sqlite3_errmsg is more specific ("UNIQUE constraint failed: ...") but only when the
  // connection's last error is this one.
  const char* detail = (db && sqlite3_extended_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = fmt::format("{} failed: {}: {}", doing, to_string(code), detail);
  if (system_errno != 0 && ((rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_IOERR))
    message += fmt::format(" ({})", std::strerror(system_errno));
  return Error{code, std::move(message)};
}

// --- Query ---

Query::Query(Query&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), doing_(other.doing_), bind_error_(other.bind_error_) {}

Query::~Query() {
  if (!stmt_) return;
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Query& Query::bind(int index, std::string_view text) {
  // An empty view may have no data at all; SQLite would bind that as NULL, not as "".
  int rc = sqlite3_bind_text64(stmt_, index, text.data() ? text.data() : "", text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Query& Query::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Query& Query::bind(int index, std::optional<std::int64_t> value) {
  if (value) return bind(index, *value);
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
  return *this;
}

Result<bool> Query::step() {
  if (bind_error_ != SQLITE_OK) return std::unexpected(error_from(nullptr, bind_error_, doing_));
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(error_from(db_, rc, doing_));
}

Result<void> Query::run() {
  while (true) {
    auto row = step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
  }
}

Result<std::int64_t> Query::single_int64() {
  auto row = step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(Errc::storage_io, fmt::format("{} failed: no result row", doing_));
  std::int64_t value = int64(0);
  // Step to the end: a RETURNING statement finishes its work only then.
  if (auto done = run(); !done) return std::unexpected(done.error());
  return value;
}

std::string Query::text(int column) const {
  auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!bytes) return {};
  return std::string(bytes, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

// --- Connection ---

Result<Connection> Connection::open(const std::string& path, int flags, const std::string& vfs) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    Error error = error_from(db, rc, "opening the file");
    sqlite3_close_v2(db);  // a handle is returned even on failure
    return std::unexpected(std::move(error));
  }
  sqlite3_extended_result_codes(db, 1);
  return Connection(db);
}

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), statements_(std::move(other.statements_)) {
  other.statements_.clear();
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  if (db_) sqlite3_close_v2(db_);
}

Result<Query> Connection::query(std::string_view sql, std::string_view doing) {
  auto cached = statements_.find(sql);
  if (cached != statements_.end()) return Query(db_, cached->second, doing);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error_from(db_, rc, doing));
  statements_.emplace(sql, stmt);
  return Query(db_, stmt, doing);
}

Result<void> Connection::exec(const char* sql, std::string_view doing) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error_from(db_, rc, doing));
  return {};
}

// --- Transaction ---

Result<Transaction> Transaction::begin(Connection& connection, std::string_view doing) {
  auto begin = connection.query("BEGIN IMMEDIATE", doing);
  if (!begin) return std::unexpected(begin.error());
  if (auto started = begin->run(); !started) return std::unexpected(started.error());
  return Transaction(connection, doing);
}

Result<void> Transaction::commit() {
  auto commit = connection_->query("COMMIT", doing_);
  if (!commit) return std::unexpected(commit.error());
  // On failure (disk full while writing the WAL) the transaction may still be open:
  // the destructor rolls it back.
  if (auto committed = commit->run(); !committed) return std::unexpected(committed.error());
  connection_ = nullptr;
  return {};
}

Transaction::~Transaction() {
  if (!connection_ || !connection_->in_transaction()) return;
  // SQLite may already have rolled back after an I/O error; ROLLBACK then is harmless.
  if (auto rollback = connection_->query("ROLLBACK", doing_)) (void)rollback->run();
}

}  // namespace checkin::store::sqlite
