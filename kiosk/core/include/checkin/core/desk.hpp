// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The check-in desk: one scan from code to committed events. It owns what the kiosk
// knows (schedule, roster, keys, ledger), applies the rules, and reports an outcome as
// accepted only after the store has committed it.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <span>

#include "checkin/core/clock.hpp"
#include "checkin/core/domain.hpp"
#include "checkin/core/pass.hpp"
#include "checkin/core/ports.hpp"
#include "checkin/core/rules.hpp"

namespace checkin {

class CheckInDesk {
 public:
  CheckInDesk(const Clock& clock, EventStore& store, std::string device_id, RulesConfig config = {});

  // What the kiosk knows; replaced as sync brings news.
  void set_schedule(Schedule schedule) { schedule_ = std::move(schedule); }
  void set_roster(Roster roster);
  // Enrolment gives the kiosk its server-issued id: events recorded from then on carry it.
  void set_device_id(std::string device_id) { device_id_ = std::move(device_id); }
  const std::string& device_id() const { return device_id_; }
  PassVerifier& verifier() { return verifier_; }
  // Replays events already in the store, e.g. at start-up, without recording them again.
  void load_history(const std::vector<AttendanceEvent>& events);
  // What the site's other doors recorded (sync's site feed) and the corrections made for
  // the site elsewhere: the rules count them as if recorded here. Returns how many were new.
  std::size_t learn_site_events(std::span<const AttendanceEvent> events);
  // Forgets events recorded before `cutoff` (see Ledger::forget_before).
  void forget_before(WallTime cutoff) { ledger_.forget_before(cutoff); }

  // A decoded code from any source (camera, scanner, typed). nullopt: the same code was
  // seen a moment ago and is ignored.
  std::optional<Decision> scan(std::string_view code);
  // Completes a choose_session answer for the pass scanned last.
  Decision choose_session(const Id& session_id);
  Decision check_in_anonymously(const Id& session_id);
  Decision walk_in(const Id& session_id, std::string name);
  // Closes shifts left open past their end + grace. Call it periodically.
  Result<std::vector<AttendanceEvent>> close_overdue_shifts();

  // Staff, behind the PIN. "Let in anyway" after a refusal (the refused code again): a
  // check-in flagged forced. Undo and move of a check-in recorded at any door of the site.
  // Corrections answer invalid_input when the event cannot be corrected (unknown here,
  // undone already, not a check-in) and the store's error when they cannot be recorded.
  Decision let_in(std::string_view code, const Id& session_id);
  // A participant without their pass, found by name by staff (decide_staff_check_in).
  Decision check_in_by_staff(const Id& person_id, const Id& session_id);
  Result<std::vector<AttendanceEvent>> undo(const std::string& event_id);
  Result<std::vector<AttendanceEvent>> move(const std::string& event_id, const Id& to_session);

  // The session's attendance now, every door's together.
  const SessionTally& session_tally(const Session& session) const;

  const Schedule& schedule() const { return schedule_; }
  const Roster& roster() const { return roster_; }
  const Ledger& ledger() const { return ledger_; }
  const Clock& clock() const { return clock_; }

 private:
  ScanContext context(const Instant& now) const;
  // Commits the decision's events; on failure the outcome becomes not_recorded.
  Decision commit(Decision decision);
  Result<std::vector<AttendanceEvent>> record(std::span<const AttendanceEvent> events);

  const Clock& clock_;
  EventStore& store_;
  std::string device_id_;
  RulesConfig config_;
  Schedule schedule_;
  Roster roster_;
  PassVerifier verifier_;
  Ledger ledger_;
  RepeatFilter repeats_;
  std::string pending_choice_code_;  // the code waiting for choose_session
};

}  // namespace checkin
