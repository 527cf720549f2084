// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/ledger.hpp"

#include <algorithm>

namespace checkin {

bool Ledger::apply(const AttendanceEvent& event) {
  if (index_.contains(event.event_id)) return false;
  index_[event.event_id] = events_.size();
  events_.push_back(event);
  if (event.kind == EventKind::undo) undone_.insert(event.undoes_event_id);
  changed();
  return true;
}

void Ledger::set_pass_owners(std::unordered_map<std::string, Id> owners) {
  owners_ = std::move(owners);
  changed();
}

void Ledger::changed() {
  normalised_.reset();
  tallies_.clear();
  spans_.reset();
}

void Ledger::forget_before(WallTime cutoff) {
  std::unordered_set<std::string> keep;
  for (const auto& span : shift_spans()) {
    if (!span.is_open()) continue;
    keep.insert(span.start_event_id);
    keep.insert(span.merged.begin(), span.merged.end());
  }
  auto kept = [&](const AttendanceEvent& e) { return e.wall_time >= cutoff || keep.contains(e.event_id); };
  std::vector<AttendanceEvent> remaining;
  for (const auto& e : events_)
    if (kept(e)) remaining.push_back(e);
  // An undo goes with what it undid.
  std::unordered_set<std::string> present;
  for (const auto& e : remaining) present.insert(e.event_id);
  std::erase_if(remaining, [&](const AttendanceEvent& e) {
    return e.kind == EventKind::undo && e.wall_time < cutoff && !present.contains(e.undoes_event_id);
  });
  if (remaining.size() == events_.size()) return;
  events_ = std::move(remaining);
  index_.clear();
  undone_.clear();
  for (std::size_t i = 0; i < events_.size(); ++i) {
    index_[events_[i].event_id] = i;
    if (events_[i].kind == EventKind::undo) undone_.insert(events_[i].undoes_event_id);
  }
  changed();
}

const std::vector<AttendanceEvent>& Ledger::normalised() const {
  if (!normalised_) {
    normalised_.emplace(events_);
    for (auto& e : *normalised_)
      if (e.person_id.empty() && !e.pass_id.empty())
        if (auto owner = owners_.find(e.pass_id); owner != owners_.end()) e.person_id = owner->second;
  }
  return *normalised_;
}

const SessionTally& Ledger::tally(const Session& session, const Program& program, WallTime now) const {
  const bool after_end = now >= session.end + config_.checkout_grace;
  auto found = tallies_.find(session.id);
  if (found == tallies_.end() || found->second.after_end != after_end) {
    found = tallies_.insert_or_assign(session.id, CachedTally{after_end, tally_session(session, program, normalised(),
                                                                                        config_, now)})
                .first;
  }
  return found->second.tally;
}

const std::vector<ShiftSpan>& Ledger::shift_spans() const {
  if (!spans_) spans_ = pair_shifts(normalised(), config_);
  return *spans_;
}

const ShiftSpan* Ledger::open_shift_of(const std::string& attendee) const {
  for (const auto& span : shift_spans())
    if (span.is_open() && span.attendee == attendee) return &span;
  return nullptr;
}

std::vector<ShiftSpan> Ledger::open_shifts() const {
  std::vector<ShiftSpan> out;
  for (const auto& span : shift_spans())
    if (span.is_open()) out.push_back(span);
  return out;
}

const AttendanceEvent* Ledger::find(const std::string& event_id) const {
  auto it = index_.find(event_id);
  return it == index_.end() ? nullptr : &events_[it->second];
}

}  // namespace checkin
