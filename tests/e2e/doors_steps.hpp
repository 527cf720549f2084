// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What the doors' tests say again and again: a scan step, the staff PIN then more steps,
// a run that must end well, the stay the server reconciled, and the delivery invariant.
#include <optional>
#include <string>
#include <vector>

#include "checkin_catch.hpp"
#include "doors.hpp"

namespace checkin::testing {

inline std::string scan(DoorSite& site, const std::string& who) { return "scan " + site.pass(who); }

// The staff button, the PIN and OK, then `then`.
inline std::vector<std::string> staff(const Door& door, std::vector<std::string> then) {
  std::vector<std::string> steps;
  std::string all = door.staff_steps();
  for (std::size_t at = 0; at < all.size();) {
    auto end = all.find('\n', at);
    steps.push_back(all.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  steps.insert(steps.end(), then.begin(), then.end());
  return steps;
}

// The stay of a person in a session, as the server reconciled it.
inline std::optional<server::StayRow> stay_row_of(DoorSite& site, const Id& session, const std::string& who) {
  auto detail = site.store().session_attendance(session, site.t0() + std::chrono::hours{6});
  REQUIRE(detail);
  for (const auto& row : detail->stays)
    if (row.stay.person_id == site.person(who)) return row;
  return std::nullopt;
}
inline std::optional<Stay> stay_of(DoorSite& site, const Id& session, const std::string& who) {
  auto row = stay_row_of(site, session, who);
  return row ? std::optional<Stay>(row->stay) : std::nullopt;
}

inline void require_delivered(DoorSite& site, std::vector<Door*> doors) {
  const std::string problems = site.delivery_problem(doors);
  INFO(problems);
  CHECK(problems.empty());
}

}  // namespace checkin::testing

// The run is evaluated once: passing a door's run() here runs the kiosk once.
#define REQUIRE_RUN(run)                  \
  do {                                    \
    const KioskRun& checked_run_ = (run); \
    INFO(checked_run_.log);               \
    REQUIRE(checked_run_.status == 0);    \
  } while (false)
