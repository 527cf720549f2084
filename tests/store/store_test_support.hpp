// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Helpers for the store tests: a fresh temporary directory per test, event factories and
// raw SQLite inspection that bypasses the Store under test.
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "checkin/core/domain.hpp"
#include "temp_dir.hpp"

namespace checkin::testing {

inline WallTime at_utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  using namespace std::chrono;
  return sys_days{year_month_day{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}}} +
         hours{hour} + minutes{minute};
}

inline AttendanceEvent checkin_event(std::string event_id, std::string session_id = "session-1",
                                     WallTime when = at_utc(2026, 11, 26, 18, 30), std::string device_id = "kiosk-1") {
  AttendanceEvent event;
  event.event_id = std::move(event_id);
  event.device_id = std::move(device_id);
  event.kind = EventKind::checkin;
  event.session_id = std::move(session_id);
  event.pass_id = "00112233445566778899aabbccddeeff";
  event.person_id = "person-1";
  event.wall_time = when;
  event.monotonic = Millis{123'456};
  event.boot_id = "boot-1";
  return event;
}

// Raw access to the database file, independent of the code under test.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path, int open_flags = SQLITE_OPEN_READWRITE) {
    if (sqlite3_open_v2(path.c_str(), &db_, open_flags, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path + ": " + sqlite3_errmsg(db_));
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDatabase() { sqlite3_close_v2(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  // The first column of every row, as text.
  std::vector<std::string> column(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot prepare " + sql + ": " + sqlite3_errmsg(db_));
    std::vector<std::string> values;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      values.emplace_back(text ? text : "");
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) throw std::runtime_error("cannot run " + sql + ": " + sqlite3_errmsg(db_));
    return values;
  }
  std::int64_t integer(const std::string& sql) { return std::stoll(column(sql).at(0)); }
  std::string text(const std::string& sql) { return column(sql).at(0); }
  void exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string error = message ? message : "unknown error";
      sqlite3_free(message);
      throw std::runtime_error("cannot run " + sql + ": " + error);
    }
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace checkin::testing
