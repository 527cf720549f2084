// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Upload of attendance events: POST /api/v1/devices/{id}/events:batch.
// The kiosk sends its outbox in batches; the server answers per event, after commit.
// Retrying a batch is always safe: event ids are a permanent unique key.
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"

namespace checkin::sync {

inline constexpr int kProtocolVersion = 1;
inline constexpr std::size_t kMaxEventsPerBatch = 500;
inline constexpr std::size_t kMaxBodyBytes = 4 * 1024 * 1024;

struct EventBatch {
  std::string device_id;
  std::vector<AttendanceEvent> events;
};

enum class EventStatus { accepted, duplicate, rejected };
const char* to_string(EventStatus status);

struct EventResult {
  std::string event_id;
  EventStatus status = EventStatus::accepted;
  std::string reason;  // rejected: why, for the kiosk's dead letters
};

struct BatchResult {
  std::vector<EventResult> results;
  WallTime server_time{};  // the kiosk records its clock offset at every sync
};

// An error body, for every 4xx and 5xx: {"protocol":1,"error":{"code":..,"message":..}}.
struct ProtocolError {
  std::string code;     // "bad_request", "unauthorized", "too_large", ...
  std::string message;  // says what is wrong, for logs and the admin screen
};

// Each body carries the protocol version. Parsing ignores unknown fields (newer peers may
// add some) and answers a clear error naming the field for a wrong type or a missing one.
std::string to_json(const EventBatch& batch);
Result<EventBatch> parse_event_batch(std::string_view body);

std::string to_json(const BatchResult& result);
Result<BatchResult> parse_batch_result(std::string_view body);

std::string to_json(const ProtocolError& error);
Result<ProtocolError> parse_protocol_error(std::string_view body);

}  // namespace checkin::sync
