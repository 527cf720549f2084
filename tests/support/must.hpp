// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A step a test harness cannot go on without: its value, or an exception naming the step
// and the error (for helpers outside a Catch2 test case, where REQUIRE cannot be used).
#include <fmt/format.h>

#include <stdexcept>

#include "checkin/core/error.hpp"

namespace checkin::testing {

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) throw std::runtime_error(fmt::format("{}: {}", what, r.error().message));
  return std::move(*r);
}

inline void must(Result<void> r, const char* what) {
  if (!r) throw std::runtime_error(fmt::format("{}: {}", what, r.error().message));
}

}  // namespace checkin::testing
