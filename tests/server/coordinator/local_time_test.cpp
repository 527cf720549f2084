// SPDX-License-Identifier: AGPL-3.0-or-later
// Local time as coordinators write and read it, under a real zone with DST (Europe/London:
// clocks go forward at 01:00 on 2026-03-29 and back at 02:00 on 2026-10-25).
#include "checkin_catch.hpp"

#include "checkin/server/local_time.hpp"
#include "utc_time.hpp"

using namespace checkin;
using namespace checkin::server;
using checkin::testing::utc;
using namespace std::chrono_literals;

namespace {

WallTime local(std::string_view text) {
  auto parsed = parse_local_datetime(text);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("local time: the zone must exist", "[server][coordinator][local_time]") {
  CHECK_FALSE(use_time_zone(""));
  CHECK_FALSE(use_time_zone("Nowhere/Atlantis"));
  CHECK_FALSE(use_time_zone("../../etc/passwd"));
  CHECK_FALSE(use_time_zone("/usr/share/zoneinfo/UTC"));
  CHECK_FALSE(use_time_zone("Europe"));  // a directory, not a zone
  REQUIRE(use_time_zone("America/New_York"));
  CHECK(format_local_datetime(utc("2026-11-26T12:00:00Z")) == "2026-11-26 07:00");
  REQUIRE(use_time_zone("Europe/London"));
  CHECK(format_local_datetime(utc("2026-11-26T12:00:00Z")) == "2026-11-26 12:00");
}

TEST_CASE("local time: formatting and parsing", "[server][coordinator][local_time]") {
  REQUIRE(use_time_zone("Europe/London"));
  const WallTime summer_evening = utc("2026-07-14T18:00:00Z");  // 19:00 BST
  CHECK(format_local_date(summer_evening) == "2026-07-14");
  CHECK(format_local_time(summer_evening) == "19:00");
  CHECK(format_local_datetime(summer_evening) == "2026-07-14 19:00");
  CHECK(format_local_input(summer_evening) == "2026-07-14T19:00");

  CHECK(local("2026-07-14T19:00") == summer_evening);
  CHECK(local("2026-07-14 19:00") == summer_evening);
  CHECK(local("2026-07-14T19:00:30") == summer_evening + 30s);
  CHECK(local("2026-11-26T19:00") == utc("2026-11-26T19:00:00Z"));  // GMT in winter
  CHECK(local("2028-02-29T09:15") == utc("2028-02-29T09:15:00Z"));

  for (std::string_view garbage :
       {"", "2026-11-26", "19:00", "2026-11-26T19", "2026-11-26T19:0", "2026-11-26T19:00Z", "2026-11-26X19:00",
        "2026-11-26T19:00:", "2026-11-26T19:00:60", "2026-13-01T10:00", "2026-00-01T10:00", "2026-02-29T10:00",
        "2026-04-31T10:00", "2026-11-26T24:00", "2026-11-26T23:60", "abcd-ef-ghT19:00", "2026-11-26T-1:00",
        " 2026-11-26T19:00", "2026-11-26T19:00 ", "+026-11-26T19:00"}) {
    CAPTURE(garbage);
    CHECK_FALSE(parse_local_datetime(garbage));
  }
  // The hour the clocks skip does not exist; the hour they repeat does.
  CHECK_FALSE(parse_local_datetime("2026-03-29T01:30"));
  CHECK(local("2026-03-29T02:30") == utc("2026-03-29T01:30:00Z"));
  CHECK(parse_local_datetime("2026-10-25T01:30"));
}

TEST_CASE("local time: days", "[server][coordinator][local_time]") {
  REQUIRE(use_time_zone("Europe/London"));
  auto day = parse_local_date("2026-07-14");
  REQUIRE(day);
  CHECK(*day == utc("2026-07-13T23:00:00Z"));
  CHECK(next_local_day(*day) == utc("2026-07-14T23:00:00Z"));
  CHECK(next_local_day(*day + 15h) == utc("2026-07-14T23:00:00Z"));
  // The day the clocks go back has 25 hours, the day they go forward 23.
  auto autumn = parse_local_date("2026-10-25");
  REQUIRE(autumn);
  CHECK(next_local_day(*autumn) - *autumn == 25h);
  auto spring = parse_local_date("2026-03-29");
  REQUIRE(spring);
  CHECK(next_local_day(*spring) - *spring == 23h);
  for (std::string_view garbage : {"", "2026-7-14", "2026-07-14T00:00", "2026-02-30", "14/07/2026", "2026-07-1x"}) {
    CAPTURE(garbage);
    CHECK_FALSE(parse_local_date(garbage));
  }
}

TEST_CASE("local time: a weekly series keeps its local clock time across DST", "[server][coordinator][local_time]") {
  REQUIRE(use_time_zone("Europe/London"));
  const WallTime first = local("2026-10-13T19:00");  // a Tuesday in BST
  const auto dates = weekly(first, 4);
  REQUIRE(dates.size() == 4);
  const char* expected[] = {"2026-10-13 19:00", "2026-10-20 19:00", "2026-10-27 19:00", "2026-11-03 19:00"};
  for (std::size_t i = 0; i < dates.size(); ++i) CHECK(format_local_datetime(dates[i]) == expected[i]);
  CHECK(dates[1] - dates[0] == 24h * 7);
  CHECK(dates[2] - dates[1] == 24h * 7 + 1h);  // across the night the clocks went back
  CHECK(dates[2] == utc("2026-10-27T19:00:00Z"));

  // And forward in spring, with a series running into the next year.
  const auto spring = weekly(local("2026-03-24T19:00"), 2);
  REQUIRE(spring.size() == 2);
  CHECK(spring[1] - spring[0] == 24h * 7 - 1h);
  CHECK(format_local_time(spring[1]) == "19:00");
  const auto year_end = weekly(local("2026-12-29T18:30"), 2);
  CHECK(format_local_datetime(year_end[1]) == "2027-01-05 18:30");

  CHECK(weekly(first, 1) == std::vector<WallTime>{first});
  CHECK(weekly(first, 0).empty());
}
