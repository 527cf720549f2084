// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What a kiosk knows has happened at its site: its own events and those of the site's other
// doors (sync's site feed, corrections made in the dashboard), read the way reconcile.hpp
// reads them. The check-in rules ask it who is in which session and whose shift is open.
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/reconcile.hpp"

namespace checkin {

class Ledger {
 public:
  explicit Ledger(ReconcileConfig config = {}) : config_(config) {}

  // Adds an event, this kiosk's or another door's; one already known (by id) is ignored.
  // Returns whether it was new.
  bool apply(const AttendanceEvent& event);
  // Whose passes are whose (the roster): an event or a scan of a known pass counts as its
  // person, as on the server, so a manual check-in by person and a scan of their pass are
  // one attendee.
  void set_pass_owners(std::unordered_map<std::string, Id> owners);
  // Drops events recorded before `cutoff`, keeping the starts of shifts still open (and
  // the undos of what is kept), so a kiosk that runs for months does not hold every event
  // it ever saw.
  void forget_before(WallTime cutoff);

  // The session as reconciled at `now`. Valid until the next change to the ledger.
  const SessionTally& tally(const Session& session, const Program& program, WallTime now) const;
  const std::vector<ShiftSpan>& shift_spans() const;
  const ShiftSpan* open_shift_of(const std::string& attendee) const;
  std::vector<ShiftSpan> open_shifts() const;

  const std::vector<AttendanceEvent>& events() const { return events_; }
  const AttendanceEvent* find(const std::string& event_id) const;
  bool undone(const std::string& event_id) const { return undone_.contains(event_id); }

 private:
  void changed();
  const std::vector<AttendanceEvent>& normalised() const;

  ReconcileConfig config_;
  std::vector<AttendanceEvent> events_;                 // in the order they became known
  std::unordered_map<std::string, std::size_t> index_;  // event id -> position in events_
  std::unordered_set<std::string> undone_;
  std::unordered_map<std::string, Id> owners_;          // pass id -> person id

  // Derived, rebuilt on demand after a change.
  struct CachedTally {
    bool after_end = false;  // read after the session's end + grace (stays closed then)
    SessionTally tally;
  };
  mutable std::optional<std::vector<AttendanceEvent>> normalised_;
  mutable std::unordered_map<Id, CachedTally> tallies_;
  mutable std::optional<std::vector<ShiftSpan>> spans_;
};

}  // namespace checkin
