// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Helpers for the sync client's tests: a kiosk store in a temp dir, events, wire bodies the
// fake server answers with, and raw reads of the outbox.
#include <sqlite3.h>

#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "checkin/store/store.hpp"
#include "checkin/sync/changes.hpp"
#include "checkin/sync/client.hpp"
#include "checkin/sync/enrolment.hpp"
#include "checkin/sync/events.hpp"
#include "checkin/sync/feedback.hpp"
#include "fake_server.hpp"
#include "temp_dir.hpp"

namespace checkin::testing {

inline WallTime at_utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  using namespace std::chrono;
  return sys_days{year_month_day{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}}} +
         hours{hour} + minutes{minute};
}

inline const WallTime kNow = at_utc(2026, 11, 26, 18, 30);
inline const std::string kToken = "device-token-s3cret";
inline const std::string kDevice = "dev-1";

inline AttendanceEvent event(const std::string& event_id, WallTime when = kNow - std::chrono::minutes{5}) {
  AttendanceEvent e;
  e.event_id = event_id;
  e.device_id = kDevice;
  e.kind = EventKind::checkin;
  e.session_id = "s-1";
  e.pass_id = "00112233445566778899aabbccddeeff";
  e.person_id = "person-1";
  e.wall_time = when;
  e.monotonic = Millis{123'456};
  e.boot_id = "boot-1";
  return e;
}

inline std::vector<std::string> ids(const std::string& prefix, int count) {
  std::vector<std::string> out;
  for (int i = 1; i <= count; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// The kiosk: a store on a file, enrolled with a server URL.
struct Kiosk {
  TempDir dir;
  std::string path = dir.file("kiosk.db");
  store::Store store = open();
  ManualClock clock{kNow};

  // Another connection to the same file, as a second thread or process would have.
  template <class Use>
  static void open_at(const std::string& path, Use&& use) {
    auto other = store::Store::open(path);
    if (!other) throw std::runtime_error(other.error().message);
    use(*other);
  }

  store::Store open() {
    auto opened = store::Store::open(path);
    if (!opened) throw std::runtime_error(opened.error().message);
    return std::move(*opened);
  }

  sync::Credentials enrolled_with(const std::string& url, const std::string& pin = "") {
    sync::Credentials credentials{url, kDevice, kToken, pin};
    auto saved = credentials.save(store);
    if (!saved) throw std::runtime_error(saved.error().message);
    return credentials;
  }

  void record(const std::vector<std::string>& event_ids) {
    std::vector<AttendanceEvent> events;
    for (auto& id : event_ids) events.push_back(event(id));
    auto appended = store.append(events);
    if (!appended) throw std::runtime_error(appended.error().message);
  }

  store::OutboxCounts counts() {
    auto c = store.outbox_counts();
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }

  std::string setting(std::string_view key) {
    auto value = store.get_setting(key);
    if (!value) throw std::runtime_error(value.error().message);
    return value->value_or("<none>");
  }

  // Upload attempts noted in the outbox, bypassing the Store.
  std::int64_t attempts(const std::string& event_id) const {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT attempts FROM outbox WHERE event_id = ?1", -1, &stmt, nullptr);
    sqlite3_bind_text(stmt, 1, event_id.c_str(), -1, SQLITE_TRANSIENT);
    std::int64_t attempts = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) attempts = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close_v2(db);
    return attempts;
  }
};

inline sync::ClientOptions quick_options() {
  sync::ClientOptions options;
  options.request_timeout = std::chrono::seconds{5};
  return options;
}

inline std::string error_body(const std::string& code, const std::string& message) {
  return sync::to_json(sync::ProtocolError{code, message});
}

// The server's side of uploads: a set of committed event ids, "duplicate" for a repeat.
struct FakeLedger {
  std::mutex mutex;
  std::set<std::string> committed;
  std::set<std::string> reject;  // answered "rejected"

  Reply answer(const Recorded& request, WallTime server_time) {
    auto batch = sync::parse_event_batch(request.body);
    if (!batch) return Reply{400, error_body("bad_request", batch.error().message), {}, false};
    sync::BatchResult result;
    result.server_time = server_time;
    std::lock_guard lock(mutex);
    for (auto& e : batch->events) {
      if (reject.contains(e.event_id)) {
        result.results.push_back({e.event_id, sync::EventStatus::rejected, "session s-1 does not exist"});
      } else if (committed.insert(e.event_id).second) {
        result.results.push_back({e.event_id, sync::EventStatus::accepted, ""});
      } else {
        result.results.push_back({e.event_id, sync::EventStatus::duplicate, ""});
      }
    }
    return Reply{200, sync::to_json(result), {}, false};
  }
};

// Download pieces.
inline Program program(const std::string& id) {
  return Program{id, "Program " + id, false, false, false, Registration::open, false, false};
}
inline Session session(const std::string& id, const std::string& program_id, WallTime start,
                       Millis length = std::chrono::hours{2}) {
  Session s{id, program_id, "site-1", "Hall", start, start + length, {}, {}, std::nullopt};
  return with_default_window(s);
}
inline Shift shift(const std::string& id, WallTime start, Millis length = std::chrono::hours{3}) {
  return Shift{id, "site-1", "front desk", start, start + length, {}};
}
inline sync::KeyEntry key(char digit) {
  return sync::KeyEntry{std::string(16, digit), std::string(64, digit)};
}
inline sync::ChangesPage page(std::string next_cursor, bool has_more) {
  sync::ChangesPage p;
  p.site = Site{"site-1", "Riverside"};
  p.server_time = kNow;
  p.next_cursor = std::move(next_cursor);
  p.has_more = has_more;
  return p;
}
inline Reply ok(std::string body) { return Reply{200, std::move(body), {}, false}; }
inline const std::string& empty_page_body() {
  static const std::string body = sync::to_json(page("c-empty", false));
  return body;
}

}  // namespace checkin::testing
