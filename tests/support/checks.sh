# SPDX-License-Identifier: AGPL-3.0-or-later
# Assertions for the shell-driven blackbox tests (sourced). Each records a pass or a
# failure; a test script ends with `report`, which prints "N passed, N failed" and sets
# the exit status.
failures=0
passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { passes=$((passes + 1)); }
failed() { echo "FAIL: $*"; failures=$((failures + 1)); }

check() {  # check NAME EXPECTED_STATUS ACTUAL_STATUS
  if [ "$2" = "$3" ]; then pass; else failed "$1: exit status $3, expected $2"; fi
}
contains() {  # contains NAME FILE TEXT
  if grep -qF -- "$3" "$2" 2>/dev/null; then pass; else
    failed "$1: '$3' not in $2:"; sed 's/^/    /' "$2" 2>/dev/null; fi
}
lacks() {  # lacks NAME TEXT FILES...: TEXT is in none of the files
  local name=$1 text=$2; shift 2
  if grep -qF -- "$text" "$@" 2>/dev/null; then failed "$name: '$text' in $(grep -lF -- "$text" "$@" | tr '\n' ' ')"; else pass; fi
}
report() {
  echo "$passes passed, $failures failed"
  [ "$failures" = 0 ]
}
