// SPDX-License-Identifier: AGPL-3.0-or-later
// The SQLite backend: one file, WAL, every commit on disk before it is acknowledged.
#include <fmt/format.h>
#include <sqlite3.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <utility>

#include "backends.hpp"

namespace checkin::sql::detail {

namespace {

// Long enough for a queue of writers behind BEGIN IMMEDIATE on a slow SD card; short
// enough that a wedged writer shows up as "unavailable" rather than a hung request.
constexpr int busy_timeout_ms = 10'000;

std::optional<Errc> errc_from_system_errno(int system_errno) {
  switch (system_errno) {
    case ENOSPC:
    case EDQUOT: return Errc::storage_full;
    case EROFS: return Errc::storage_readonly;
    default: return std::nullopt;
  }
}

Errc errc_from(int extended_rc, int system_errno) {
  switch (extended_rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_FOREIGNKEY: return Errc::conflict;
    default: break;
  }
  switch (extended_rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Errc::unavailable;
    case SQLITE_FULL: return Errc::storage_full;
    case SQLITE_READONLY: return Errc::storage_readonly;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Errc::storage_corrupt;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN: return errc_from_system_errno(system_errno).value_or(Errc::storage_io);
    default: return Errc::storage_io;
  }
}

Error error_from(sqlite3* db, int rc, std::string_view doing) {
  int system_errno = db ? sqlite3_system_errno(db) : 0;
  Errc code = errc_from(rc, system_errno);
  // sqlite3_errmsg names the constraint or table, but only if this rc is the connection's last.
  const char* detail = (db && sqlite3_extended_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = fmt::format("SQLite: {}: {}", doing, detail);
  if (system_errno != 0 && ((rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_IOERR))
    message += fmt::format(" ({})", std::strerror(system_errno));
  return Error{code, std::move(message)};
}

bool only_space(const char* text) {
  for (; *text; ++text)
    if (!std::isspace(static_cast<unsigned char>(*text)) && *text != ';') return false;
  return true;
}

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Backend backend() const override { return Backend::sqlite; }

  Result<Rows> query(std::string_view sql, std::span<const Value> params) override {
    auto prepared = statement_for(sql);
    if (!prepared) return std::unexpected(prepared.error());
    sqlite3_stmt* statement = *prepared;
    // The cached statement must be reset whatever happens, or it would hold its read lock.
    struct ResetOnExit {
      sqlite3_stmt* statement;
      ~ResetOnExit() {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
      }
    } reset_on_exit{statement};

    if (auto checked = check_parameters(params); !checked) return std::unexpected(checked.error());
    int expected = sqlite3_bind_parameter_count(statement);
    if (static_cast<std::size_t>(expected) != params.size())
      return fail(Errc::invalid_input, fmt::format("SQLite: the statement takes {} parameters, {} given: {}",
                                                   expected, params.size(), shortened(sql)));
    for (std::size_t i = 0; i < params.size(); ++i) {
      int index = static_cast<int>(i + 1);
      int rc = std::visit(
          [&](const auto& value) {
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::nullptr_t>) return sqlite3_bind_null(statement, index);
            else if constexpr (std::is_same_v<T, std::int64_t>) return sqlite3_bind_int64(statement, index, value);
            else
              return sqlite3_bind_text64(statement, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                         SQLITE_UTF8);
          },
          params[i]);
      if (rc != SQLITE_OK) return std::unexpected(error_from(db_, rc, fmt::format("binding ${}", index)));
    }

    Rows rows;
    int columns = sqlite3_column_count(statement);
    while (true) {
      int rc = sqlite3_step(statement);
      if (rc == SQLITE_DONE) return rows;
      if (rc != SQLITE_ROW) return std::unexpected(error_from(db_, rc, shortened(sql)));
      Row& row = rows.emplace_back();
      row.values.reserve(static_cast<std::size_t>(columns));
      for (int column = 0; column < columns; ++column) row.values.push_back(column_value(statement, column));
    }
  }

  Result<void> execute_script(std::string_view sql) override {
    return exec(std::string(sql).c_str(), "running a script");
  }

  Result<void> begin(bool write) override {
    if (write) return exec("BEGIN IMMEDIATE", "BEGIN IMMEDIATE");
    if (auto begun = exec("BEGIN", "BEGIN"); !begun) return begun;
    // As on PostgreSQL, a read transaction may not write (and a write there would race
    // for the lock the write transactions queue for).
    if (auto guarded = exec("PRAGMA query_only = ON", "starting a read transaction"); !guarded) {
      (void)exec("ROLLBACK", "ROLLBACK");
      return guarded;
    }
    read_only_ = true;
    // SQLite takes its snapshot at the first read, not at BEGIN: read now, so the
    // snapshot is the one at begin() as on PostgreSQL.
    if (auto pinned = exec("PRAGMA schema_version", "starting a read transaction"); !pinned) {
      (void)rollback();
      return pinned;
    }
    return {};
  }

  Result<void> commit() override {
    auto committed = exec("COMMIT", "COMMIT");
    if (committed) end_read_only();
    return committed;
  }

  Result<void> rollback() override {
    Result<void> result;
    // After some errors (disk full, I/O) SQLite has already rolled back on its own.
    if (!sqlite3_get_autocommit(db_)) result = exec("ROLLBACK", "ROLLBACK");
    end_read_only();
    return result;
  }

  Result<void> configure() {
    if (int rc = sqlite3_busy_timeout(db_, busy_timeout_ms); rc != SQLITE_OK)
      return std::unexpected(error_from(db_, rc, "setting the busy timeout"));
    auto mode = query("PRAGMA journal_mode = WAL", {});
    if (!mode) return std::unexpected(mode.error());
    // An in-memory database reports "memory" and has no journal to switch.
    std::string journal = mode->empty() ? std::string() : mode->front().text(0);
    if (journal != "wal" && journal != "memory")
      return fail(Errc::storage_io, fmt::format("SQLite: could not switch to WAL (journal mode is \"{}\")", journal));
    // FULL: a commit the server acknowledged survives a power cut. secure_delete: deleted
    // rows (an erased person, attendance reduced to counts) are overwritten with zeros, not
    // left readable in free pages and free space.
    for (const char* pragma : {"PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON", "PRAGMA secure_delete = ON"})
      if (auto set = exec(pragma, pragma); !set) return set;
    return {};
  }

 private:
  Result<sqlite3_stmt*> statement_for(std::string_view sql) {
    if (auto cached = statements_.find(sql); cached != statements_.end()) return cached->second;
    auto translated = scan_placeholders(sql);
    if (!translated) return std::unexpected(translated.error());
    sqlite3_stmt* statement = nullptr;
    const char* tail = nullptr;
    const std::string& text = translated->sqlite_text;
    int rc = sqlite3_prepare_v3(db_, text.c_str(), static_cast<int>(text.size() + 1),
                                SQLITE_PREPARE_PERSISTENT, &statement, &tail);
    if (rc != SQLITE_OK) return std::unexpected(error_from(db_, rc, fmt::format("preparing {}", shortened(sql))));
    if (!statement) return fail(Errc::invalid_input, fmt::format("SQLite: no statement in \"{}\"", shortened(sql)));
    if (tail && !only_space(tail)) {
      sqlite3_finalize(statement);
      return fail(Errc::invalid_input,
                  fmt::format("SQLite: query() runs one statement (use execute_script): {}", shortened(sql)));
    }
    statements_.emplace(std::string(sql), statement);
    return statement;
  }

  static Value column_value(sqlite3_stmt* statement, int column) {
    switch (sqlite3_column_type(statement, column)) {
      case SQLITE_NULL: return nullptr;
      case SQLITE_INTEGER: return static_cast<std::int64_t>(sqlite3_column_int64(statement, column));
      default: {
        // REAL and BLOB read as their text form, as PostgreSQL's non-integer types do.
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
        if (!text) return std::string();
        return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
      }
    }
  }

  Result<void> exec(const char* sql, std::string_view doing) {
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(error_from(db_, sqlite3_extended_errcode(db_), doing));
    return {};
  }

  void end_read_only() {
    if (!read_only_) return;
    if (exec("PRAGMA query_only = OFF", "ending a read transaction")) read_only_ = false;
  }

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
  bool read_only_ = false;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path) {
  if (path != ":memory:" && !path.starts_with("file:")) {
    auto directory = std::filesystem::path(path).parent_path();
    std::error_code error;
    if (!directory.empty() && !std::filesystem::is_directory(directory, error))
      return fail(Errc::storage_io,
                  fmt::format("SQLite: the directory {} for the database {} does not exist", directory.string(), path));
  }
  sqlite3* db = nullptr;
  // NOMUTEX: a connection is used by one thread at a time (a Pool lease).
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = error_from(db, db ? sqlite3_extended_errcode(db) : rc, fmt::format("opening {}", path));
    sqlite3_close_v2(db);
    return std::unexpected(std::move(error));
  }
  sqlite3_extended_result_codes(db, 1);
  auto connection = std::make_unique<SqliteConnection>(db);
  if (auto configured = connection->configure(); !configured) {
    auto error = configured.error();
    error.message = fmt::format("{} (opening {})", error.message, path);
    return std::unexpected(std::move(error));
  }
  return connection;
}

}  // namespace checkin::sql::detail
