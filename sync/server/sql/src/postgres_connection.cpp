// SPDX-License-Identifier: AGPL-3.0-or-later
// The PostgreSQL backend (libpqxx 6.4 or 7.10: what differs is in pqxx_compat.hpp). Every
// libpqxx exception becomes an Error here: nothing is thrown past this file.
#include <fmt/format.h>

#include <charconv>
#include <unordered_map>
#include <utility>

#include "backends.hpp"
#include "pqxx_compat.hpp"

namespace checkin::sql::detail {

namespace {

// The advisory lock every write transaction holds ("chkn" in ASCII): one per database.
constexpr std::int64_t write_lock_key = 0x63686b6e;

// Built-in type OIDs (pg_type.dat); these never change.
constexpr pqxx::oid bool_oid = 16;
constexpr pqxx::oid int8_oid = 20;
constexpr pqxx::oid int2_oid = 21;
constexpr pqxx::oid int4_oid = 23;

std::string trimmed(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

Errc errc_from_sqlstate(const std::string& state) {
  if (state == "23505" || state == "23503") return Errc::conflict;  // unique, foreign key
  if (state == "40001" || state == "40P01") return Errc::unavailable;  // serialization, deadlock: retry
  if (state == "53100") return Errc::storage_full;
  if (state == "25006") return Errc::storage_readonly;  // a write in a read transaction
  // Connection exceptions, and the server shutting down or restarting.
  if ((state.starts_with("08") && state != "08P01") || state == "57P01" || state == "57P02" || state == "57P03") return Errc::unavailable;
  return Errc::storage_io;
}

// Call only from a catch block: maps the exception in flight.
Error error_from_current_exception(std::string_view doing) {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    return {Errc::unavailable, fmt::format("PostgreSQL: {}: connection lost: {}", doing, trimmed(e.what()))};
  } catch (const pqxx::in_doubt_error& e) {
    // The batch protocol makes a retry safe, so "try again" is the right answer.
    return {Errc::unavailable,
            fmt::format("PostgreSQL: {}: connection lost during COMMIT, outcome unknown: {}", doing, trimmed(e.what()))};
  } catch (const pqxx::transaction_rollback& e) {
    return {Errc::unavailable, fmt::format("PostgreSQL: {}: {}", doing, trimmed(e.what()))};
  } catch (const pqxx::sql_error& e) {
    return {errc_from_sqlstate(e.sqlstate()),
            fmt::format("PostgreSQL: {}: {} (SQLSTATE {})", doing, trimmed(e.what()), e.sqlstate())};
  } catch (const std::exception& e) {
    return {Errc::storage_io, fmt::format("PostgreSQL: {}: {}", doing, trimmed(e.what()))};
  } catch (...) {
    return {Errc::storage_io, fmt::format("PostgreSQL: {}: unknown failure", doing)};
  }
}

std::int64_t parse_integer(const pqxx::field& field) {
  std::int64_t number = 0;
  const char* text = field.c_str();
  std::from_chars(text, text + field.size(), number);  // int2/4/8 text is always well-formed
  return number;
}

Rows rows_from(const pqxx::result& result) {
  Rows rows;
  rows.reserve(result.size());
  auto columns = result.columns();
  std::vector<pqxx::oid> types(columns);
  for (pqxx::row::size_type column = 0; column < columns; ++column) types[column] = result.column_type(column);
  for (const auto& source : result) {
    Row& row = rows.emplace_back();
    row.values.reserve(columns);
    for (pqxx::row::size_type column = 0; column < columns; ++column) {
      const pqxx::field field = source[column];
      if (field.is_null()) {
        row.values.emplace_back(nullptr);
        continue;
      }
      switch (types[column]) {
        case int2_oid:
        case int4_oid:
        case int8_oid: row.values.emplace_back(parse_integer(field)); break;
        case bool_oid: row.values.emplace_back(std::int64_t{field.c_str()[0] == 't' ? 1 : 0}); break;
        default: row.values.emplace_back(std::string(field.c_str(), field.size()));
      }
    }
  }
  return rows;
}

class PostgresConnection final : public Connection {
 public:
  // Throws what libpqxx throws if the server cannot be reached; open_postgres catches it.
  explicit PostgresConnection(std::string url) : url_(std::move(url)) { reconnect(); }

  Backend backend() const override { return Backend::postgresql; }

  Result<Rows> query(std::string_view sql, std::span<const Value> params) override {
    if (auto checked = check_parameters(params); !checked) return std::unexpected(checked.error());
    // The same scan as on SQLite: the same SQL is refused on both, and a wrong count is a
    // caller's mistake (not the protocol error PostgreSQL would report).
    auto placeholders = scan_placeholders(sql);
    if (!placeholders) return std::unexpected(placeholders.error());
    if (placeholders->highest != params.size())
      return fail(Errc::invalid_input, fmt::format("PostgreSQL: the statement takes {} parameters, {} given: {}",
                                                   placeholders->highest, params.size(), shortened(sql)));
    // libpqxx takes NULL as a null const char*; integers travel as their decimal text.
    std::vector<std::string> numbers;
    numbers.reserve(params.size());  // no reallocation: `arguments` points into it
    std::vector<const char*> arguments;
    arguments.reserve(params.size());
    for (const Value& value : params) {
      if (const auto* text = std::get_if<std::string>(&value)) arguments.push_back(text->c_str());
      else if (const auto* number = std::get_if<std::int64_t>(&value))
        arguments.push_back(numbers.emplace_back(fmt::to_string(*number)).c_str());
      else arguments.push_back(nullptr);
    }
    try {
      if (!transaction_) reconnect_if_lost();
      const std::string& name = statement_name(sql);
      if (transaction_) return rows_from(pq::exec_prepared(*transaction_, name, arguments));
      pqxx::nontransaction autocommit(*connection_);
      return rows_from(pq::exec_prepared(autocommit, name, arguments));
    } catch (...) {
      return std::unexpected(failure(shortened(sql)));
    }
  }

