// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include "checkin/app/script.hpp"

using namespace checkin;
using namespace checkin::app;
using Kind = ScriptStep::Kind;

TEST_CASE("headless scripts: one step per line") {
  auto steps = parse_script(
      "# a morning\n"
      "scan CK1:ABC DEF\n"
      "\n"
      "  tap no_pass\r\n"
      "advance 6s\n"
      "type CK1:XYZ gap 20ms\n"
      "type CK1:XYZ\n"
      "replay frames/a.png\n"
      "language es\n"
      "scan-pass ana\n"
      "shot ready-es\n");
  REQUIRE(steps);
  REQUIRE(steps->size() == 9);
  CHECK((*steps)[0].kind == Kind::scan);
  CHECK((*steps)[0].argument == "CK1:ABC DEF");  // spaces are part of base45
  CHECK((*steps)[0].line == 2);
  CHECK((*steps)[1].kind == Kind::tap);
  CHECK((*steps)[1].argument == "no_pass");
  CHECK((*steps)[2].duration == Millis{6000});
  CHECK((*steps)[3].argument == "CK1:XYZ");
  CHECK((*steps)[3].duration == Millis{20});
  CHECK((*steps)[4].duration == Millis{15});
  CHECK((*steps)[5].kind == Kind::replay);
  CHECK((*steps)[8].kind == Kind::shot);
}

TEST_CASE("a bad script is a clear error with its line") {
  auto message = [](std::string_view text) {
    auto steps = parse_script(text, "day.script");
    REQUIRE_FALSE(steps);
    return steps.error().message;
  };
  CHECK_THAT(message("tap a\njump 3\n"), Catch::Matchers::ContainsSubstring("day.script line 2") && Catch::Matchers::ContainsSubstring("unknown step 'jump'"));
  CHECK_THAT(message("advance soon\n"), Catch::Matchers::ContainsSubstring("line 1") && Catch::Matchers::ContainsSubstring("not a duration"));
  CHECK_THAT(message("advance 5 parsecs\n"), Catch::Matchers::ContainsSubstring("unit"));
  CHECK_THAT(message("tap\n"), Catch::Matchers::ContainsSubstring("needs an argument"));
  CHECK(parse_duration("2min") == Millis{120000});
  CHECK(parse_duration("1h") == Millis{3600000});
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(load_script("/nonexistent/script"));
}

TEST_CASE("wait-sync: an optional longest wait, 30 s when not given") {
  auto steps = parse_script("wait-sync\nwait-sync 2min\n");
  REQUIRE(steps);
  REQUIRE(steps->size() == 2);
  CHECK((*steps)[0].kind == Kind::wait_sync);
  CHECK((*steps)[0].duration == kDefaultWaitSync);
  CHECK((*steps)[1].duration == Millis{120000});
  auto bad = parse_script("wait-sync soon\n", "e2e.script");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Matchers::ContainsSubstring("e2e.script line 1") && Catch::Matchers::ContainsSubstring("not a duration"));
}

TEST_CASE("at: the script's clock jumps to a UTC time, wait-learned waits for other doors' events") {
  auto steps = parse_script("at 2026-12-07T18:30:00Z\nwait-learned 2\nwait-learned 1 5s\n");
  REQUIRE(steps);
  REQUIRE(steps->size() == 3);
  CHECK((*steps)[0].kind == Kind::at);
  WallTime half_past{};
  REQUIRE(parse_utc("2026-12-07T18:30:00Z", half_past));
  CHECK((*steps)[0].time == half_past);
  CHECK((*steps)[1].kind == Kind::wait_learned);
  CHECK((*steps)[1].count == 2);
  CHECK((*steps)[1].duration == kDefaultWaitSync);
  CHECK((*steps)[2].count == 1);
  CHECK((*steps)[2].duration == Millis{5000});
  auto message = [](std::string_view text) {
    auto bad = parse_script(text, "doors.script");
    REQUIRE_FALSE(bad);
    return bad.error().message;
  };
  CHECK_THAT(message("at tonight\n"), Catch::Matchers::ContainsSubstring("doors.script line 1") &&
                                          Catch::Matchers::ContainsSubstring("not a UTC time"));
  CHECK_THAT(message("wait-learned 0\n"), Catch::Matchers::ContainsSubstring("from 1"));
  CHECK_THAT(message("wait-learned some\n"), Catch::Matchers::ContainsSubstring("from 1"));
  CHECK_THAT(message("wait-learned 2 soon\n"), Catch::Matchers::ContainsSubstring("not a duration"));
}
