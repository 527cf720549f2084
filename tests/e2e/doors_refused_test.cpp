// SPDX-License-Identifier: AGPL-3.0-or-later
// What a door does with an event the server refuses (issue 14): it keeps it as a dead
// letter, and its staff read on the admin screen, in words a volunteer understands, what was
// not counted and what to do. A real checkin-kiosk and a real checkin-server.
#include "checkin_catch.hpp"

#include "checkin/store/store.hpp"
#include "doors.hpp"

using namespace checkin;
using namespace checkin::testing;
using namespace std::chrono;

TEST_CASE("a door whose clock is a day ahead keeps its check-in as a dead letter and tells staff why") {
  DoorSite site;
  auto front = site.door("Front door");
  // Tomorrow's lunch: the kiosk, its clock 30 hours ahead, thinks it is running now.
  Session tomorrow;
  tomorrow.program_id = site.lunch_program;
  tomorrow.site_id = site.site;
  tomorrow.room = "Main hall";
  tomorrow.start = site.t0() + hours{29};
  tomorrow.end = site.t0() + hours{32};
  tomorrow = site.store().create_session(tomorrow).value();

  const std::vector<std::string> steps{"wait-sync", "scan " + site.pass("ben"), "wait-sync", "tap dismiss", "tap staff", "tap pin:2",
                                       "tap pin:4", "tap pin:6", "tap pin:8", "tap pin:ok", "tap admin.tab:sync"};
  auto run = front->run(hours{30}, steps);
  INFO(run.log);
  REQUIRE(run.status == 0);
  CHECK(run.shows(2, "Welcome"));  // the kiosk decides; it never waits for the server
  const std::string& admin = run.screens.back();
  INFO(admin);
  CHECK(admin.find("Could not be sent: 1") != std::string::npos);
  CHECK(admin.find("The server did not count this check-in: the kiosk's clock said " +
                   format_utc(site.t0() + hours{30}).substr(0, 10)) != std::string::npos);
  CHECK(admin.find("Please check the kiosk's date and time.") != std::string::npos);
  CHECK(admin.find("ahead of the server") != std::string::npos);  // the clock line says by how much

  // Kept on the kiosk with the reason, never dropped; nothing of it on the server.
  auto kiosk = store::Store::open(front->database(), store::OpenOptions::reading_only());
  REQUIRE(kiosk);
  auto dead = kiosk->dead_letters();
  REQUIRE(dead);
  REQUIRE(dead->size() == 1);
  CHECK(dead->front().event.session_id == tomorrow.id);
  CHECK(dead->front().reason.starts_with("The server did not count this check-in"));
  CHECK(site.store().attendance_count(tomorrow.id).value_or(-1) == 0);
}