  Result<void> execute_script(std::string_view sql) override {
    try {
      std::string script(sql);
      if (transaction_) {
        transaction_->exec(script);
      } else {
        reconnect_if_lost();
        pqxx::nontransaction autocommit(*connection_);
        autocommit.exec(script);
      }
      return {};
    } catch (...) {
      return std::unexpected(failure("running a script"));
    }
  }

  Result<void> begin(bool write) override {
    if (transaction_) return fail(Errc::storage_io, "PostgreSQL: begin() inside an open transaction");
    try {
      reconnect_if_lost();
      if (write) {
        transaction_ = std::make_unique<pq::transaction<pqxx::isolation_level::read_committed, pq::write_policy::read_write>>(
            *connection_);
        // The contract is SQLite's: write transactions run one at a time, so the store's
        // read-then-write logic (first check-in of a pass, device sequence numbers) cannot
        // interleave. READ COMMITTED alone would let two writers read the same state. The
        // lock is released by COMMIT or ROLLBACK; read transactions never take it.
        transaction_->exec(fmt::format("SELECT pg_advisory_xact_lock({})", write_lock_key));
      } else {
        // REPEATABLE READ: every statement of a read (a report, a page of changes) sees
        // the same snapshot, so totals and pages agree with each other.
        transaction_ = std::make_unique<pq::transaction<pqxx::isolation_level::repeatable_read, pq::write_policy::read_only>>(
            *connection_);
        // The snapshot is taken at the first statement: take it now, as SQLite does.
        transaction_->exec("SELECT 1");
      }
      return {};
    } catch (...) {
      auto error = failure(write ? "BEGIN" : "BEGIN (read)");
      discard_transaction();
      return std::unexpected(std::move(error));
    }
  }

  Result<void> commit() override {
    if (!transaction_) return fail(Errc::storage_io, "PostgreSQL: commit() without a transaction");
    try {
      transaction_->commit();
      transaction_.reset();
      return {};
    } catch (...) {
      auto error = failure("COMMIT");
      discard_transaction();
      return std::unexpected(std::move(error));
    }
  }

  Result<void> rollback() override {
    discard_transaction();
    return {};
  }

 private:
  const std::string& statement_name(std::string_view sql) {
    std::string text(sql);
    auto known = statement_names_.find(text);
    if (known != statement_names_.end()) return known->second;
    std::string name = fmt::format("checkin_{}", statement_names_.size() + 1);
    // libpqxx prepares on first use.
    connection_->prepare(name, text);
    return statement_names_.emplace(std::move(text), std::move(name)).first->second;
  }

  void discard_transaction() noexcept {
    if (!transaction_) return;
    try {
      transaction_->abort();
    } catch (...) {
      // A lost connection has no transaction left to abort.
    }
    transaction_.reset();
  }

  // A fresh connection for the next request after the server dropped this one (a restart,
  // a failover): libpqxx's own reactivation cannot be relied on. Never inside a
  // transaction, whose work died with the old connection.
  void reconnect_if_lost() {
    if (!lost_ && connection_ && connection_->is_open()) return;
    reconnect();
  }

  void reconnect() {
    discard_transaction();
    statement_names_.clear();  // prepared statements live and die with a server session
    connection_.reset();
    lost_ = true;
    auto fresh = std::make_unique<pqxx::connection>(url_);
    fresh->set_client_encoding("UTF8");
    connection_ = std::move(fresh);
    lost_ = false;
  }

  // Maps the exception in flight, and notes a lost connection for the next call.
  Error failure(std::string_view doing) {
    try {
      throw;
    } catch (const pqxx::broken_connection&) {
      lost_ = true;
    } catch (const pqxx::in_doubt_error&) {
      lost_ = true;
    } catch (...) {
      // The server ending the session (57P01) arrives as an SQL error on a closed connection.
      if (!connection_ || !connection_->is_open()) lost_ = true;
    }
    return error_from_current_exception(doing);
  }

  std::string url_;
  std::unique_ptr<pqxx::connection> connection_;
  bool lost_ = false;
  std::unique_ptr<pqxx::dbtransaction> transaction_;
  std::unordered_map<std::string, std::string> statement_names_;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_postgres(const std::string& url) {
  try {
    return std::make_unique<PostgresConnection>(url);
  } catch (...) {
    auto error = error_from_current_exception(fmt::format("connecting to {}", redacted(url)));
    // Whatever libpq says, the server could not be reached: the caller may try later.
    if (error.code == Errc::storage_io) error.code = Errc::unavailable;
    return std::unexpected(std::move(error));
  }
}

}  // namespace checkin::sql::detail
