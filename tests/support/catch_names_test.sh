#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Every test reaches Catch2 through support/checkin_catch.hpp and writes the Catch2 3 names,
# so a test written on Debian 12 (Catch2 2) also builds on Debian 13 (Catch2 3); and no test
# name holds a ';'.
tests=$(cd "$(dirname "$0")/.." && pwd)
found=$(grep -rnE '<catch2/catch(_all)?\.hpp>|Catch::(Contains|StartsWith|EndsWith)\(|[^:A-Za-z_]Approx\(' \
  --include='*.cpp' --include='*.hpp' "$tests" | grep -v '/support/checkin_catch\.hpp:')
if [ -n "$found" ]; then
  echo "Catch2 used past support/checkin_catch.hpp or by its Catch2 2 names (include \"checkin_catch.hpp\";"
  echo "write Catch::Matchers::ContainsSubstring / StartsWith / EndsWith, Catch::Approx):"
  echo "$found"
  exit 1
fi
# Catch2 2's catch_discover_tests cuts a test name at ';' (a CMake list): the pieces never run.
found=$(grep -rnE '(TEST_CASE|SCENARIO)\("[^"]*;' --include='*.cpp' "$tests")
if [ -n "$found" ]; then
  echo "a test name with ';' is cut in two by Catch2 2's test discovery and never runs on Debian 12:"
  echo "$found"
  exit 1
fi
echo "every test includes checkin_catch.hpp, uses the Catch2 3 names, and has a name CTest keeps whole"
