#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The product's main job on an embedded default: builds the three programs it runs (the
# test command builds the rest), starts a local
# checkin-server on SQLite with a demo community centre, and runs a kiosk enrolled with it
# whose replayed camera shows people's passes; the kiosk syncs its check-ins to the server.
# With a display the kiosk opens a window; without one it runs headless for a minute and
# writes a screenshot of every screen it shows. At the end: what reached the server.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh" checkin checkin-kiosk checkin-server
out="$root/demo-out"
rm -rf "$out"
mkdir -p "$out/server" "$out/kiosk"
checkin="$root/build/kiosk/cli/checkin"
kiosk="$root/build/kiosk/app/checkin-kiosk"
server=("$root/build/sync/server/main/checkin-server" --db "$out/server/server.db")
pin=2468

echo
echo "== How the rules decide, pass by pass (checkin demo) =="
"$checkin" demo --dir "$out/cli"

echo
echo "== The server (checkin-server on SQLite, 127.0.0.1) =="
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap stop_server EXIT
# The demo's own port when it is free, else any free one: the enrolment code carries it.
# Asked first, because the server's socket may share a port with another checkin-server
# (SO_REUSEPORT), which would then answer half of the kiosk's requests.
ports="127.0.0.1:8470 127.0.0.1:0"
if (exec 3<>/dev/tcp/127.0.0.1/8470) 2>/dev/null; then ports=127.0.0.1:0; fi
for listen in $ports; do
  rm -f "$out/server/port"
  "${server[@]}" serve --listen "$listen" --port-file "$out/server/port" 2>>"$out/server/server.log" &
  server_pid=$!
  for _ in $(seq 100); do
    [ -s "$out/server/port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -s "$out/server/port" ] && break
  wait "$server_pid" 2>/dev/null || true
  server_pid=
done
if [ -z "$server_pid" ]; then
  echo "The server did not start; its log:" >&2
  cat "$out/server/server.log" >&2
  exit 1
fi
url="http://127.0.0.1:$(cat "$out/server/port")"
echo "Serving the kiosks' sync API and the coordinators' dashboard at $url (log: $out/server/server.log)."
echo "Setting up the demo community centre, its passes and an enrolment code:"
"${server[@]}" demo --dir "$out/server" --url "$url" 2>>"$out/server/server.log" | sed 's/^/  /'

# A coordinator's account for the dashboard, its password made here and kept in a file
# only this user can read.
password_file="$out/server/dashboard-password.txt"
(umask 077; head -c 12 /dev/urandom | base64 | tr -d '/+=' > "$password_file")
"${server[@]}" account create demo --name "Demo coordinator" --role admin --password-file "$password_file" \
  --quiet 2>>"$out/server/server.log" >/dev/null

echo
echo "== The kiosk (checkin-kiosk), enrolled with the server, camera replaying people showing their passes =="
pin_hash=$(echo "$pin" | "$kiosk" --hash-pin | sed -n 's/^admin_pin_hash = "\(.*\)"$/\1/p')
kiosk_args=("$kiosk" --enrol "@$out/server/enrol.txt"
  --set "kiosk.database=$out/kiosk/kiosk.db" --set "kiosk.admin_pin_hash=$pin_hash"
  --set camera.source=replay --set "camera.replay_path=$out/server/camera"
  --set sync.interval_seconds=10)
status=0
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "Opening a window; staff PIN $pin; close the window to stop. Kiosk log: $out/kiosk/kiosk.log"
  "${kiosk_args[@]}" --windowed 1280x720 2>"$out/kiosk/kiosk.log" || status=$?
else
  echo "No display here: the kiosk runs headless for a minute (log: $out/kiosk/kiosk.log)."
  "${kiosk_args[@]}" --headless --run-for 60 --screenshots "$out/screenshots" 2>"$out/kiosk/kiosk.log" || status=$?
  echo "What it showed:"
  ls -1 "$out/screenshots" | sed "s|^|  $out/screenshots/|"
fi
if [ "$status" != 0 ]; then
  echo "The kiosk stopped with status $status; the end of its log:" >&2
  tail -n 20 "$out/kiosk/kiosk.log" >&2
  exit "$status"
fi
echo "The kiosk's sync, from its log ($(grep -c "sync: pass:" "$out/kiosk/kiosk.log" || true) passes; the first and last two):"
{ grep -m 1 "sync: enrolled" "$out/kiosk/kiosk.log"; grep -m 1 "sync: pass:" "$out/kiosk/kiosk.log"
  grep "sync: pass:" "$out/kiosk/kiosk.log" | tail -n 2; } | sed 's/^[^ ]* [a-z]* sync: /  /' || true

echo
echo "== What reached the server =="
echo "Kiosks (checkin-server device list):"
"${server[@]}" device list 2>/dev/null | sed 's/^/  /'
echo "People counted per session (checkin-server attendance list):"
"${server[@]}" attendance list 2>/dev/null | sed 's/^/  /'
echo "Events stored, by kind:"
sqlite3 -readonly "$out/server/server.db" "SELECT '  ' || kind || ': ' || COUNT(*) FROM events GROUP BY kind ORDER BY kind"
echo "Attendance report for today (checkin-server report attendance; the CSV opens in LibreOffice and Excel):"
today=$(date +%F)
"${server[@]}" report attendance --from "$today" --to "$today" --out "$out/server/attendance-$today.csv" >/dev/null 2>&1
sed 's/^\xEF\xBB\xBF//; s/\r$//; s/^/  /' "$out/server/attendance-$today.csv"

echo
echo "== The coordinators' dashboard =="
echo "  $url/   user: demo   password: in $password_file"
if [ -t 0 ]; then
  read -r -p "  The server keeps running for the dashboard; press Enter to stop it. " _ || true
else
  echo "  (not at a terminal: the server stops with this script)"
fi
