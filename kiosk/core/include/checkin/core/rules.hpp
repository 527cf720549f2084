// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The check-in rules: given a scanned pass, the time, what this kiosk serves, its roster
// and what it has already recorded, decide the outcome and the events to record.
// Pure functions of their inputs; recording is the caller's job (see desk.hpp).
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/domain.hpp"
#include "checkin/core/ledger.hpp"
#include "checkin/core/pass.hpp"

namespace checkin {

using namespace std::chrono_literals;

enum class Outcome {
  checked_in,
  checked_out,
  shift_started,
  shift_ended,
  already_checked_in,
  choose_session,
  not_registered,
  no_session_now,
  pass_expired,
  pass_revoked,
  not_our_code,
  session_full,
  not_recorded,  // the rules said yes but the store could not commit: nothing was recorded
};
const char* to_string(Outcome outcome);
// Outcomes the public screen answers with "please see a volunteer" (never the reason).
bool needs_volunteer(Outcome outcome);

struct RulesConfig {
  Millis repeat_window = 5s;                     // the camera sees a held pass on every frame
  std::chrono::minutes shift_early_start{30};    // a shift can be started this long before it begins
  std::chrono::minutes shift_grace{60};          // open shifts close automatically at end + grace
  std::chrono::minutes checkout_grace{60};       // check-out scans accepted until session end + grace
  std::chrono::minutes min_stay{10};             // a repeat scan sooner than this is not a check-out

  // The part reconciliation (reconcile.hpp) reads, so kiosk and server pair scans alike.
  ReconcileConfig reconciling() const { return ReconcileConfig{min_stay, checkout_grace}; }
};

// Ignores the same code seen again within the window (measured on the monotonic clock,
// so wall-clock steps cannot replay or swallow a scan).
class RepeatFilter {
 public:
  explicit RepeatFilter(Millis window) : window_(window) {}
  // True when the code was seen within the window; every sighting restarts the window,
  // so a pass held in front of the camera answers once.
  bool suppress(std::string_view code, const Instant& now);

 private:
  struct Sighting {
    Millis at;
    std::string boot_id;
  };
  Millis window_;
  std::unordered_map<std::string, Sighting> last_seen_;
};

struct ScanContext {
  const Schedule& schedule;
  const Roster& roster;
  const Ledger& ledger;
  const RulesConfig& config;
  Instant now;
  std::string device_id;
};

struct Decision {
  Outcome outcome = Outcome::no_session_now;
  std::vector<AttendanceEvent> events;  // to record, in order (sequence numbers not yet assigned)
  std::string reason;                   // for the admin screen and the log, never the public screen
  std::string pass_id;
  Id person_id;
  std::string greeting_name;            // a preferred name that may be shown; empty otherwise
  bool discreet = false;                // a discreet program: show no program or person name
  Id session_id;
  Id shift_id;
  // choose_session: the sessions to choose from, earliest first; not_registered: the open
  // sessions the person could be let in to by staff.
  std::vector<Id> session_choices;
  WallTime shift_started{};
  Millis shift_duration{0};
  bool ask_feedback = false;
};

using PassCheck = std::expected<PassClaims, PassRejection>;

Decision decide_scan(const PassCheck& pass, const ScanContext& ctx, const std::optional<Id>& chosen_session = {});
Decision decide_anonymous(const Id& session_id, const ScanContext& ctx);
// Staff's "let in anyway" after a refusal for a full session or a missing registration: a
// check-in flagged forced, for a valid pass and a session open now.
Decision decide_let_in(const PassCheck& pass, const Id& session_id, const ScanContext& ctx);
Decision decide_walk_in(const Id& session_id, std::string name, const ScanContext& ctx);
// Staff, behind the PIN, found a participant without their pass by name on the roster: a
// check-in of the person (no pass), flagged staff. Staff decide, so neither registration
// nor capacity refuses; overriding either is flagged forced too, as "let in anyway" is.
Decision decide_staff_check_in(const Person& person, const Id& session_id, const ScanContext& ctx);
// Shift ends for shifts left open past their end + grace, flagged auto_closed and credited
// only up to the scheduled end, for a coordinator to confirm.
std::vector<AttendanceEvent> overdue_shift_ends(const ScanContext& ctx);

// The session's attendance as this kiosk knows it (its own and the other doors' events).
const SessionTally& session_tally(const Session& session, const ScanContext& ctx);

// Sessions whose check-in window is open now (what the Ready screen lists).
std::vector<const Session*> open_sessions(const Schedule& schedule, WallTime now);

// Time between an earlier instant and now: monotonic within one boot, else wall clock,
// never negative.
Millis elapsed_since(WallTime wall, Millis monotonic, const std::string& boot_id, const Instant& now);

}  // namespace checkin
