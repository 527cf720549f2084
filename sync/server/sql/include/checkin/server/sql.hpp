// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The server's one way to talk to a database: parameterised SQL on a connection, with two
// real backends behind it, SQLite (a file, nothing to set up) and PostgreSQL. The store
// writes its SQL once, in the dialect both accept, with $1, $2, ... placeholders; no SQL is
// ever built from data.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <condition_variable>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "checkin/core/error.hpp"

namespace checkin::sql {

enum class Backend { sqlite, postgresql };

using Value = std::variant<std::nullptr_t, std::int64_t, std::string>;

struct Row {
  std::vector<Value> values;

  bool is_null(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(values.at(i)); }
  // NULL reads as 0 / "" (columns the schema declares NOT NULL never are).
  std::int64_t integer(std::size_t i) const;
  std::string text(std::size_t i) const;
};
using Rows = std::vector<Row>;

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;

  // One statement with $1.. placeholders bound to `params` (prepared once, cached by text).
  // A unique or foreign-key violation fails with Errc::conflict; a lost connection or a
  // busy database with Errc::unavailable; other failures with Errc::storage_io.
  // Errc::invalid_input, on both backends alike: a parameter count other than the highest
  // $N, text containing NUL, a '$' outside string literals/quoted names/comments that is
  // not $N (dollar quoting), a bare '?'. A '$1' inside a string literal is just text.
  // Integer columns (PostgreSQL int2/4/8, and bool as 0/1) read as int64, NULL as null,
  // everything else as text (Row::integer parses integral text such as a numeric SUM).
  virtual Result<Rows> query(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Several statements without parameters (migrations). Not atomic by itself: run it in
  // a write transaction.
  virtual Result<void> execute_script(std::string_view sql) = 0;

  // A write transaction takes the write lock at its start (SQLite: BEGIN IMMEDIATE;
  // PostgreSQL: READ COMMITTED plus one transaction-scoped advisory lock), so two writers
  // queue instead of failing half-way, and read-then-write logic inside one is safe.
  // A statement outside any transaction commits on its own and takes no such lock.
  // A read transaction sees one snapshot, taken at begin() (PostgreSQL: REPEATABLE READ),
  // and may not write (Errc::storage_readonly).
  virtual Result<void> begin(bool write) = 0;
  virtual Result<void> commit() = 0;
  virtual Result<void> rollback() = 0;  // never fails loudly: the connection stays usable
};

// "postgresql://user@host/db" (or "postgres://...") opens PostgreSQL; anything else is a
// SQLite file path (created if missing; "sqlite:" prefix allowed).
Result<std::unique_ptr<Connection>> connect(const std::string& url);
Backend backend_of(const std::string& url);

// Commits on commit(), rolls back otherwise (an early return, an error).
class Transaction {
 public:
  static Result<Transaction> begin(Connection& connection, bool write);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}
  Connection* connection_;
};

// Connections for the server's request threads: each thread leases one for a request.
// All connections open up-front; the Pool must outlive its leases. A returned connection
// has any transaction left open rolled back.
class Pool {
 public:
  static Result<std::unique_ptr<Pool>> open(const std::string& url, std::size_t size);

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection) : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;  // the moved-from unique_ptr is null: returns nothing
    ~Lease();
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };
  Lease lease();  // waits for a free connection
  Backend backend() const { return backend_; }

 private:
  void give_back(std::unique_ptr<Connection> connection);
  Backend backend_ = Backend::sqlite;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

// Several server processes on one PostgreSQL database tell each other what changed with
// LISTEN/NOTIFY. announce() sends a payload on a channel from inside the current write
// transaction: it is delivered when the transaction commits, never if it rolls back. On
// SQLite, which one process serves, it does nothing.
Result<void> announce(Connection& connection, std::string_view channel, std::string_view payload);

// Hears every process's announcements on a channel (its own too), on a thread of its own
// with a connection of its own. A lost connection is opened again (every few seconds until
// it works); as announcements made meanwhile are lost, `heard` is then called with an empty
// payload, meaning "something may have changed". Stops when destroyed. Only for PostgreSQL.
class Listener {
 public:
  static std::unique_ptr<Listener> start(std::string url, std::string channel,
                                         std::function<void(const std::string& payload)> heard);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Whether the LISTEN is in place now (for tests and the log).
  bool listening() const { return listening_.load(); }

 private:
  Listener() = default;
  void run();

  std::string url_;
  std::string channel_;
  std::function<void(const std::string&)> heard_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> listening_{false};
  std::thread thread_;
};

}  // namespace checkin::sql
