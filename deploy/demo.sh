#!/usr/bin/env bash
# The product's main job on an embedded default: builds everything, then runs the kiosk
# on a demo community centre with a replayed camera showing people's passes. With a
# display it opens a window; without one it runs headless for a minute and writes a
# screenshot of every screen it shows.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh"
out="$root/demo-out"
rm -rf "$out"
mkdir -p "$out"

echo
echo "== A check-in day, step by step (checkin demo) =="
"$root/build/kiosk/cli/checkin" demo --dir "$out/cli"

echo
echo "== The kiosk (checkin-kiosk --demo), camera replaying people showing their passes =="
kiosk=("$root/build/kiosk/app/checkin-kiosk" --demo "$out/kiosk")
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Opening a window; staff PIN 2468; close the window to stop."
  exec "${kiosk[@]}" --windowed 1280x720
fi
"${kiosk[@]}" --headless --run-for 60 --screenshots "$out/screenshots"
echo
echo "No display here, so the kiosk ran headless for a minute. What it showed:"
ls -1 "$out/screenshots" | sed "s|^|  $out/screenshots/|"
