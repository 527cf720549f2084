// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Reconciliation: what the attendance events of every door of a site say happened.
//
// Kiosks decide on their own, often offline, so the events of two doors can disagree: a
// participant checked in at the front door scans at the back door to leave, and the back
// door, not knowing, records a second check-in; a volunteer starts a shift at one door and
// "starts" it again at the other when leaving. These functions read such facts the way a
// coordinator would, and they are the one home of the counting rules: the kiosk's ledger
// and the server's reports, live board and volunteer hours all call them.
//
// Inputs are plain events, already normalised by the caller: an event's person_id is set
// whenever the caller knows whose pass it was (the server from its passes, a kiosk from its
// roster), so both sides key the same attendee the same way. Undo events in the input
// cancel the events they name. Order does not matter: events are read by wall time.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checkin/core/domain.hpp"

namespace checkin {

// How long a stay or a shift must last before a second scan ends it rather than repeats it.
// Part of the rules' configuration (rules.hpp), repeated here as the reconciler's own input.
struct ReconcileConfig {
  Millis min_stay = std::chrono::minutes{10};
  Millis checkout_grace = std::chrono::minutes{60};
};

// Who an event counts as: "person:<id>" when the person is known, else "pass:<id>", else
// "event:<id>" (an anonymous check-in or a walk-in without a pass counts on its own).
std::string attendee_key(const AttendanceEvent& event);

// One attendee's presence in a session, from a check-in to what ended it.
struct Stay {
  enum class End {
    open,           // still in the room
    checked_out,    // a check-out, or a second door's check-in read as one
    session_ended,  // the program counts check-outs, none came: closed at the session's end
  };
  std::string attendee;  // attendee_key
  EventKind kind = EventKind::checkin;  // checkin, walk_in or anonymous_checkin
  std::string checkin_event_id;
  std::string device_id;  // of the check-in
  Id person_id;
  std::string pass_id;
  std::string walk_in_name;
  WallTime in{};
  Millis in_monotonic{0};
  std::string boot_id;
  std::uint32_t flags = flag_none;  // the check-in's (forced, staff, ...)
  End end = End::open;
  std::optional<WallTime> out;
  std::string checkout_event_id;  // the event that ended it; empty while open or at the session's end
  // Further check-ins of the same attendee while this stay was open, kept but not counted:
  // a second door that did not know (offline), or a pass shown at two doors at once.
  std::vector<std::string> seen_twice;

  bool is_open() const { return end == End::open; }
};

struct SessionTally {
  std::vector<Stay> stays;     // in check-in order; re-entries are further stays
  int attendees = 0;           // distinct attendees: identified, anonymous and walk-ins
  int anonymous = 0;
  int walk_ins = 0;
  int present = 0;             // stays open now
  int max_present = 0;         // the most in the room at once
  bool over_capacity = false;  // max_present went over the session's capacity (doors offline)

  // The attendee's open stay, or nullptr.
  const Stay* open_stay(const std::string& attendee) const;
  // The attendee's latest stay, open or not, or nullptr.
  const Stay* last_stay(const std::string& attendee) const;
};

// The session's events (check-ins, check-outs, anonymous check-ins, walk-ins; others are
// ignored) and the undos among `events`, read at `now`.
SessionTally tally_session(const Session& session, const Program& program, std::span<const AttendanceEvent> events,
                           const ReconcileConfig& config, WallTime now);

// One volunteer's shift, from a start to what ended it.
struct ShiftSpan {
  std::string attendee;  // attendee_key of the volunteer
  Id shift_id;
  Id person_id;
  std::string pass_id;
  std::string start_event_id;  // empty when only the end reached us
  std::string start_device_id;
  std::optional<WallTime> started;
  Millis started_monotonic{0};
  std::string boot_id;
  std::string end_event_id;  // empty while open
  std::optional<WallTime> ended;
  Millis worked{0};          // what counts: measured by the kiosk, or the time between the two doors' scans
  bool auto_closed = false;  // ended by a kiosk on its own: a coordinator confirms the hours
  bool ended_by_second_start = false;  // a second door's start, read as the end
  // Duplicate starts folded in, and ends that came after it was already ended (another
  // door's automatic close, say): kept as events, never a second shift.
  std::vector<std::string> merged;

  bool is_open() const { return end_event_id.empty(); }
};

// Pairs the shift starts and ends among `events` (undos honoured), per volunteer. Ordered
// by start (an end without a start by its end).
std::vector<ShiftSpan> pair_shifts(std::span<const AttendanceEvent> events, const ReconcileConfig& config);

}  // namespace checkin
