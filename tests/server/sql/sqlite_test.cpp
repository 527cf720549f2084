// SPDX-License-Identifier: AGPL-3.0-or-later
// What only the SQLite backend has to show: its durability settings, one statement per
// query, the busy timeout.
#include "sql_test_support.hpp"

using namespace checkin;
using namespace checkin::sql;
using namespace checkin::sql::testing;
using Catch::Matchers::ContainsSubstring;

TEST_CASE("SQLite runs in WAL mode with synchronous=FULL and foreign keys on", "[sql][sqlite]") {
  TestDatabase database;
  auto connection = database.connect();
  CHECK(rows_of(*connection, "PRAGMA journal_mode").at(0).text(0) == "wal");
  CHECK(rows_of(*connection, "PRAGMA synchronous").at(0).integer(0) == 2);  // FULL
  CHECK(rows_of(*connection, "PRAGMA foreign_keys").at(0).integer(0) == 1);
  CHECK(rows_of(*connection, "PRAGMA busy_timeout").at(0).integer(0) >= 5000);
}

TEST_CASE("SQLite: query() runs exactly one statement", "[sql][sqlite]") {
  TestDatabase database;
  auto connection = database.connect();
  auto two = connection->query("CREATE TABLE a (x BIGINT); CREATE TABLE b (y BIGINT)");
  REQUIRE_FALSE(two);
  CHECK_THAT(two.error().message, ContainsSubstring("execute_script"));
  auto trailing = connection->query("SELECT 1;  ");
  CHECK(trailing);
}

TEST_CASE("SQLite: a writer waiting for the lock longer than the busy timeout is unavailable", "[sql][sqlite]") {
  TestDatabase database;
  auto holder = database.connect();
  auto waiter = database.connect();
  REQUIRE(waiter->execute_script("PRAGMA busy_timeout = 50"));
  REQUIRE(holder->begin(true));
  auto blocked = waiter->begin(true);
  REQUIRE_FALSE(blocked);
  CHECK(blocked.error().code == Errc::unavailable);
  CHECK_THAT(blocked.error().message, ContainsSubstring("locked"));
  REQUIRE(holder->commit());
  REQUIRE(waiter->begin(true));
  REQUIRE(waiter->commit());
}
