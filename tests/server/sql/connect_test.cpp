// SPDX-License-Identifier: AGPL-3.0-or-later
// connect() and Pool::open() on URLs that cannot work: clear errors, never exceptions.
// None of these needs a running server.
#include <fstream>

#include "sql_test_support.hpp"

using namespace checkin;
using namespace checkin::sql;
using namespace checkin::sql::testing;
using Catch::Matchers::ContainsSubstring;
using checkin::testing::TempDir;

TEST_CASE("backend_of tells PostgreSQL URLs from SQLite paths", "[sql][connect]") {
  CHECK(backend_of("postgresql://user@host/db") == Backend::postgresql);
  CHECK(backend_of("postgres://host/db") == Backend::postgresql);
  CHECK(backend_of("sqlite:/var/lib/checkin/server.db") == Backend::sqlite);
  CHECK(backend_of("/var/lib/checkin/server.db") == Backend::sqlite);
  CHECK(backend_of("server.db") == Backend::sqlite);
}

TEST_CASE("a SQLite path with the sqlite: prefix or without opens the same file", "[sql][connect]") {
  TempDir directory;
  const std::string path = directory.file("server.db");
  {
    auto prefixed = connect("sqlite:" + path);
    REQUIRE(prefixed);
    REQUIRE((*prefixed)->execute_script("CREATE TABLE t (x BIGINT); INSERT INTO t VALUES (5);"));
  }
  auto plain = connect(path);
  REQUIRE(plain);
  CHECK((*plain)->backend() == Backend::sqlite);
  CHECK(count_of(**plain, "t") == 1);
  auto url = connect("sqlite://" + path);
  REQUIRE(url);
  CHECK(count_of(**url, "t") == 1);
}

TEST_CASE("a SQLite file in a missing directory is a clear error", "[sql][connect]") {
  TempDir directory;
  const std::string missing = (directory / "no" / "such" / "dir").string();
  auto connection = connect("sqlite:" + missing + "/server.db");
  REQUIRE_FALSE(connection);
  CHECK(connection.error().code == Errc::storage_io);
  CHECK_THAT(connection.error().message, ContainsSubstring(missing) && ContainsSubstring("does not exist"));
  CHECK_FALSE(std::filesystem::exists(directory / "no"));

  auto empty = connect("sqlite:");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == Errc::invalid_input);
}

TEST_CASE("a file that is not a database is corrupt, not created over", "[sql][connect]") {
  TempDir directory;
  const std::string path = directory.file("garbage.db");
  std::ofstream(path) << std::string(8192, 'x');
  auto connection = connect(path);
  REQUIRE_FALSE(connection);
  CHECK(connection.error().code == Errc::storage_corrupt);
  CHECK_THAT(connection.error().message, ContainsSubstring(path));
}

TEST_CASE("an unreachable PostgreSQL socket is unavailable, and the message hides the password", "[sql][connect]") {
  TempDir directory;  // no server listens here
  const std::string url =
      "postgresql://alice:s3cret-pw@/checkin?host=" + directory.path().string() + "&connect_timeout=5";
  auto connection = connect(url);
  REQUIRE_FALSE(connection);
  CHECK(connection.error().code == Errc::unavailable);
  CHECK_THAT(connection.error().message, ContainsSubstring(directory.path().string()));
  CHECK_THAT(connection.error().message, !ContainsSubstring("s3cret-pw"));

  auto pool = Pool::open(url, 3);
  REQUIRE_FALSE(pool);
  CHECK(pool.error().code == Errc::unavailable);
  CHECK_THAT(pool.error().message, ContainsSubstring("connection 1 of 3") && ContainsSubstring("alice:***@"));
  CHECK_THAT(pool.error().message, !ContainsSubstring("s3cret-pw"));

  auto in_query = Pool::open("postgres:///checkin?host=" + directory.path().string() + "&password=hunter2", 1);
  REQUIRE_FALSE(in_query);
  CHECK_THAT(in_query.error().message, ContainsSubstring("password=***") && !ContainsSubstring("hunter2"));
}

TEST_CASE("a malformed PostgreSQL URL is an error, not an exception", "[sql][connect]") {
  auto connection = connect("postgresql://[::1");
  REQUIRE_FALSE(connection);
  CHECK_FALSE(connection.error().message.empty());
  auto bad_option = connect("postgresql:///db?no_such_option=1");
  REQUIRE_FALSE(bad_option);
  CHECK_THAT(bad_option.error().message, ContainsSubstring("no_such_option"));
}
