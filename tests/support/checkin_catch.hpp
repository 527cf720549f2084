// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Catch2 for the tests, whichever major version Debian ships: 2 on Debian 12 (one header),
// 3 on Debian 13 (a compiled library with a header per part). Tests include this file and
// write the Catch2 3 names (Catch::Approx, Catch::Matchers::ContainsSubstring, StartsWith,
// EndsWith); on Catch2 2 the missing ones are supplied here.
#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>

#include <string>

namespace Catch {
using Detail::Approx;
namespace Matchers {
inline StdString::ContainsMatcher ContainsSubstring(const std::string& text,
                                                     CaseSensitive::Choice case_sensitivity = CaseSensitive::Yes) {
  return Contains(text, case_sensitivity);
}
}  // namespace Matchers
}  // namespace Catch
#endif
