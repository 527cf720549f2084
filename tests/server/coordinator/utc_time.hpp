// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// An instant written as UTC text ("2026-03-29T00:30:00Z"), for the coordinator logic's tests.
#include "checkin_catch.hpp"

#include <string_view>

#include "checkin/core/clock.hpp"

namespace checkin::testing {

inline WallTime utc(std::string_view text) {
  WallTime t{};
  REQUIRE(parse_utc(text, t));
  return t;
}

}  // namespace checkin::testing
