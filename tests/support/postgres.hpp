// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A fresh PostgreSQL database for one test, in the throwaway cluster that ctest starts
// (tests/support/postgres.sh, fixture "postgres"; see tests/server/CMakeLists.txt).
#include <string>

namespace checkin::testing {

// True if $CHECKIN_TEST_POSTGRES names a cluster that accepts connections.
bool postgres_available();

class PostgresDatabase {
 public:
  // Creates a uniquely named, empty database. Throws std::runtime_error if
  // $CHECKIN_TEST_POSTGRES is not set (the test was not run through ctest) or the
  // cluster refuses.
  PostgresDatabase();
  // Drops the database, ending any connection a test left open.
  ~PostgresDatabase();
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  // postgresql:///NAME?host=SOCKET_DIR&user=postgres
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string socket_directory_;
  std::string name_;
  std::string url_;
};

}  // namespace checkin::testing
