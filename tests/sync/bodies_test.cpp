// SPDX-License-Identifier: AGPL-3.0-or-later
// What every body shares: the protocol version and the size limit, for every parser.
#include "checkin_catch.hpp"

#include <functional>

#include "checkin/sync/changes.hpp"
#include "checkin/sync/enrolment.hpp"
#include "checkin/sync/events.hpp"
#include "checkin/sync/feedback.hpp"
#include "checkin/sync/site_feed.hpp"

using namespace checkin;
using namespace checkin::sync;

namespace {

struct Parser {
  const char* name;
  std::function<std::optional<Error>(std::string_view)> parse;
};

template <class F>
Parser parser(const char* name, F f) {
  return {name, [f](std::string_view body) -> std::optional<Error> {
            auto r = f(body);
            if (r) return std::nullopt;
            return r.error();
          }};
}

std::vector<Parser> all_parsers() {
  return {parser("event batch", parse_event_batch),     parser("batch result", parse_batch_result),
          parser("changes page", parse_changes_page),   parser("enrol request", parse_enrol_request),
          parser("enrol response", parse_enrol_response), parser("token roll", parse_token_roll),
          parser("feedback batch", parse_feedback_batch), parser("feedback result", parse_feedback_result),
          parser("site feed page", parse_site_feed_page), parser("device name", parse_device_name)};
}

}  // namespace

TEST_CASE("every body must speak this protocol version") {
  for (const auto& p : all_parsers()) {
    INFO(p.name);
    auto other = p.parse(R"({"protocol":2})");
    REQUIRE(other);
    CHECK(other->code == Errc::invalid_input);
    CHECK_THAT(other->message, Catch::Matchers::ContainsSubstring("protocol 2 is not spoken here"));
    auto missing = p.parse(R"({"anything":1})");
    REQUIRE(missing);
    CHECK_THAT(missing->message, Catch::Matchers::StartsWith("protocol: missing"));
    auto text = p.parse(R"({"protocol":"1"})");
    REQUIRE(text);
    CHECK_THAT(text->message, Catch::Matchers::StartsWith("protocol: expected a whole number"));
  }
}

TEST_CASE("every parser refuses oversized and non-JSON bodies without reading them") {
  std::string oversized = R"({"protocol":1,"x":")" + std::string(kMaxBodyBytes, 'x') + "\"}";
  for (const auto& p : all_parsers()) {
    INFO(p.name);
    auto big = p.parse(oversized);
    REQUIRE(big);
    CHECK(big->code == Errc::limit_exceeded);
    for (std::string_view bad : {"", "null", "[]", "\"text\"", "{", "\xff\xfe{}"}) {
      auto error = p.parse(bad);
      REQUIRE(error);
      CHECK(error->code == Errc::invalid_input);
    }
  }
}
