// SPDX-License-Identifier: AGPL-3.0-or-later
// One site, several doors: real checkin-kiosk processes (headless, scripted) and a real
// checkin-server on 127.0.0.1, on SQLite or PostgreSQL. Each situation ends with the same
// invariant: every event every door recorded is on the server exactly once, nothing is
// left in an outbox, and stays, shifts, hours and counts are what a coordinator would count.
#include "checkin_catch.hpp"

#include <fmt/format.h>

#include "doors_steps.hpp"

using namespace checkin;
using namespace checkin::testing;
using namespace std::chrono;

TEST_CASE("a check-in at the front door is known at the back: too soon is 'already in', later is leaving") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");

  auto in = front->run(minutes{5}, {scan(site, "ana"), "wait-sync"});
  REQUIRE_RUN(in);
  CHECK(in.shows(1, "Welcome, Ana"));
  auto again = back->run(minutes{10}, {"wait-sync", scan(site, "ana")});
  REQUIRE_RUN(again);
  CHECK(again.shows(2, "You are already checked in, Ana"));
  auto out = back->run(minutes{50}, {"wait-sync", scan(site, "ana"), "wait-sync"});
  REQUIRE_RUN(out);
  CHECK(out.shows(2, "Goodbye, Ana"));

  auto stay = stay_of(site, site.lunch, "ana");
  REQUIRE(stay);
  CHECK(stay->end == Stay::End::checked_out);
  CHECK(stay->out == site.t0() + minutes{50});
  auto board = site.store().live_board({site.site}, site.t0() + minutes{60});
  REQUIRE(board);
  REQUIRE(board->size() == 1);
  CHECK(board->front().present == 0);
  CHECK(board->front().checked_in == 1);

  // The kiosks have the names coordinators gave them, and show them to staff.
  auto devices = site.store().devices();
  REQUIRE(devices);
  std::set<std::string> names;
  for (const auto& d : *devices) names.insert(d.name);
  CHECK(names == std::set<std::string>{"Front door", "Back door"});
  auto admin = front->run(minutes{55}, staff(*front, {"tap admin.tab:sync"}));
  REQUIRE_RUN(admin);
  CHECK(admin.shows(7, "This kiosk: Front door"));
  require_delivered(site, {front.get(), back.get()});
}

TEST_CASE("live: doors that are running learn a check-in at another door within moments, and act on it") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");
  auto side = site.door("Side door");
  // Back and side are up and waiting before anything happens at the front: only the live
  // feed can tell them.
  back->start(minutes{30}, {"wait-learned 1 30s", "at " + site.at(minutes{75}), scan(site, "ben"), "wait-sync"});
  side->start(minutes{30}, {"wait-learned 1 30s", scan(site, "ben")});
  auto in = front->run(minutes{30}, {scan(site, "ben"), "wait-sync"});
  REQUIRE_RUN(in);
  CHECK(in.shows(1, "Welcome, Ben"));
  auto at_side = side->finish();
  REQUIRE_RUN(at_side);
  CHECK(at_side.shows(2, "You are already checked in, Ben"));
  auto at_back = back->finish();
  REQUIRE_RUN(at_back);
  CHECK(at_back.shows(3, "Goodbye, Ben"));
  auto stay = stay_of(site, site.lunch, "ben");
  REQUIRE(stay);
  CHECK(stay->end == Stay::End::checked_out);
  require_delivered(site, {front.get(), back.get(), side.get()});
}

TEST_CASE("a volunteer's shift started at one door ends at the other, with the hours between") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");
  REQUIRE_RUN(front->run(minutes{0}, {scan(site, "vic"), "wait-sync"}));
  auto end = back->run(minutes{45}, {"wait-sync", scan(site, "vic"), "wait-sync"});
  REQUIRE_RUN(end);
  CHECK(end.shows(2, "Thank you, Vic"));
  CHECK(end.shows(2, "45\u00a0min"));
  auto shifts = site.store().worked_shifts(server::ReportFilter{{site.site}, {}, site.t0() - hours{1}, site.t0() + hours{1}});
  REQUIRE(shifts);
  REQUIRE(shifts->size() == 1);
  CHECK(shifts->front().credited == minutes{45});
  CHECK(shifts->front().status == server::ShiftStatus::credited);
  require_delivered(site, {front.get(), back.get()});
}

