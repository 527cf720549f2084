// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/app/sync_link.hpp"

#include <cstdlib>

namespace checkin::app {

ui::SyncDot sync_dot(const sync::SyncStatus& status) {
  using sync::SyncState;
  if (status.state == SyncState::needs_enrolment || status.dead_letters > 0) return ui::SyncDot::needs_attention;
  switch (status.state) {
    case SyncState::not_enrolled: return ui::SyncDot::not_enrolled;
    case SyncState::retrying: return ui::SyncDot::offline;
    case SyncState::syncing:
    case SyncState::synced:
      // Synced means the last pass went through and nothing has been recorded since.
      return status.pending == 0 && status.last_success ? ui::SyncDot::synced : ui::SyncDot::pending;
    case SyncState::needs_enrolment: break;
  }
  return ui::SyncDot::needs_attention;
}

ui::SyncPhase sync_phase(sync::SyncState state) {
  switch (state) {
    case sync::SyncState::not_enrolled: return ui::SyncPhase::not_enrolled;
    case sync::SyncState::syncing: return ui::SyncPhase::syncing;
    case sync::SyncState::synced: return ui::SyncPhase::synced;
    case sync::SyncState::retrying: return ui::SyncPhase::retrying;
    case sync::SyncState::needs_enrolment: return ui::SyncPhase::needs_enrolment;
  }
  return ui::SyncPhase::not_enrolled;
}

int clock_offset_minutes(std::optional<Millis> offset) {
  if (!offset || std::abs(offset->count()) <= kClockOffsetWorthNoting.count()) return 0;
  const long long ms = offset->count();
  const long long minutes = (std::abs(ms) + 30'000) / 60'000;
  return static_cast<int>(ms < 0 ? -minutes : minutes);
}

}  // namespace checkin::app
