#pragma once
// The database a test's server runs on: a fresh SQLite file in the test's folder, or, when
// CHECKIN_SERVER_TEST_BACKEND=postgresql (the suite's PostgreSQL registration), a fresh
// PostgreSQL database.
#include <string>

#include "temp_dir.hpp"

namespace checkin::testing {

class TestDatabase {
 public:
  explicit TestDatabase(const TempDir& dir) : url_(dir.file("server.db")) {}
  const std::string& url() const { return url_; }

 private:
  std::string url_;
};

}  // namespace checkin::testing
