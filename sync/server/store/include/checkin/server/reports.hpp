#pragma once
// What the store answers for reports, the live board, the shift review queue and
// retention: raw figures with the flags a front end needs to apply the privacy rules.
// Suppression of small counts and CSV formatting live in sync/server/coordinator.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/domain.hpp"

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
};

// One identified attendance: who was at which session. Never for discreet programs.
struct AttendanceRecord {
  Session session;
  Program program;
  std::string site_name;
  Id person_id;                // empty for a walk-in
  std::string preferred_name;  // the person's, or the walk-in's given name
  WallTime checked_in_at{};
  std::optional<WallTime> checked_out_at;
};

enum class ShiftStatus {
  credited,      // ended by the volunteer's own scan
  needs_review,  // ended by the kiosk (auto-closed): not credited until a coordinator decides
  confirmed,     // auto-closed and confirmed as recorded
  edited,        // auto-closed, and a coordinator set the time worked
  rejected,      // auto-closed and rejected: no hours
};
const char* to_string(ShiftStatus status);

// One volunteer's worked shift, from its shift_end event.
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
};

struct RetentionStatus {
  int discreet_days = 0;                   // identified attendance of discreet programs kept this long
  std::optional<WallTime> last_run;
  std::int64_t identified_discreet_events = 0;  // still identified now
  std::int64_t reduced_sessions = 0;            // sessions already reduced to counts
  std::optional<WallTime> oldest_identified;    // the oldest identified discreet event
};

struct RetentionRun {
  std::int64_t sessions_reduced = 0;
  std::int64_t events_deidentified = 0;
};

inline constexpr int kDefaultDiscreetRetentionDays = 90;

}  // namespace checkin::server
