// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The audit trail: who changed what, and who looked at identified attendance. One trail
// for the dashboard and the command line alike; an entry holds account, time, action and
// object ids, never an attendee's name.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/domain.hpp"

namespace checkin::server {

// Who does something: a dashboard account, or someone at the server's command line.
struct Actor {
  Id account_id;     // empty for the command line
  std::string name;  // the account's username, or "command line"

  static Actor command_line() { return Actor{{}, "command line"}; }
};

struct AuditEntry {
  std::string id;  // UUIDv7: entries sort by time
  WallTime at{};
  Id account_id;
  std::string actor;
  std::string action;       // "attendance.undo", "attendance.move", "attendance.add", ...
  std::string object_type;  // "event", "session", "person", "device", ...
  std::string object_id;
  Id site_id;               // the site it concerns, when one does
  std::string detail;       // more ids ("session=...; new_event=..."), never a name
  std::string reason;       // as the person doing it gave it; optional
};

struct AuditFilter {
  Id account_id{};             // empty: everyone
  bool command_line = false;   // only what was done at the command line
  std::string action{};        // empty: every action; "attendance." matches a family
  std::optional<WallTime> from{};
  std::optional<WallTime> to{};
  std::string object_id{};     // empty: every object
  std::size_t limit = 200;     // newest first
};

}  // namespace checkin::server
