// SPDX-License-Identifier: AGPL-3.0-or-later
// What only the PostgreSQL backend has to show: a lost connection.
#include "sql_test_support.hpp"

using namespace checkin;
using namespace checkin::sql;
using namespace checkin::sql::testing;

TEST_CASE("PostgreSQL: a connection the server dropped is unavailable, then reconnects", "[sql][postgresql]") {
  TestDatabase database;
  auto victim = database.connect();
  auto killer = database.connect();
  std::int64_t pid = rows_of(*victim, "SELECT pg_backend_pid()").at(0).integer(0);
  std::vector<Value> params{pid};
  CHECK(rows_of(*killer, "SELECT pg_terminate_backend($1::int)", params).at(0).integer(0) == 1);

  auto lost = victim->query("SELECT 1");
  REQUIRE_FALSE(lost);
  CHECK(lost.error().code == Errc::unavailable);
  CHECK_FALSE(lost.error().message.empty());

  // libpqxx reconnects on the next use; the cached statements are prepared again.
  auto again = victim->query("SELECT 1");
  if (!again) FAIL(again.error().message);
  CHECK(again->at(0).integer(0) == 1);
  CHECK(rows_of(*victim, "SELECT pg_backend_pid()").at(0).integer(0) != pid);
}

TEST_CASE("PostgreSQL: a connection lost inside a transaction fails it, then recovers", "[sql][postgresql]") {
  TestDatabase database;
  auto victim = database.connect();
  auto killer = database.connect();
  REQUIRE(victim->execute_script("CREATE TABLE t (x BIGINT)"));
  std::int64_t pid = rows_of(*victim, "SELECT pg_backend_pid()").at(0).integer(0);
  REQUIRE(victim->begin(true));
  run(*victim, "INSERT INTO t (x) VALUES (1)");
  std::vector<Value> params{pid};
  run(*killer, "SELECT pg_terminate_backend($1::int)", params);
  auto commit = victim->commit();
  REQUIRE_FALSE(commit);
  CHECK(commit.error().code == Errc::unavailable);
  REQUIRE(victim->rollback());
  CHECK(count_of(*victim, "t") == 0);
}
