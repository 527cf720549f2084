#!/usr/bin/env bash
# Installs the Debian packages, then configures and builds into build/: everything, or
# only the targets named (build.sh checkin-server). Used by demo.sh, test.sh, bench.sh
# and package.sh; safe to run again (incremental).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$root/build" -j"$(nproc)" "${targets[@]}"
