// SPDX-License-Identifier: AGPL-3.0-or-later
// A participant who forgot their pass (issue 19): staff at the front door find them by
// name behind the PIN and check them in. The server has their check-in, made by staff
// without a pass; the back door knows they are in. Real checkin-kiosk processes and a
// real checkin-server.
#include "doors_steps.hpp"

using namespace checkin;
using namespace checkin::testing;
using namespace std::chrono;

TEST_CASE("staff find someone without their pass by name: their check-in, by staff, reaches the server and the back door") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");
  back->start(minutes{30}, {"wait-learned 1 60s", scan(site, "ben")});
  auto found = front->run(minutes{30}, staff(*front, {"tap find:open", "tap key:b", "tap key:e",
                                                      "tap found:" + site.person("ben"), "tap find_in:" + site.lunch,
                                                      "wait-sync"}));
  REQUIRE_RUN(found);
  const std::size_t typed = found.screens.size() - 4;  // the screens after "e", the choice, the check-in
  CHECK(found.shows(typed, "Ben"));
  CHECK(found.shows(typed + 1, "Check in Ben to which session?"));
  CHECK(found.shows(typed + 2, "Ben is checked in to Community lunch."));

  auto at_back = back->finish();
  REQUIRE_RUN(at_back);
  CHECK(at_back.shows(2, "You are already checked in, Ben"));

  auto row = stay_row_of(site, site.lunch, "ben");
  REQUIRE(row);
  CHECK(row->stay.pass_id.empty());
  CHECK(row->stay.flags & flag_staff);
  CHECK(row->device_name == "Front door");
  require_delivered(site, {front.get(), back.get()});
}