TEST_CASE("both doors offline: the back door's scans read as leaving, one shift of the right hours, nothing to review") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");
  const std::vector<std::string> offline{"sync.enabled=false"};
  auto at_front = front->run(minutes{0}, {scan(site, "vic"), "tap dismiss", scan(site, "ana")}, offline);
  REQUIRE_RUN(at_front);
  CHECK(at_front.shows(1, "Thank you, Vic"));
  CHECK(at_front.shows(3, "Welcome, Ana"));
  // The back door knows nothing of it: Vic "starts" again, Ana "checks in" again.
  auto at_back = back->run(minutes{45}, {scan(site, "vic"), "tap dismiss", scan(site, "ana")}, offline);
  REQUIRE_RUN(at_back);
  CHECK(at_back.shows(1, "Thank you, Vic"));
  CHECK(at_back.shows(3, "Welcome, Ana"));
  // Late in the day each door closes the shift it thinks is open, still offline.
  REQUIRE_RUN(front->run(minutes{130}, {"at " + site.at(minutes{200})}, offline));
  REQUIRE_RUN(back->run(minutes{130}, {"at " + site.at(minutes{200})}, offline));
  // Back online.
  REQUIRE_RUN(front->run(minutes{200}, {"wait-sync"}));
  REQUIRE_RUN(back->run(minutes{200}, {"wait-sync"}));
  REQUIRE_RUN(front->run(minutes{201}, {"wait-sync"}));

  auto shifts = site.store().worked_shifts(server::ReportFilter{{site.site}, {}, site.t0() - hours{1}, site.t0() + hours{1}});
  REQUIRE(shifts);
  REQUIRE(shifts->size() == 1);
  CHECK(shifts->front().credited == minutes{45});
  CHECK(shifts->front().ended_by_second_start);
  auto review = site.store().review_queue({site.site});
  REQUIRE(review);
  CHECK(review->empty());
  auto stay = stay_of(site, site.lunch, "ana");
  REQUIRE(stay);
  CHECK(stay->end == Stay::End::checked_out);
  CHECK(stay->out == site.t0() + minutes{45});
  CHECK(site.store().attendance_count(site.lunch).value_or(-1) == 1);
  require_delivered(site, {front.get(), back.get()});
}

TEST_CASE("capacity holds across doors, someone inside is never 'full', staff let one more in anyway") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");
  REQUIRE(front->run(minutes{155}, {scan(site, "ana"), "wait-sync"}).shows(1, "Welcome, Ana"));
  REQUIRE(back->run(minutes{156}, {"wait-sync", scan(site, "ben"), "wait-sync"}).shows(2, "Welcome, Ben"));
  REQUIRE(front->run(minutes{157}, {"wait-sync", scan(site, "cy"), "wait-sync"}).shows(2, "Welcome, Cy"));
  std::vector<std::string> steps{"wait-sync", scan(site, "dee"), "tap dismiss", scan(site, "ben"), "tap dismiss"};
  const auto let_in = staff(*back, {"tap let_in:R1", "wait-sync"});
  steps.insert(steps.end(), let_in.begin(), let_in.end());
  auto full = back->run(minutes{158}, steps);
  REQUIRE_RUN(full);
  CHECK(full.shows(2, "Please see a volunteer"));           // full: three are in, at two doors
  CHECK(full.shows(4, "You are already checked in, Ben"));  // inside: never "full"
  CHECK(full.shows(12, "Let in by staff"));
  CHECK(site.store().attendance_count(site.class_session).value_or(-1) == 4);
  auto dee = stay_of(site, site.class_session, "dee");
  REQUIRE(dee);
  CHECK(dee->flags & flag_forced);
  require_delivered(site, {front.get(), back.get()});
}

TEST_CASE("doors offline admit more than the capacity: the server flags the session") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");
  const std::vector<std::string> offline{"sync.enabled=false"};
  REQUIRE_RUN(front->run(minutes{155}, {scan(site, "ana"), scan(site, "cy"), scan(site, "eve")}, offline));
  REQUIRE_RUN(back->run(minutes{156}, {scan(site, "ben"), scan(site, "dee")}, offline));
  REQUIRE_RUN(front->run(minutes{160}, {"wait-sync"}));
  REQUIRE_RUN(back->run(minutes{160}, {"wait-sync"}));
  auto report = site.store().attendance_by_session(
      server::ReportFilter{{site.site}, site.class_program, site.t0(), site.t0() + hours{6}});
  REQUIRE(report);
  REQUIRE(report->size() == 1);
  CHECK(report->front().attendees == 5);
  CHECK(report->front().over_capacity);
  require_delivered(site, {front.get(), back.get()});
}

TEST_CASE("a kiosk enrolled again strands nothing: its offline check-ins arrive once, the old enrolment shows replaced") {
  DoorSite site;
  auto front = site.door("Front door");
  const std::string old_device = front->device_id();
  REQUIRE_RUN(front->run(minutes{10}, {scan(site, "ana"), scan(site, "ben")}, {"sync.enabled=false"}));
  // The coordinator revoked the old enrolment (the kiosk was thought lost), then it was
  // enrolled again: the old token no longer works, the enrolment vouches for its events.
  REQUIRE(site.store().revoke_device(old_device, site.t0()));
  auto again = front->enrol(minutes{20}, "", site.server().url());
  REQUIRE_RUN(again);
  CHECK(front->device_id() != old_device);
  CHECK(site.store().attendance_count(site.lunch).value_or(-1) == 2);
  auto devices = site.store().devices();
  REQUIRE(devices);
  auto old_row = std::ranges::find(*devices, old_device, &server::Device::id);
  REQUIRE(old_row != devices->end());
  CHECK(old_row->replaced_by == front->device_id());
  auto new_row = std::ranges::find(*devices, front->device_id(), &server::Device::id);
  REQUIRE(new_row != devices->end());
  CHECK(new_row->name == "Front door");  // the name carries over
  require_delivered(site, {front.get()});
}

