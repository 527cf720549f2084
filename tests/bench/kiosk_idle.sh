#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Idle CPU, peak memory and cold start of checkin-kiosk, run as a process (headless, demo
# organisation, Ready screen, nothing happening). The camera watches an empty scene at 10
# frames a second; the baseline in the same run is the same kiosk without a camera.
set -euo pipefail
kiosk=$1
scene=$2
seconds=${3:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ticks=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# The demo organisation, made once; the measured runs start from its database like a
# kiosk that already synced.
"$kiosk" --headless --demo "$tmp/demo" --run-for 1 --set camera.source=none >/dev/null 2>&1

measure() {  # measure LABEL ARGS...: prints "cpu_percent peak_rss_kib cold_start_ms"
  local label=$1; shift
  "$kiosk" --headless --set "kiosk.database=$tmp/demo/kiosk.db" --run-for $((seconds + 30)) "$@" 2>"$tmp/$label.log" &
  local pid=$!
  for _ in $(seq 200); do grep -q "ready screen drawn" "$tmp/$label.log" && break; sleep 0.1; done
  sleep 5  # the first seconds are not idle: the camera decodes every frame until the scene is still
  local t0; t0=$(cpu_ticks $pid)
  sleep "$seconds"
  local t1; t1=$(cpu_ticks $pid)
  local rss; rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill $pid; wait $pid 2>/dev/null || true
  local cold; cold=$(sed -n 's/.*ready screen drawn \([0-9]*\) ms.*/\1/p' "$tmp/$label.log" | head -n 1)
  awk -v d=$((t1 - t0)) -v hz="$ticks" -v s="$seconds" -v rss="$rss" -v cold="$cold" \
    'BEGIN { printf "%.2f %d %s\n", 100 * d / hz / s, rss, cold }'
}

read -r cam_cpu cam_rss cam_cold < <(measure camera --set camera.source=replay --set "camera.replay_path=$scene" --set camera.replay_fps=10)
read -r base_cpu base_rss base_cold < <(measure no-camera --set camera.source=none)
echo "kiosk idle, ${seconds} s on the Ready screen (headless, software renderer):"
printf '  with a camera at 10 fps on an empty scene: %5s%% of one core, peak RSS %6d KiB, cold start to Ready %s ms\n' "$cam_cpu" "$cam_rss" "$cam_cold"
printf '  baseline, no camera:                       %5s%% of one core, peak RSS %6d KiB, cold start to Ready %s ms\n' "$base_cpu" "$base_rss" "$base_cold"
awk -v a="$cam_cpu" -v b="$base_cpu" 'BEGIN { if (b > 0) printf "  ratio camera / no camera CPU: %.1f\n", a / b }'
