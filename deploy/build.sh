#!/usr/bin/env bash
# Installs the Debian packages, then configures and builds everything into build/.
# Used by demo.sh, test.sh and bench.sh; safe to run again (incremental).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j"$(nproc)"