TEST_CASE("corrections: an undo from the command line reaches the doors, a door's staff undo reaches the server") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");
  REQUIRE_RUN(front->run(minutes{5}, {scan(site, "ana"), "wait-sync"}));
  auto stay = stay_of(site, site.lunch, "ana");
  REQUIRE(stay);
  auto undone = server_cli(site.database(), {"attendance", "undo", stay->checkin_event_id, "--reason", "wrong pass"},
                           site.work());
  INFO(undone.err);
  REQUIRE(undone.status == 0);
  // The back door learns it: Ana scanning there is a fresh check-in, not "already in".
  auto fresh = back->run(minutes{8}, {"wait-sync", scan(site, "ana"), "wait-sync"});
  REQUIRE_RUN(fresh);
  CHECK(fresh.shows(2, "Welcome, Ana"));
  CHECK(site.store().attendance_count(site.lunch).value_or(-1) == 1);

  // Staff at the front undo the back door's check-in on the Recent tab.
  auto again = stay_of(site, site.lunch, "ana");
  REQUIRE(again);
  const std::string id = again->checkin_event_id;
  auto undo = front->run(minutes{9}, staff(*front, {"wait-sync", "tap admin.tab:recent", "tap undo:" + id,
                                                    "tap undo_confirm:" + id, "wait-sync"}));
  REQUIRE_RUN(undo);
  CHECK(undo.shows(10, "The check-in was undone"));
  CHECK(site.store().attendance_count(site.lunch).value_or(-1) == 0);
  auto trail = site.store().audit_log(server::AuditFilter{.action = "attendance.undo"});
  REQUIRE(trail);
  REQUIRE(trail->size() == 1);  // the command line's; the kiosk's undo is an event of its own
  CHECK(trail->front().reason == "wrong pass");
  require_delivered(site, {front.get(), back.get()});
}

TEST_CASE("an erased person's pass is refused at every door after its next sync, and the count they made stays") {
  DoorSite site;
  auto front = site.door("Front door");
  auto back = site.door("Back door");
  REQUIRE_RUN(front->run(minutes{5}, {scan(site, "ana"), "wait-sync"}));
  REQUIRE(site.store().attendance_count(site.lunch).value_or(-1) == 1);
  // Both doors had Ana on their roster (the back door learnt it at its first sync).
  REQUIRE_RUN(back->run(minutes{6}, {"wait-sync"}));

  auto erased = server_cli(site.database(), {"person", "erase", site.person("ana"), "--yes"}, site.work());
  INFO(erased.err);
  REQUIRE(erased.status == 0);

  auto at_back = back->run(minutes{20}, {"wait-sync", scan(site, "ana")});
  REQUIRE_RUN(at_back);
  CHECK(at_back.shows(2, "Please see a volunteer"));
  auto at_front = front->run(minutes{25}, {"wait-sync", scan(site, "ana")});
  REQUIRE_RUN(at_front);
  CHECK(at_front.shows(2, "Please see a volunteer"));
  // Ben is not affected, and Ana's check-in still counts, as nobody's.
  auto ben = back->run(minutes{26}, {scan(site, "ben"), "wait-sync"});
  REQUIRE_RUN(ben);
  CHECK(ben.shows(1, "Welcome, Ben"));
  CHECK(site.store().attendance_count(site.lunch).value_or(-1) == 2);
  auto detail = site.store().session_attendance(site.lunch, site.t0() + hours{6});
  REQUIRE(detail);
  for (const auto& row : detail->stays) CHECK(row.stay.person_id != site.person("ana"));
  CHECK_FALSE(site.store().person(site.person("ana")).value_or(std::nullopt).has_value());
  require_delivered(site, {front.get(), back.get()});
}

#if CHECKIN_E2E_POSTGRES
TEST_CASE("two server processes on one PostgreSQL: a check-in taken by one reaches a door waiting on the other") {
  DoorSite site;
  ServerProcess second(site.database(), site.work());
  auto front = site.door("Front door");
  auto back = site.door("Back door", &second);
  back->start(minutes{20}, {"wait-learned 1 30s", scan(site, "eve")});
  REQUIRE_RUN(front->run(minutes{20}, {scan(site, "eve"), "wait-sync"}));
  auto at_back = back->finish();
  REQUIRE_RUN(at_back);
  CHECK(at_back.shows(2, "You are already checked in, Eve"));
  require_delivered(site, {front.get(), back.get()});
}
#endif
