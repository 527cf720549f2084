// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A thin RAII layer over the SQLite C API: one connection with a cache of prepared
// statements, queries that reset themselves, a transaction guard, and the mapping of
// SQLite result codes to checkin::Errc. Values only ever reach SQL through bindings.
#include <sqlite3.h>

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "checkin/core/error.hpp"

namespace checkin::store::sqlite {

// Maps a failed result code to an Error whose message says what we were doing.
// `db` may be null (then only the generic text of `rc` is used).
Error error_from(sqlite3* db, int rc, std::string_view doing);

// A cached prepared statement in use. Binds 1-based parameters, steps, reads 0-based
// columns; resets the statement when it goes out of scope so the cache can reuse it.
class Query {
 public:
  Query(sqlite3* db, sqlite3_stmt* stmt, std::string_view doing) : db_(db), stmt_(stmt), doing_(doing) {}
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  ~Query();

  Query& bind(int index, std::string_view text);
  Query& bind(int index, std::int64_t value);
  Query& bind(int index, std::optional<std::int64_t> value);
  template <std::integral T>
  Query& bind(int index, T value) {
    return bind(index, static_cast<std::int64_t>(value));
  }

  // Binds the arguments to parameters 1, 2, 3, ...
  template <class... Args>
  Query& bind_all(const Args&... args) {
    [[maybe_unused]] int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // True when a row is available, false when done.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Result<void> run();
  // Runs a statement that returns exactly one integer (a count, RETURNING ...).
  Result<std::int64_t> single_int64();

  std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::string text(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string_view doing_;
  int bind_error_ = SQLITE_OK;  // reported by the next step()
};

class Connection {
 public:
  // `flags` are sqlite3_open_v2 flags; `vfs` may be empty for the default.
  static Result<Connection> open(const std::string& path, int flags, const std::string& vfs);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&&) = delete;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // A query on the cached prepared statement for `sql`. `sql` must be a string literal
  // (static storage): the cache keys on it. One query per SQL text at a time: asking for
  // the same text again while a Query of it is alive would reset it. `doing` names the
  // operation for error messages.
  Result<Query> query(std::string_view sql, std::string_view doing);

  // Shorthands for one cached statement with its arguments bound to ?1, ?2, ...
  template <class... Args>
  Result<void> run(std::string_view sql, std::string_view doing, const Args&... args) {
    auto q = query(sql, doing);
    if (!q) return std::unexpected(q.error());
    return q->bind_all(args...).run();
  }
  template <class... Args>
  Result<std::int64_t> single_int64(std::string_view sql, std::string_view doing, const Args&... args) {
    auto q = query(sql, doing);
    if (!q) return std::unexpected(q.error());
    return q->bind_all(args...).single_int64();
  }
  // Calls on_row(const Query&) -> Result<void> for each row; stops at its first error.
  template <class OnRow, class... Args>
  Result<void> for_each_row(std::string_view sql, std::string_view doing, OnRow&& on_row, const Args&... args) {
    auto q = query(sql, doing);
    if (!q) return std::unexpected(q.error());
    q->bind_all(args...);
    while (true) {
      auto row = q->step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return {};
      if (auto handled = on_row(std::as_const(*q)); !handled) return handled;
    }
  }

  // Runs SQL without values (schema, pragmas) through sqlite3_exec, uncached.
  Result<void> exec(const char* sql, std::string_view doing);

  bool read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }
  std::int64_t changes() const { return sqlite3_changes64(db_); }
  sqlite3* handle() const { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string_view, sqlite3_stmt*> statements_;
};

// BEGIN IMMEDIATE ... COMMIT. Taking the write lock up front makes a second writer wait
// on the busy timeout instead of failing at its first write. Rolls back unless committed.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& connection, std::string_view doing);
  Transaction(Transaction&& other) noexcept : connection_(other.connection_), doing_(other.doing_) {
    other.connection_ = nullptr;
  }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Result<void> commit();

 private:
  Transaction(Connection& connection, std::string_view doing) : connection_(&connection), doing_(doing) {}
  Connection* connection_;  // null once committed or rolled back
  std::string_view doing_;
};

// Runs `body` (returning Result<T>) inside one write transaction; commits only if it
// succeeded, otherwise nothing it did is kept.
template <class Body>
auto in_transaction(Connection& connection, std::string_view doing, Body&& body) -> decltype(body()) {
  auto transaction = Transaction::begin(connection, doing);
  if (!transaction) return std::unexpected(transaction.error());
  auto result = body();
  if (!result) return result;
  if (auto committed = transaction->commit(); !committed) return std::unexpected(committed.error());
  return result;
}

}  // namespace checkin::store::sqlite
