// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A fresh server database per test: a SQLite file in the test's temp directory, or, in
// the build of these tests for PostgreSQL (CHECKIN_STORE_TEST_POSTGRES), a fresh database
// in the `postgres` fixture's cluster.
// Plus small builders for the organisation the tests need.
#include "checkin_catch.hpp"

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "checkin/core/ids.hpp"
#include "checkin/server/sql.hpp"
#include "checkin/server/store.hpp"
#include "temp_dir.hpp"

#if CHECKIN_STORE_TEST_POSTGRES
#include "postgres.hpp"
#endif

namespace checkin::testing {

class StoreDatabase {
 public:
#if CHECKIN_STORE_TEST_POSTGRES
  StoreDatabase() : postgres_(std::make_unique<PostgresDatabase>()), url_(postgres_->url()) {}
#else
  StoreDatabase() : url_(dir_.file("server.db")) {}
#endif

  const std::string& url() const { return url_; }
  sql::Backend backend() const { return sql::backend_of(url_); }

  std::unique_ptr<server::ServerStore> open(std::size_t connections = 4) const {
    auto store = server::ServerStore::open(url_, connections);
    if (!store) FAIL("opening the store failed: " << store.error().message);
    return std::move(*store);
  }

 private:
  TempDir dir_;
#if CHECKIN_STORE_TEST_POSTGRES
  std::unique_ptr<PostgresDatabase> postgres_;
#endif
  std::string url_;
};

// 2026-11-26T12:00:00Z: a Thursday noon, the tests' "now".
inline constexpr WallTime kNoon{std::chrono::milliseconds{1'795'694'400'000}};
using namespace std::chrono_literals;

// Unwraps a Result in a test, failing with its message.
template <class T>
T must(Result<T> result) {
  if (!result) FAIL(to_string(result.error().code) << ": " << result.error().message);
  return std::move(*result);
}
inline void must(Result<void> result) {
  if (!result) FAIL(to_string(result.error().code) << ": " << result.error().message);
}

// One site with a program, a session and a kiosk: what most tests start from.
struct Organisation {
  server::ServerStore& store;
  Site site;
  Program program;
  Session session;

  explicit Organisation(server::ServerStore& s, std::string site_name = "Riverside Centre")
      : store(s), site(must(s.create_site(Site{"", std::move(site_name)}))) {
    program = must(store.create_program(Program{.id = "", .name = "Tuesday peer support"}));
    session = add_session(program.id, kNoon - 30min, kNoon + 90min);
  }

  Session add_session(const Id& program_id, WallTime start, WallTime end) {
    Session wanted;
    wanted.program_id = program_id;
    wanted.site_id = site.id;
    wanted.room = "Hall";
    wanted.start = start;
    wanted.end = end;
    return must(store.create_session(wanted));
  }

  server::PersonRecord add_person(std::string name, std::vector<Id> programs = {}) {
    return must(store.create_person(server::PersonRecord{"", std::move(name), "en", std::move(programs), {}}));
  }

  server::Device enrol_kiosk(WallTime now = kNoon, std::string name = "kiosk-1") {
    auto token = must(store.create_enrolment_token(site.id, now));
    auto enrolled = must(store.enrol(sync::EnrolRequest{token.token, std::move(name), "test"}, now));
    return must(store.authenticate(enrolled.device_id, enrolled.device_token, now));
  }
};

// A kiosk's check-in event as the kiosk would record it.
inline AttendanceEvent checkin_event(const server::Device& device, std::int64_t seq, const Id& session_id,
                                     std::string pass_id, Id person_id = {}, WallTime at = kNoon) {
  AttendanceEvent event;
  event.event_id = make_uuid_v7(at);
  event.device_id = device.id;
  event.seq = seq;
  event.kind = EventKind::checkin;
  event.session_id = session_id;
  event.pass_id = std::move(pass_id);
  event.person_id = std::move(person_id);
  event.wall_time = at;
  event.monotonic = 5s;
  event.boot_id = "boot-1";
  return event;
}

}  // namespace checkin::testing
