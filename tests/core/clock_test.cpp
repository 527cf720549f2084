// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include "checkin/core/clock.hpp"
#include "checkin/core/ids.hpp"

using namespace checkin;
using namespace std::chrono;

TEST_CASE("UTC timestamps print and parse") {
  WallTime t = sys_days{2026y / November / 26} + 18h + 30min + 5s;
  CHECK(format_utc(t) == "2026-11-26T18:30:05Z");
  WallTime back;
  REQUIRE(parse_utc("2026-11-26T18:30:05Z", back));
  CHECK(back == t);
  REQUIRE(parse_utc("2026-11-26T18:30:05.250Z", back));
  CHECK(back == t + 250ms);
  for (auto bad : {"", "2026-11-26", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-26T18:30:05",
                   "2026-11-26T18:30:05+01:00", "2026-11-26T24:00:00Z", "2026-11-26T18:30:05.Z"})
    CHECK_FALSE(parse_utc(bad, back));
}

TEST_CASE("UUIDv7 ids carry the time and sort by it") {
  WallTime t = sys_days{2026y / November / 26} + 10h;
  auto a = make_uuid_v7(t);
  auto b = make_uuid_v7(t + 1ms);
  CHECK(is_uuid(a));
  CHECK(a[14] == '7');                                   // version
  CHECK(std::string("89ab").find(a[19]) != std::string::npos);  // RFC variant
  CHECK(a < b);
  CHECK(make_uuid_v7(t) != make_uuid_v7(t));
  CHECK_FALSE(is_uuid("not-a-uuid"));
  // The time reads back; other ids have none.
  CHECK(uuid_v7_time(a) == t);
  CHECK(uuid_v7_time(b) == t + 1ms);
  CHECK_FALSE(uuid_v7_time("person-ben"));
  CHECK_FALSE(uuid_v7_time("0190a6c2-1f00-4e3b-8a00-000000000000"));  // version 4
}
