// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The database a test of checkin::sql runs on. The same test sources build twice: into
// server_sql_sqlite_tests (a SQLite file in a temp directory) and, with
// CHECKIN_SQL_TEST_POSTGRES=1, into server_sql_postgres_tests (a fresh database in the
// ctest fixture's PostgreSQL cluster).
#include "checkin_catch.hpp"

#include <memory>
#include <string>

#include "checkin/server/sql.hpp"

#if CHECKIN_SQL_TEST_POSTGRES
#include "postgres.hpp"
#else
#include "temp_dir.hpp"
#endif

namespace checkin::sql::testing {

class TestDatabase {
 public:
#if CHECKIN_SQL_TEST_POSTGRES
  static constexpr Backend backend = Backend::postgresql;
  std::string url() const { return database_.url(); }

 private:
  checkin::testing::PostgresDatabase database_;
#else
  static constexpr Backend backend = Backend::sqlite;
  std::string url() const { return directory_.file("server.db"); }

 private:
  checkin::testing::TempDir directory_;
#endif

 public:
  std::unique_ptr<Connection> connect() const {
    auto connection = sql::connect(url());
    if (!connection) FAIL("connect(" << url() << "): " << connection.error().message);
    return std::move(*connection);
  }
};

inline Rows rows_of(Connection& connection, std::string_view sql, std::span<const Value> params = {}) {
  auto rows = connection.query(sql, params);
  if (!rows) FAIL(sql << ": " << rows.error().message);
  return std::move(*rows);
}

inline void run(Connection& connection, std::string_view sql, std::span<const Value> params = {}) {
  (void)rows_of(connection, sql, params);
}

inline std::int64_t count_of(Connection& connection, const std::string& table) {
  Rows rows = rows_of(connection, "SELECT COUNT(*) FROM " + table);
  return rows.at(0).integer(0);
}

}  // namespace checkin::sql::testing
