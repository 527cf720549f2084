// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Ports: the small interfaces the domain needs from the outside world. The store,
// the platform and the UI implement them; the domain never includes their headers.
#include <span>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"

namespace checkin {

// Durable, append-only record of attendance events.
class EventStore {
 public:
  virtual ~EventStore() = default;
  // Commits the events, each with its outbox row, in one transaction, assigning the
  // device sequence numbers; returns them as committed. On error nothing is recorded
  // and the caller must not show the check-in as accepted.
  virtual Result<std::vector<AttendanceEvent>> append(std::span<const AttendanceEvent> events) = 0;
};

}  // namespace checkin
