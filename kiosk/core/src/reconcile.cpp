// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/reconcile.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace checkin {

namespace {

std::unordered_set<std::string> undone_ids(std::span<const AttendanceEvent> events) {
  std::unordered_set<std::string> undone;
  for (const auto& e : events)
    if (e.kind == EventKind::undo) undone.insert(e.undoes_event_id);
  return undone;
}

// Wall time first; a device's own order breaks ties, then the id, so every reader agrees.
bool earlier(const AttendanceEvent* a, const AttendanceEvent* b) {
  return std::tie(a->wall_time, a->device_id, a->seq, a->event_id) <
         std::tie(b->wall_time, b->device_id, b->seq, b->event_id);
}

template <class Keep>
std::vector<const AttendanceEvent*> standing(std::span<const AttendanceEvent> events, Keep keep) {
  const auto undone = undone_ids(events);
  std::vector<const AttendanceEvent*> out;
  for (const auto& e : events)
    if (keep(e) && !undone.contains(e.event_id)) out.push_back(&e);
  std::ranges::sort(out, earlier);
  return out;
}

bool is_checkin_kind(EventKind kind) {
  return kind == EventKind::checkin || kind == EventKind::walk_in || kind == EventKind::anonymous_checkin;
}

Millis between(WallTime from, WallTime to) { return std::max(Millis{0}, to - from); }

}  // namespace

std::string attendee_key(const AttendanceEvent& e) {
  if (e.kind == EventKind::anonymous_checkin) return "event:" + e.event_id;
  if (!e.person_id.empty()) return "person:" + e.person_id;
  if (!e.pass_id.empty()) return "pass:" + e.pass_id;
  return "event:" + e.event_id;
}

const Stay* SessionTally::open_stay(const std::string& attendee) const {
  for (auto it = stays.rbegin(); it != stays.rend(); ++it)
    if (it->attendee == attendee) return it->is_open() ? &*it : nullptr;
  return nullptr;
}

const Stay* SessionTally::last_stay(const std::string& attendee) const {
  for (auto it = stays.rbegin(); it != stays.rend(); ++it)
    if (it->attendee == attendee) return &*it;
  return nullptr;
}

SessionTally tally_session(const Session& session, const Program& program, std::span<const AttendanceEvent> events,
                           const ReconcileConfig& config, WallTime now) {
  const auto facts = standing(events, [&](const AttendanceEvent& e) {
    return e.session_id == session.id && (is_checkin_kind(e.kind) || e.kind == EventKind::checkout);
  });

  SessionTally tally;
  std::unordered_map<std::string, std::size_t> open;  // attendee -> index of the open stay
  auto close = [&](std::size_t index, const AttendanceEvent& by) {
    Stay& stay = tally.stays[index];
    stay.end = Stay::End::checked_out;
    stay.out = by.wall_time;
    stay.checkout_event_id = by.event_id;
    open.erase(stay.attendee);
  };

  for (const AttendanceEvent* e : facts) {
    const std::string attendee = attendee_key(*e);
    auto found = open.find(attendee);
    if (e->kind == EventKind::checkout) {
      if (found != open.end()) close(found->second, *e);
      continue;  // a check-out with no stay open: its check-in was undone, or never counted
    }
    if (found != open.end()) {
      Stay& stay = tally.stays[found->second];
      // Scanned again at a door that did not know: in a program that counts check-outs, a
      // scan after the minimum stay means leaving; sooner, or where nobody checks out, it
      // is the same visit seen twice. Staff corrections never end a stay this way.
      if (program.tracks_checkout && !(e->flags & flag_staff) && e->wall_time - stay.in >= config.min_stay)
        close(found->second, *e);
      else
        stay.seen_twice.push_back(e->event_id);
      continue;
    }
    Stay stay;
    stay.attendee = attendee;
    stay.kind = e->kind;
    stay.checkin_event_id = e->event_id;
    stay.device_id = e->device_id;
    stay.person_id = e->person_id;
    stay.pass_id = e->pass_id;
    stay.walk_in_name = e->walk_in_name;
    stay.in = e->wall_time;
    stay.in_monotonic = e->monotonic;
    stay.boot_id = e->boot_id;
    stay.flags = e->flags;
    open[attendee] = tally.stays.size();
    tally.stays.push_back(std::move(stay));
  }

  // Nobody checks out of some sessions: where the program counts check-outs, a stay still
  // open once the session is over (plus the grace for late check-outs) ended with it.
  if (program.tracks_checkout && now >= session.end + config.checkout_grace) {
    for (auto& stay : tally.stays) {
      if (!stay.is_open()) continue;
      stay.end = Stay::End::session_ended;
      stay.out = std::max(stay.in, session.end);
    }
  }

  std::unordered_set<std::string> attendees;
  std::vector<std::pair<WallTime, int>> moves;  // +1 in, -1 out
  for (const auto& stay : tally.stays) {
    if (attendees.insert(stay.attendee).second) {
      ++tally.attendees;
      if (stay.kind == EventKind::anonymous_checkin) ++tally.anonymous;
      if (stay.kind == EventKind::walk_in) ++tally.walk_ins;
    }
    if (stay.is_open()) ++tally.present;
    moves.emplace_back(stay.in, +1);
    if (stay.out) moves.emplace_back(*stay.out, -1);
  }
  // Leaving before arriving at the same instant: a door's swap is not a crowd.
  std::ranges::sort(moves);
  int inside = 0;
  for (const auto& [at, step] : moves) tally.max_present = std::max(tally.max_present, inside += step);
  tally.over_capacity = session.capacity && tally.max_present > *session.capacity;
  return tally;
}

