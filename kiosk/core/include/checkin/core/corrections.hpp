// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Staff corrections are events too (attendance is append-only): an undo names the event it
// cancels; a move is an undo plus the same check-in in another session; a manual check-in
// is a check-in or a walk-in made by staff. The kiosk's staff screens and the server's
// dashboard and command line all make them here, so they cannot differ. Every one carries
// flag_staff.
#include <optional>
#include <string>
#include <vector>

#include "checkin/core/domain.hpp"

namespace checkin {

// Why `target` cannot be undone or moved, or nothing when it can: only check-ins, walk-ins
// and anonymous check-ins that still stand.
std::optional<std::string> correction_problem(const AttendanceEvent& target, bool undone);

AttendanceEvent make_undo(const AttendanceEvent& target, const std::string& device_id, const Instant& now);
// The undo of `target`, then the same check-in (kind, pass, person, name) in `to_session`.
std::vector<AttendanceEvent> make_move(const AttendanceEvent& target, const Id& to_session,
                                       const std::string& device_id, const Instant& now);
// A person checked in by staff (their current pass, when known, makes it the same attendee
// as a scan of it), or a walk-in by the name given.
AttendanceEvent make_manual_checkin(const Id& session_id, const Id& person_id, const std::string& pass_id,
                                    const std::string& device_id, const Instant& now);
AttendanceEvent make_manual_walk_in(const Id& session_id, std::string name, const std::string& device_id,
                                    const Instant& now);

}  // namespace checkin
