// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Upload of check-out feedback: POST /api/v1/devices/{id}/feedback:batch.
// Feedback carries no person and no time of day, only the session, the rating and the
// day. The kiosk's random row id makes a retry idempotent (unique per device).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"

namespace checkin::sync {

struct FeedbackItem {
  std::int64_t id = 0;  // the kiosk's random row id
  Feedback feedback;
  std::string day;      // "YYYY-MM-DD"
};

struct FeedbackBatch {
  std::vector<FeedbackItem> items;  // at most kMaxEventsPerBatch
};

// The answer: how many were new (the rest were already there). The kiosk then deletes them.
struct FeedbackResult {
  std::int64_t stored = 0;
  WallTime server_time{};
};

std::string to_json(const FeedbackBatch& batch);
Result<FeedbackBatch> parse_feedback_batch(std::string_view body);
std::string to_json(const FeedbackResult& result);
Result<FeedbackResult> parse_feedback_result(std::string_view body);

}  // namespace checkin::sync