std::vector<ShiftSpan> pair_shifts(std::span<const AttendanceEvent> events, const ReconcileConfig& config) {
  const auto facts = standing(events, [](const AttendanceEvent& e) {
    return e.kind == EventKind::shift_start || e.kind == EventKind::shift_end;
  });

  std::vector<ShiftSpan> spans;
  std::unordered_map<std::string, std::size_t> open;         // volunteer -> open span
  std::unordered_map<std::string, std::size_t> last_closed;  // volunteer + shift -> their latest ended span
  auto end_with = [&](std::size_t index, const AttendanceEvent& by, Millis worked) {
    ShiftSpan& span = spans[index];
    span.end_event_id = by.event_id;
    span.ended = by.wall_time;
    span.worked = worked;
    open.erase(span.attendee);
    last_closed[span.attendee + ' ' + span.shift_id] = index;
  };

  for (const AttendanceEvent* e : facts) {
    const std::string volunteer = attendee_key(*e);
    auto found = open.find(volunteer);
    if (e->kind == EventKind::shift_start) {
      if (found != open.end()) {
        ShiftSpan& span = spans[found->second];
        // A second start (a door that did not know): after the minimum stay it was the
        // volunteer leaving; sooner it is the same start twice.
        if (!(e->flags & flag_staff) && e->wall_time - *span.started >= config.min_stay) {
          span.ended_by_second_start = true;
          end_with(found->second, *e, between(*span.started, e->wall_time));
        } else {
          span.merged.push_back(e->event_id);
        }
        continue;
      }
      ShiftSpan span;
      span.attendee = volunteer;
      span.shift_id = e->shift_id;
      span.person_id = e->person_id;
      span.pass_id = e->pass_id;
      span.start_event_id = e->event_id;
      span.start_device_id = e->device_id;
      span.started = e->wall_time;
      span.started_monotonic = e->monotonic;
      span.boot_id = e->boot_id;
      open[volunteer] = spans.size();
      spans.push_back(std::move(span));
      continue;
    }
    // A shift end.
    const bool automatic = (e->flags & flag_auto_closed) != 0;
    if (found != open.end()) {
      ShiftSpan& span = spans[found->second];
      // The kiosk that saw the start measured the time itself (monotonically when it could);
      // another door only knows the two wall times. An automatic end is credited as the
      // kiosk recorded it: up to the shift's scheduled end.
      const Millis worked = automatic || e->device_id == span.start_device_id ? e->shift_duration
                                                                               : between(*span.started, e->wall_time);
      span.auto_closed = automatic;
      end_with(found->second, *e, worked);
      continue;
    }
    if (auto closed = last_closed.find(volunteer + ' ' + e->shift_id); closed != last_closed.end()) {
      spans[closed->second].merged.push_back(e->event_id);  // ended already, at another door
      continue;
    }
    // Only the end reached us (its start is still on its way, or was undone).
    ShiftSpan span;
    span.attendee = volunteer;
    span.shift_id = e->shift_id;
    span.person_id = e->person_id;
    span.pass_id = e->pass_id;
    span.auto_closed = automatic;
    spans.push_back(std::move(span));
    end_with(spans.size() - 1, *e, e->shift_duration);
  }

  std::ranges::stable_sort(spans, [](const ShiftSpan& a, const ShiftSpan& b) {
    return a.started.value_or(a.ended.value_or(WallTime{})) < b.started.value_or(b.ended.value_or(WallTime{}));
  });
  return spans;
}

}  // namespace checkin
