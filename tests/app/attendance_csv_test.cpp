// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include <fstream>
#include <sstream>

#include "checkin/app/attendance_csv.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::app;

// Quoting and formula neutralising of single fields: tests/core/csv_test.cpp.

TEST_CASE("attendance CSV: names only where allowed, never for discreet programs, nor their ids or session times") {
  Schedule schedule;
  schedule.programs = {Program{"open", "Lunch", false, false, true, Registration::open, false, false},
                       Program{"quiet", "Peer support", true, false, false, Registration::roster, false, false}};
  schedule.sessions = {Session{"s1", "open", "site", "Hall", {}, {}, {}, {}, {}},
                       Session{"s2", "quiet", "site", "Room 2", {}, {}, {}, {}, {}}};
  schedule.sessions[0].start = WallTime{Millis{1764590400000}};  // 2025-12-01T12:00:00Z
  schedule.sessions[1].start = WallTime{Millis{1764788400000}};  // 2025-12-03T19:00:00Z
  Roster roster;
  roster.add(Person{"p1", "=Ana", "en", {}}, {"pass1"});
  auto event = [](std::string id, EventKind kind, std::string session, std::string person, std::string walk_in = "") {
    AttendanceEvent e;
    e.event_id = std::move(id);
    e.kind = kind;
    e.session_id = std::move(session);
    e.person_id = std::move(person);
    e.walk_in_name = std::move(walk_in);
    e.device_id = "kiosk-1";
    e.seq = 1;
    return e;
  };
  std::vector<AttendanceEvent> events = {event("e1", EventKind::checkin, "s1", "p1"),
                                         event("e2", EventKind::checkin, "s2", "p1"),
                                         event("e3", EventKind::walk_in, "s1", "", "Sam, \"the man\"")};
  auto csv = attendance_csv(events, schedule, roster, false);
  CHECK(csv.starts_with("\xEF\xBB\xBFrecorded_at_utc,event,program"));
  CHECK(csv.find("Lunch,") != std::string::npos);
  CHECK(csv.find("'=Ana") != std::string::npos);  // a formula-looking name is text
  CHECK(csv.find("\"Sam, \"\"the man\"\"\"") != std::string::npos);
  CHECK(csv.find("Peer support") == std::string::npos);
  CHECK(csv.find("Room 2") == std::string::npos);
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 4);
  // The discreet check-in's row: no person id, no session start (nor room, above).
  const auto at = csv.find(",e2,");
  REQUIRE(at != std::string::npos);
  const std::string row = csv.substr(csv.rfind('\n', at) + 1, csv.find('\n', at) - csv.rfind('\n', at));
  CHECK(row.find("p1") == std::string::npos);
  CHECK(row.find("2025-12-03T19:00") == std::string::npos);
  CHECK(csv.find("2025-12-01T12:00") != std::string::npos);  // the lunch's start is there
  auto hidden = attendance_csv(events, schedule, roster, true);
  CHECK(hidden.find("Ana") == std::string::npos);
  CHECK(hidden.find("Sam") == std::string::npos);
}

TEST_CASE("writing the CSV: atomic, and a clear error where it cannot be written") {
  checkin::testing::TempDir dir;
  auto path = write_attendance_csv(dir.path(), "a.csv", "x,y\r\n");
  REQUIRE(path);
  std::ifstream in(*path);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "x,y\r\n");
  CHECK_FALSE(std::filesystem::exists(dir.path() / "a.csv.partial"));
  auto missing = write_attendance_csv(dir.path() / "no-usb-stick", "a.csv", "x");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Matchers::ContainsSubstring("no-usb-stick"));
  if (std::filesystem::exists("/dev/full")) {
    // /dev/full is a device that always reports a full disk; write through a symlink to it.
    std::filesystem::create_symlink("/dev/full", dir.path() / "full.csv.partial");
    auto full = write_attendance_csv(dir.path(), "full.csv", std::string(100000, 'x'));
    REQUIRE_FALSE(full);
    CHECK(full.error().code == Errc::storage_full);
  }
}
