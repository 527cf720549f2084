// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"
#include <nlohmann/json.hpp>

#include "checkin/sync/events.hpp"
#include "checkin/sync/feedback.hpp"

using namespace checkin;
using namespace checkin::sync;
using namespace std::chrono;
using nlohmann::json;

TEST_CASE("a feedback batch and its result survive the wire") {
  FeedbackBatch batch{{{-4611686018427387904LL, {"sess-1", 1}, "2026-11-26"},
                       {9'000'000'000'000LL, {"sess-2", 5}, "2024-02-29"},
                       {3, {"sess-1", 3}, "2026-01-01"}}};
  auto parsed = parse_feedback_batch(to_json(batch));
  REQUIRE(parsed);
  REQUIRE(parsed->items.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(parsed->items[i].id == batch.items[i].id);
    CHECK(parsed->items[i].feedback.session_id == batch.items[i].feedback.session_id);
    CHECK(parsed->items[i].feedback.rating == batch.items[i].feedback.rating);
    CHECK(parsed->items[i].day == batch.items[i].day);
  }
  CHECK(parse_feedback_batch(to_json(FeedbackBatch{})));

  FeedbackResult result{17, sys_days{2026y / November / 26} + 18h + 999ms};
  auto parsed_result = parse_feedback_result(to_json(result));
  REQUIRE(parsed_result);
  CHECK(parsed_result->stored == 17);
  CHECK(parsed_result->server_time == result.server_time);
}

TEST_CASE("feedback: unknown fields are ignored") {
  auto parsed = parse_feedback_batch(
      R"({"protocol":1,"v":9,"items":[{"id":1,"session_id":"s","rating":4,"day":"2026-11-26","emoji":"🙂"}]})");
  REQUIRE(parsed);
  CHECK(parsed->items.at(0).feedback.rating == 4);
}

TEST_CASE("malformed feedback is an error naming the field") {
  auto error = [](const json& item) {
    json body = {{"protocol", 1},
                 {"items", json::array({{{"id", 1}, {"session_id", "s"}, {"rating", 3}, {"day", "2026-11-26"}}, item})}};
    auto parsed = parse_feedback_batch(body.dump());
    return parsed ? std::string("(parsed)") : parsed.error().message;
  };
  json ok = {{"id", 2}, {"session_id", "s"}, {"rating", 3}, {"day", "2026-11-26"}};
  auto with = [&](const char* name, json value) {
    json item = ok;
    item[name] = std::move(value);
    return item;
  };
  CHECK(error(ok) == "(parsed)");
  CHECK_THAT(error(with("rating", 0)), Catch::Matchers::StartsWith("items[1].rating: 0 is not a rating from 1 to 5"));
  CHECK_THAT(error(with("rating", 6)), Catch::Matchers::StartsWith("items[1].rating: 6 is not a rating from 1 to 5"));
  CHECK_THAT(error(with("rating", "5")), Catch::Matchers::StartsWith("items[1].rating: expected a whole number"));
  CHECK_THAT(error(with("rating", 4.5)), Catch::Matchers::StartsWith("items[1].rating: expected a whole number"));
  CHECK_THAT(error(with("id", "1")), Catch::Matchers::StartsWith("items[1].id: expected a whole number"));
  CHECK_THAT(error(with("session_id", "")), Catch::Matchers::StartsWith("items[1].session_id: must not be empty"));
  for (const char* day : {"2026-02-30", "2026-13-01", "2026-1-05", "26-11-2026", "2026-11-26T00:00:00Z", "2026/11/26",
                          "2026-11-2x", ""}) {
    INFO(day);
    CHECK_THAT(error(with("day", day)), Catch::Matchers::StartsWith("items[1].day: '"));
  }
  CHECK_THAT(error(with("day", 20261126)), Catch::Matchers::StartsWith("items[1].day: expected a string"));
  json missing = ok;
  missing.erase("rating");
  CHECK_THAT(error(missing), Catch::Matchers::StartsWith("items[1].rating: missing"));
  CHECK_THAT(error(json::array()), Catch::Matchers::StartsWith("items[1]: expected an object"));

  std::string many = R"({"protocol":1,"items":[)";
  for (std::size_t i = 0; i <= kMaxEventsPerBatch; ++i) many += (i ? "," : "") + ok.dump();
  auto too_many = parse_feedback_batch(many + "]}");
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code == Errc::limit_exceeded);

  auto negative = parse_feedback_result(R"({"protocol":1,"stored":-1,"server_time":"2026-11-26T18:00:00Z"})");
  REQUIRE_FALSE(negative);
  CHECK_THAT(negative.error().message, Catch::Matchers::StartsWith("stored: must not be negative"));
  auto wrong = parse_feedback_result(R"({"protocol":1,"stored":"3","server_time":"2026-11-26T18:00:00Z"})");
  REQUIRE_FALSE(wrong);
  CHECK_THAT(wrong.error().message, Catch::Matchers::StartsWith("stored: expected a whole number"));
}
