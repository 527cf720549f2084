#!/usr/bin/env bash
# The product's main job on an embedded default: builds everything, then plays a
# check-in day through the real pipeline (passes -> QR PNG -> decoder -> rules -> SQLite).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh"
exec "$root/build/kiosk/cli/checkin" demo --dir "$root/demo-out"
