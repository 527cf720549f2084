// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The database a test's server runs on: a fresh SQLite file in the test's folder, or a
// fresh PostgreSQL database when CHECKIN_TEST_POSTGRES names the test cluster (the
// suite's "postgresql: " registration sets it; the SQLite one clears it).
#include <cstdlib>
#include <memory>
#include <string>

#include "postgres.hpp"
#include "temp_dir.hpp"

namespace checkin::testing {

class TestDatabase {
 public:
  explicit TestDatabase(const TempDir& dir) {
    const char* cluster = std::getenv("CHECKIN_TEST_POSTGRES");
    if (cluster && *cluster) {
      postgres_ = std::make_unique<PostgresDatabase>();
      url_ = postgres_->url();
    } else {
      url_ = dir.file("server.db");
    }
  }
  const std::string& url() const { return url_; }

 private:
  std::unique_ptr<PostgresDatabase> postgres_;
  std::string url_;
};

}  // namespace checkin::testing
