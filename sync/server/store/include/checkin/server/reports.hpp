// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What the store answers for reports, the live board, the shift review queue and
// retention: raw figures with the flags a front end needs to apply the privacy rules.
// Suppression of small counts and CSV formatting live in sync/server/coordinator.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/domain.hpp"
#include "checkin/core/reconcile.hpp"

namespace checkin::server {

// Which data a report covers. Times are a half-open range [from, to) on session or
// shift start. An empty site list means every site (only for admins; callers pass the
// coordinator's sites otherwise).
struct ReportFilter {
  std::vector<Id> site_ids;
  Id program_id;  // empty: every program (attendance reports only)
  WallTime from{};
  WallTime to{};
};

// One session's attendance: people counted once whichever kiosks saw them.
struct SessionAttendance {
  Session session;
  Program program;
  std::string site_name;
  std::int64_t attendees = 0;  // everyone counted: identified, anonymous and walk-ins
  std::int64_t anonymous = 0;  // of which anonymous check-ins
  std::int64_t walk_ins = 0;   // of which walk-ins
  bool reduced = false;        // retention already reduced it to these counts
  bool over_capacity = false;  // more were in the room at once than its capacity (doors offline)
};

// The check-out ratings given for one session: how many of each, 1 to 5. Ratings are
// never linked to a person (the kiosk sends session, day and rating only).
struct SessionFeedback {
  Session session;
  Program program;
  std::array<std::int64_t, 5> ratings{};  // [0] how many gave 1 ... [4] how many gave 5
};

// One identified stay: who was at which session, from when to when. Never for discreet
// programs. Someone who left and came back has a stay for each visit.
struct AttendanceRecord {
  Session session;
  Program program;
  std::string site_name;
  Id person_id;                // empty for a walk-in
  std::string preferred_name;  // the person's, or the walk-in's given name
  WallTime checked_in_at{};
  std::optional<WallTime> checked_out_at;
  bool closed_at_session_end = false;  // a forgotten check-out, closed when the session ended
  std::string checkin_event_id;
  std::uint32_t flags = 0;             // of the check-in: forced, staff
};

enum class ShiftStatus {
  credited,      // ended by the volunteer's own scan
  needs_review,  // ended by the kiosk (auto-closed): not credited until a coordinator decides
  confirmed,     // auto-closed and confirmed as recorded
  edited,        // auto-closed, and a coordinator set the time worked
  rejected,      // auto-closed and rejected: no hours
};
const char* to_string(ShiftStatus status);

// One volunteer's worked shift, as reconciliation paired it (kiosk/core/reconcile.hpp):
// a start and what ended it, at any door.
struct WorkedShift {
  std::string end_event_id;
  Shift shift;  // without assignments
  std::string site_name;
  Id person_id;
  std::string preferred_name;
  std::optional<WallTime> started_at;  // the matching shift_start, when it reached the server
  WallTime ended_at{};
  Millis recorded{0};  // what the kiosk measured
  Millis credited{0};  // what counts: recorded, or the coordinator's figure, or 0
  ShiftStatus status = ShiftStatus::credited;
  std::string decided_by;  // the account's display name, for reviewed ones
  bool ended_by_second_start = false;  // a second door's start was the volunteer leaving
  int merged = 0;                      // duplicate starts and later automatic ends folded in
};

enum class ReviewDecision { confirm, edit, reject };

// A session the live board shows: its window is open now.
struct BoardSession {
  Session session;
  Program program;
  std::string site_name;
  std::int64_t present = 0;          // checked in and not checked out (or undone)
  std::int64_t checked_in = 0;       // counted over the whole session so far
  std::vector<std::string> names;    // of those present; always empty for discreet programs
  std::int64_t unnamed = 0;          // present but not named (anonymous, no name known)
  bool over_capacity = false;
};

// A volunteer on shift now (the live board and Today).
struct OnShift {
  Shift shift;  // without assignments
  std::string site_name;
  Id person_id;
  std::string preferred_name;
  WallTime started_at{};
};

// One stay as a session's attendance page shows it, with what the coordinator may correct.
struct StayRow {
  Stay stay;                 // as reconciled (kiosk/core/reconcile.hpp)
  std::string name;          // the person's preferred name or the walk-in's; empty in discreet programs
  std::string device_name;   // the kiosk (or "Coordinators") that recorded the check-in
  std::vector<std::string> seen_twice_devices;  // kiosks that accepted the same pass again while it was in
};

// A pass accepted again by a kiosk while its holder was already in: two doors at once
// (a shared or copied pass), or a second door that did not know (offline). Counted once.
struct SeenTwice {
  Session session;
  Program program;
  std::string site_name;
  std::string pass_id;       // empty for a walk-in or someone checked in without a pass
  Id person_id;
  std::string name;          // empty in discreet programs
  WallTime first_at{};
  std::string first_device;  // the kiosk's name
  WallTime again_at{};
  std::string again_device;
};

// A session's attendance in detail: the dashboard's attendance page.
struct SessionDetail {
  Session session;
  Program program;
  std::string site_name;
  bool cancelled = false;
  SessionTally tally;          // counts; its stays are in `stays`, with names
  std::vector<StayRow> stays;
  bool reduced = false;        // retention reduced it: counts only
};

struct RetentionStatus {
  int discreet_days = 0;                   // identified attendance of discreet programs kept this long
  int other_days = 0;                      // ... of every other program
  std::map<Id, int> program_days;          // programs with a period of their own
  int inactive_days = 0;                   // people without activity this long are listed for review
  std::optional<WallTime> last_run;
  std::int64_t identified_discreet_events = 0;  // still identified now
  std::int64_t identified_other_events = 0;     // ... in every other program
  std::int64_t reduced_sessions = 0;            // sessions already reduced to counts
  std::optional<WallTime> oldest_identified;    // the oldest identified discreet event
  int audit_days = 0;                           // audit trail entries kept this long
  std::optional<WallTime> oldest_audit_entry;
};

struct RetentionRun {
  std::int64_t sessions_reduced = 0;
  std::int64_t events_deidentified = 0;
  std::int64_t audit_entries_removed = 0;
};

// Someone inactive this long (no check-in, no shift, no new pass) since being added.
struct InactivePerson {
  Id id;
  std::string preferred_name;
  Id site_id;
  std::optional<WallTime> last_activity;  // none: added, never seen, and not datable
};

inline constexpr int kDefaultDiscreetRetentionDays = 90;
// Other programs: two years, long enough for a year's funding report and its questions.
inline constexpr int kDefaultOtherRetentionDays = 730;
inline constexpr int kDefaultInactivePeopleDays = 730;
inline constexpr int kMinRetentionDays = 1;
inline constexpr int kMaxRetentionDays = 3650;
// The audit trail answers "who looked at this?" for as long as a complaint can come: two
// years unless an administrator chooses otherwise.
inline constexpr int kDefaultAuditRetentionDays = 730;
inline constexpr int kMinAuditRetentionDays = 30;
inline constexpr int kMaxAuditRetentionDays = 3650;

}  // namespace checkin::server
