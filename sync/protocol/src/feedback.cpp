// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/sync/feedback.hpp"

#include <fmt/format.h>

#include <chrono>

#include "checkin/sync/events.hpp"
#include "json.hpp"

namespace checkin::sync {

using nlohmann::json;

namespace {

// "YYYY-MM-DD", a real calendar day.
bool is_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int fields[3] = {0, 0, 0};
  std::size_t field = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == 4 || i == 7) {
      ++field;
      continue;
    }
    if (text[i] < '0' || text[i] > '9') return false;
    fields[field] = fields[field] * 10 + (text[i] - '0');
  }
  using namespace std::chrono;
  return year_month_day{year{fields[0]}, month{static_cast<unsigned>(fields[1])}, day{static_cast<unsigned>(fields[2])}}
      .ok();
}

Result<FeedbackItem> parse_item(const json& j, const std::string& path) {
  FeedbackItem item;
  std::int64_t rating = 0;
  wire::Reader r(j, path);
  r.integer("id", item.id).text("session_id", item.feedback.session_id).integer("rating", rating).text("day", item.day);
  r.require(!item.feedback.session_id.empty(), "session_id", "must not be empty");
  r.require(rating >= 1 && rating <= 5, "rating", fmt::format("{} is not a rating from 1 to 5", rating));
  r.require(is_day(item.day), "day", fmt::format("'{}' is not a day like 2026-11-26", item.day));
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  item.feedback.rating = static_cast<int>(rating);
  return item;
}

}  // namespace

std::string to_json(const FeedbackBatch& batch) {
  json items = json::array();
  for (const auto& item : batch.items)
    items.push_back({{"id", item.id},
                     {"session_id", item.feedback.session_id},
                     {"rating", item.feedback.rating},
                     {"day", item.day}});
  return json{{"protocol", kProtocolVersion}, {"items", std::move(items)}}.dump();
}

Result<FeedbackBatch> parse_feedback_batch(std::string_view body) {
  auto parsed = wire::parse_body(body, kMaxBodyBytes);
  if (!parsed) return std::unexpected(parsed.error());
  if (auto ok = wire::check_protocol(*parsed); !ok) return std::unexpected(ok.error());
  auto items = wire::array(*parsed, "items", "");
  if (!items) return std::unexpected(items.error());
  if ((*items)->size() > kMaxEventsPerBatch)
    return fail(Errc::limit_exceeded,
                fmt::format("items: {} in one batch, at most {}", (*items)->size(), kMaxEventsPerBatch));
  FeedbackBatch batch;
  wire::Reader r(*parsed, "");
  r.items("items", batch.items, parse_item);
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  return batch;
}

std::string to_json(const FeedbackResult& result) {
  return json{{"protocol", kProtocolVersion},
              {"stored", result.stored},
              {"server_time", wire::format_time(result.server_time)}}
      .dump();
}

Result<FeedbackResult> parse_feedback_result(std::string_view body) {
  auto parsed = wire::parse_body(body, kMaxBodyBytes);
  if (!parsed) return std::unexpected(parsed.error());
  if (auto ok = wire::check_protocol(*parsed); !ok) return std::unexpected(ok.error());
  FeedbackResult result;
  wire::Reader r(*parsed, "");
  r.integer("stored", result.stored).time("server_time", result.server_time);
  r.require(result.stored >= 0, "stored", "must not be negative");
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  return result;
}

}  // namespace checkin::sync
