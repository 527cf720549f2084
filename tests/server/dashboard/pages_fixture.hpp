// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The organisation the dashboard's page tests work in: two sites, an open lunch and a
// discreet circle, an admin and a coordinator of Riverside only, a kiosk at each site; the
// real checkin-server process on its SQLite file, and the store on the same file for what
// kiosks upload.
#include "checkin_catch.hpp"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <regex>
#include <set>
#include <thread>

#include "checkin/core/ids.hpp"
#include "checkin/qr/decode.hpp"
#include "checkin/qr/image.hpp"
#include "checkin/server/retention_timer.hpp"
#include "checkin/server/store.hpp"
#include "checkin/sync/enrolment.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"
#include "web_client.hpp"

using namespace checkin;
using namespace checkin::server;
using checkin::testing::html_unescape;
using checkin::testing::must_ok;
using checkin::testing::ServerProcess;
using checkin::testing::signed_in_client;
using checkin::testing::WebClient;
using namespace std::chrono_literals;

namespace checkin::testing::pages {

inline WallTime now_utc() { return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()); }

inline constexpr const char* kAdminPassword = "correct horse battery";
inline constexpr const char* kCoordinatorPassword = "staple paper clips";
inline constexpr const char* kFormulaName = "=cmd|' /C calc'!A0";

inline bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Two sites; an open lunch and a discreet support circle; an admin and a coordinator of
// Riverside only; a kiosk at each site.
struct Fixture {
  checkin::testing::TempDir dir;
  std::string database = dir.file("server.db");
  std::unique_ptr<ServerStore> store;
  Site riverside, hilltop;
  Program lunch, circle;
  Device riverside_kiosk, hilltop_kiosk;
  std::map<Id, std::int64_t> seqs;
  std::unique_ptr<ServerProcess> server;

  explicit Fixture(bool with_signing_key = true) {
    ::setenv("TZ", "UTC", 1);  // the server's local time too: dates in the test are UTC dates
    store = must_ok(ServerStore::open(database, 2));
    riverside = must_ok(store->create_site(Site{"", "Riverside"}));
    hilltop = must_ok(store->create_site(Site{"", "Hilltop"}));
    lunch = must_ok(store->create_program(Program{.id = "", .name = "Community lunch"}));
    circle = must_ok(store->create_program(Program{.id = "", .name = "Thursday circle", .discreet = true}));
    if (with_signing_key) must_ok(store->create_signing_key(now_utc()));
    must_ok(store->create_account("admin", "Ada Admin", kAdminPassword, Role::admin, {}, now_utc()));
    must_ok(store->create_account("coord", "Cole Coordinator", kCoordinatorPassword, Role::coordinator, {riverside.id},
                                  now_utc()));
    riverside_kiosk = enrol(riverside, "front-door");
    hilltop_kiosk = enrol(hilltop, "hall");
  }
  Device enrol(const Site& site, std::string name) {
    auto token = must_ok(store->create_enrolment_token(site.id, now_utc()));
    auto enrolled = must_ok(store->enrol(sync::EnrolRequest{token.token, std::move(name), "test"}, now_utc()));
    return must_ok(store->authenticate(enrolled.device_id, enrolled.device_token, now_utc()));
  }
  ServerProcess& start() {
    server = std::make_unique<ServerProcess>(database, dir.path());
    return *server;
  }
  WebClient admin() {
    return signed_in_client(*server, "admin", kAdminPassword);
  }
  WebClient coordinator() {
    return signed_in_client(*server, "coord", kCoordinatorPassword);
  }
  PersonRecord person(const Site& site, std::string name, std::vector<Id> programs = {}) {
    return must_ok(store->create_person(PersonRecord{"", std::move(name), "en", std::move(programs), site.id}));
  }
  // A session whose check-in window is open now: started 10 minutes ago, or at midnight
  // when that was less than 10 minutes ago, so that it is today's for Today and the
  // reports of today whenever the test runs.
  Session open_session(const Site& site, const Program& program,
                       WallTime start = std::max(now_utc() - 10min,
                                                 std::chrono::time_point_cast<Millis>(
                                                     std::chrono::floor<std::chrono::days>(now_utc())))) {
    Session s;
    s.program_id = program.id;
    s.site_id = site.id;
    s.room = "Hall";
    s.start = start;
    s.end = start + 90min;
    s.window_opens = start - 30min;
    s.window_closes = s.end;
    return must_ok(store->create_session(s));
  }
  AttendanceEvent event(const Device& kiosk, EventKind kind, WallTime at) {
    AttendanceEvent e;
    e.event_id = make_uuid_v7(at);
    e.device_id = kiosk.id;
    e.seq = ++seqs[kiosk.id];
    e.kind = kind;
    e.wall_time = at;
    e.monotonic = 5s;
    e.boot_id = "boot-1";
    return e;
  }
  // The person checks in with a pass of their own, as a kiosk at the session's site uploads it.
  void check_in(const PersonRecord& who, const Session& session) {
    auto pass = must_ok(store->issue_pass(who.id, now_utc() + 24h * 365, now_utc()));
    auto e = event(session.site_id == riverside.id ? riverside_kiosk : hilltop_kiosk, EventKind::checkin, now_utc() - 1min);
    e.session_id = session.id;
    e.pass_id = pass.record.pass_id;
    e.person_id = who.id;
    upload(session.site_id == riverside.id ? riverside_kiosk : hilltop_kiosk, {e});
  }
  void upload(const Device& kiosk, std::vector<AttendanceEvent> events) {
    auto results = must_ok(store->ingest(kiosk, events, now_utc()));
    for (const auto& r : results) REQUIRE(r.status == sync::EventStatus::accepted);
  }
};

inline std::string between(const std::string& text, const std::string& before, const std::string& after) {
  auto start = text.find(before);
  if (start == std::string::npos) return {};
  start += before.size();
  auto end = text.find(after, start);
  return end == std::string::npos ? std::string{} : text.substr(start, end - start);
}

inline std::vector<std::string> csv_lines(const std::string& csv) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < csv.size()) {
    auto end = csv.find("\r\n", at);
    if (end == std::string::npos) end = csv.size();
    lines.push_back(csv.substr(at, end - at));
    at = end + 2;
  }
  return lines;
}

}  // namespace checkin::testing::pages
