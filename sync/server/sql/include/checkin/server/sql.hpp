#pragma once
// The server's one way to talk to a database: parameterised SQL on a connection, with two
// real backends behind it, SQLite (a file, nothing to set up) and PostgreSQL. The store
// writes its SQL once, in the dialect both accept, with $1, $2, ... placeholders; no SQL is
// ever built from data.
#include <cstdint>
#include <memory>
#include <mutex>
#include <condition_variable>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
  virtual Result<Rows> query(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Several statements without parameters (migrations).
  virtual Result<void> execute_script(std::string_view sql) = 0;

  // A write transaction takes the write lock at its start (SQLite: BEGIN IMMEDIATE), so
  // two writers queue instead of failing half-way. A read transaction sees one snapshot.
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
class Pool {
 public:
  static Result<std::unique_ptr<Pool>> open(const std::string& url, std::size_t size);

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection) : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&&) noexcept = default;
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

}  // namespace checkin::sql
