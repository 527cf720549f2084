// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/corrections.hpp"

#include <fmt/format.h>

namespace checkin {

std::optional<std::string> correction_problem(const AttendanceEvent& target, bool undone) {
  if (undone) return fmt::format("event {} was undone already", target.event_id);
  switch (target.kind) {
    case EventKind::checkin:
    case EventKind::walk_in:
    case EventKind::anonymous_checkin: return std::nullopt;
    default: return fmt::format("event {} is a {}: only check-ins can be undone or moved", target.event_id,
                                to_string(target.kind));
  }
}

AttendanceEvent make_undo(const AttendanceEvent& target, const std::string& device_id, const Instant& now) {
  AttendanceEvent undo = new_event(EventKind::undo, device_id, now);
  undo.undoes_event_id = target.event_id;
  undo.session_id = target.session_id;  // for the site feed and the audit trail; the target says the rest
  undo.flags |= flag_staff;
  return undo;
}

std::vector<AttendanceEvent> make_move(const AttendanceEvent& target, const Id& to_session,
                                       const std::string& device_id, const Instant& now) {
  AttendanceEvent again = new_event(target.kind, device_id, now);
  again.session_id = to_session;
  again.pass_id = target.pass_id;
  again.person_id = target.person_id;
  again.walk_in_name = target.walk_in_name;
  again.flags |= flag_staff | (target.flags & flag_forced);
  return {make_undo(target, device_id, now), std::move(again)};
}

AttendanceEvent make_manual_checkin(const Id& session_id, const Id& person_id, const std::string& pass_id,
                                    const std::string& device_id, const Instant& now) {
  AttendanceEvent e = new_event(EventKind::checkin, device_id, now);
  e.session_id = session_id;
  e.person_id = person_id;
  e.pass_id = pass_id;
  e.flags |= flag_staff;
  return e;
}

AttendanceEvent make_manual_walk_in(const Id& session_id, std::string name, const std::string& device_id,
                                    const Instant& now) {
  AttendanceEvent e = new_event(EventKind::walk_in, device_id, now);
  e.session_id = session_id;
  e.walk_in_name = std::move(name);
  e.flags |= flag_staff;
  return e;
}

}  // namespace checkin
