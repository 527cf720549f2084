#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# A short libFuzzer run of one harness from its seed corpus: fails on a crash, a leak, a
# sanitizer report or a broken property, and prints the input that did it.
#   tests/fuzz/run.sh BUILD_DIR NAME SECONDS
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=$1 name=$2 seconds=$3
harness="$build_dir/tests/fuzz/fuzz_$name"
seeds="$source_dir/tests/fuzz/corpus/$name"
[ -x "$harness" ] || { echo "fuzz/run: $harness is not built (tests/fuzz/build.sh)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/artifacts"
# New inputs go to a scratch corpus; the repository's seeds stay as they are.
status=0
"$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" >"$work/log" 2>&1 || status=$?
tail -n 25 "$work/log"
if [ "$status" -ne 0 ] || [ -n "$(ls -A "$work/artifacts")" ]; then
  for found in "$work/artifacts"/*; do
    [ -e "$found" ] || continue
    echo "fuzz/run: $name failed on $(basename "$found") (base64, for tests/fuzz/corpus/$name after the fix):"
    base64 -w 0 "$found"; echo
  done
  exit 1
fi
