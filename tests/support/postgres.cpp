// SPDX-License-Identifier: AGPL-3.0-or-later
#include "postgres.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <random>
#include <stdexcept>

namespace checkin::testing {

namespace {

std::string socket_directory_or_throw() {
  const char* directory = std::getenv("CHECKIN_TEST_POSTGRES");
  if (!directory || !*directory)
    throw std::runtime_error(
        "CHECKIN_TEST_POSTGRES is not set: run PostgreSQL tests through ctest, whose fixture \"postgres\" "
        "starts a throwaway cluster (tests/support/postgres.sh start DIR) and sets it");
  return directory;
}

std::string admin_url(const std::string& socket_directory) {
  return fmt::format("postgresql:///postgres?host={}&user=postgres", socket_directory);
}

std::string unique_database_name() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  // Unique across parallel test processes (pid) and within one (counter); the random
  // part keeps a database left by a killed run with a recycled pid from clashing.
  return fmt::format("checkin_test_{}_{}_{:08x}", ::getpid(), counter++, random());
}

}  // namespace

bool postgres_available() {
  const char* directory = std::getenv("CHECKIN_TEST_POSTGRES");
  if (!directory || !*directory) return false;
  try {
    pqxx::connection connection(admin_url(directory));
    return connection.is_open();
  } catch (const std::exception&) {
    return false;
  }
}

PostgresDatabase::PostgresDatabase() : socket_directory_(socket_directory_or_throw()), name_(unique_database_name()) {
  try {
    pqxx::connection admin(admin_url(socket_directory_));
    pqxx::nontransaction(admin).exec(fmt::format("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0", name_));
  } catch (const std::exception& e) {
    throw std::runtime_error(
        fmt::format("creating test database {} in the cluster at {}: {}", name_, socket_directory_, e.what()));
  }
  url_ = fmt::format("postgresql:///{}?host={}&user=postgres", name_, socket_directory_);
}

PostgresDatabase::~PostgresDatabase() {
  try {
    pqxx::connection admin(admin_url(socket_directory_));
    pqxx::nontransaction(admin).exec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name_));
  } catch (const std::exception&) {
    // A cluster that is gone took the database with it; a destructor must not throw.
  }
}

}  // namespace checkin::testing
