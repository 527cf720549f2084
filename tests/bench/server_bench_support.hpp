// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What the server benchmarks share: failing loudly (a benchmark asserts nothing, but a
// broken step must not print figures), the wall clock, and a fresh database of either kind.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"
#include "postgres.hpp"

namespace checkin::bench {

// The program's name for messages; each benchmark sets it first thing in main.
inline std::string program_name = "bench";

[[noreturn]] inline void die(const std::string& message) {
  fmt::print(stderr, "{}: {}\n", program_name, message);
  std::exit(1);
}

template <class T>
T must(Result<T> r, std::string_view what) {
  if (!r) die(fmt::format("{}: {}", what, r.error().message));
  return std::move(*r);
}

inline void must(Result<void> r, std::string_view what) {
  if (!r) die(fmt::format("{}: {}", what, r.error().message));
}

inline WallTime real_now() {
  return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
}

// A fresh database of the asked kind: a SQLite file, or a new PostgreSQL database.
struct Database {
  std::optional<testing::PostgresDatabase> postgres;
  std::string url;

  Database(const std::string& backend, const std::filesystem::path& file) {
    if (backend == "postgresql") {
      postgres.emplace();
      url = postgres->url();
    } else if (backend == "sqlite") {
      std::filesystem::remove(file);
      url = file.string();
    } else {
      die("backend must be sqlite or postgresql, not " + backend);
    }
  }
};

}  // namespace checkin::bench
