#!/usr/bin/env bash
# Benchmarks (not tests): each prints its figures and a ratio against a baseline
# measured in the same run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh"
bench="$root/build/tests/bench"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bench/decode_bench"
echo
"$bench/store_bench" 2000 "$work"
echo
"$bench/kiosk_bench" 200 "$work/kiosk" 2>/dev/null
echo
bash "$root/tests/bench/kiosk_idle.sh" "$root/build/kiosk/app/checkin-kiosk" "$work/kiosk/empty-scene" 30
