#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds everything and runs the whole test suite through CTest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh"
cd "$root/build"
ctest --output-on-failure -j"$(nproc)" --timeout 600
