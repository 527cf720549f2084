// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk's flow and sync: a small port the flow talks to (the SyncWorker in the
// program, a fake in tests), and pure mappings from the worker's status to what the
// screens show.
#include <optional>

#include "checkin/core/clock.hpp"
#include "checkin/sync/client.hpp"
#include "checkin/ui/view.hpp"

namespace checkin::app {

// Never blocks: each call posts a request to the sync thread or reads its status.
class SyncLink {
 public:
  virtual ~SyncLink() = default;
  virtual void nudge() = 0;                        // events were recorded: sync soon
  virtual void enrol(sync::EnrolmentCode code) = 0;  // the result shows in status()
  virtual sync::SyncStatus status() const = 0;
};

// Below this the kiosk's clock is close enough to the server's to say nothing.
inline constexpr Millis kClockOffsetWorthNoting = std::chrono::minutes{2};

// The Ready screen's dot: needs_attention (enrol again, or events the server refused)
// before not_enrolled, offline (retrying), pending (events waiting) and synced.
ui::SyncDot sync_dot(const sync::SyncStatus& status);
ui::SyncPhase sync_phase(sync::SyncState state);
// Whole minutes the kiosk's clock is ahead of the server's (negative: behind), rounded
// to the nearest minute; 0 when unknown or within kClockOffsetWorthNoting.
int clock_offset_minutes(std::optional<Millis> offset);

}  // namespace checkin::app
