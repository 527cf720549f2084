#!/usr/bin/env bash
# Benchmarks (not tests): each prints its figures and a ratio against a baseline
# measured in the same run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh"
"$root/build/tests/bench/decode_bench"
echo
"$root/build/tests/bench/store_bench" "$(mktemp -d)"
