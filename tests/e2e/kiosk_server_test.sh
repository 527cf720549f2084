#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The whole chain as people run it: a real checkin-server on a SQLite file (127.0.0.1, a
# free port), set up with `checkin-server demo`; a real checkin-kiosk, headless and
# scripted, that staff enrol on its admin screen by scanning the enrolment code, then people
# show passes the server issued. Checks the words on the kiosk's screens, that the server
# knows the kiosk and holds the check-in, that the kiosk's outbox is empty, and that the
# enrolment token is in no log, screen or file name. Then `checkin-kiosk --enrol`, the way a
# device is provisioned by script: a fresh code works, a used one is a clear refusal.
set -uo pipefail
kiosk=$1
server=$2
source "$(dirname "$0")/../support/checks.sh"

shot() { ls "$1"/$(printf '%03d' "$2")-*.txt 2>/dev/null | head -n 1; }

db=$tmp/server.db
"$server" --db "$db" serve --listen 127.0.0.1:0 --port-file "$tmp/port" 2>"$tmp/server.log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
[ -s "$tmp/port" ]; check "the server announces its port" 0 $?
url="http://127.0.0.1:$(cat "$tmp/port" 2>/dev/null)"

"$server" --db "$db" demo --dir "$tmp/demo" --url "$url" >"$tmp/demo.out" 2>>"$tmp/server.log"
check "checkin-server demo" 0 $?
contains "demo prints the site id first" <(head -n 1 "$tmp/demo.out") "site-riverside"
for label in ana ben vic dee visitor revoked; do
  [ -s "$tmp/demo/passes/$label.png" ] && [ -s "$tmp/demo/passes/$label.svg" ] && [ -s "$tmp/demo/passes/$label.txt" ]
  check "pass $label as PNG, SVG and text" 0 $?
done
ls "$tmp/demo/camera"/frame-*.png >/dev/null 2>&1; check "camera frames" 0 $?
"$server" --db "$db" demo --dir "$tmp/demo-again" --url "$url" >"$tmp/again.out" 2>&1
check "a second demo in the same database is refused" 1 $?
contains "and says why" "$tmp/again.out" "already holds an organisation"

code=$(cat "$tmp/demo/enrol.txt")
token=$(sed -n 's/.*[?&]token=\([^&]*\).*/\1/p' <<<"$code")
[ -n "$token" ]; check "enrol.txt holds an enrolment code with a token" 0 $?
pass_id() { awk -v l="$1" '$1 == "pass" && $2 == l { print $3 }' "$tmp/demo.out"; }
ben_pass=$(pass_id ben)
hash=$(echo 2468 | "$kiosk" --hash-pin | sed -n 's/^admin_pin_hash = "\(.*\)"$/\1/p')

cat >"$tmp/day.script" <<SCRIPT
tap staff
tap pin:2
tap pin:4
tap pin:6
tap pin:8
tap pin:ok
tap admin.tab:sync
tap enrol
scan $code
wait-sync 30s
tap dismiss
scan $(cat "$tmp/demo/passes/ben.txt")
tap dismiss
scan $(cat "$tmp/demo/passes/ana.txt")
tap session:sess-peer
tap dismiss
scan $(cat "$tmp/demo/passes/revoked.txt")
tap dismiss
scan $(cat "$tmp/demo/passes/vic.txt")
wait-sync 30s
SCRIPT
mkdir -p "$tmp/kiosk"
"$kiosk" --headless --script "$tmp/day.script" --screenshots "$tmp/shots" \
  --set "kiosk.database=$tmp/kiosk/kiosk.db" --set "kiosk.admin_pin_hash=$hash" >"$tmp/kiosk.log" 2>&1
check "the kiosk's script" 0 $?
s=$tmp/shots
contains "enrol mode asks for the code" "$(shot "$s" 8)" "Show the enrolment QR code"
contains "enrolled, with the server's id" "$(shot "$s" 10)" "Enrolled"
contains "and up to date" "$(shot "$s" 10)" "Up to date"
contains "the site's sessions came from the server" "$(shot "$s" 11)" "Community lunch"
contains "a server-issued pass checks in" "$(shot "$s" 12)" "Welcome, Ben"
contains "two sessions fit: she is asked" "$(shot "$s" 14)" "Which session are you here for?"
contains "a discreet group member is welcomed" "$(shot "$s" 15)" "Welcome"
lacks "without their name" "Ana" "$s"/*.txt
lacks "or the discreet program's" "Tuesday peer support" "$s"/*.txt
contains "the server's revocation reached the kiosk" "$(shot "$s" 17)" "Please see a volunteer"
contains "a volunteer starts a shift" "$(shot "$s" 19)" "Vic"

device=$(sqlite3 -readonly "$tmp/kiosk/kiosk.db" "SELECT device_id FROM device_meta" 2>/dev/null)
[ -n "$device" ] && [ "${device#local-}" = "$device" ]; check "the kiosk has a server-given device id" 0 $?
"$server" --db "$db" device list >"$tmp/devices" 2>/dev/null
check "device list" 0 $?
contains "the server lists the kiosk" "$tmp/devices" "$device"
contains "at the demo site" "$tmp/devices" "site-riverside"
checkins=$(sqlite3 -readonly "$db" \
  "SELECT COUNT(*) FROM events WHERE kind = 'checkin' AND session_id = 'sess-lunch' AND pass_id = '$ben_pass' AND uploaded_by = '$device'")
check "the server holds Ben's check-in from this kiosk" 1 "$checkins"
shifts=$(sqlite3 -readonly "$db" "SELECT COUNT(*) FROM events WHERE kind = 'shift_start' AND shift_id = 'shift-desk'")
check "and the volunteer's shift start" 1 "$shifts"
"$server" --db "$db" attendance list >"$tmp/attendance" 2>/dev/null
check "attendance list" 0 $?
grep -qP '^sess-lunch\tsite-riverside\tCommunity lunch\t.*\t1$' "$tmp/attendance"
check "attendance list counts Ben at the lunch" 0 $?
waiting=$(sqlite3 -readonly "$tmp/kiosk/kiosk.db" "SELECT COUNT(*) FROM outbox WHERE state <> 'uploaded'")
check "the kiosk's outbox is empty" 0 "$waiting"

lacks "the token is not in the kiosk's log" "$token" "$tmp/kiosk.log"
lacks "nor the server's" "$token" "$tmp/server.log"
lacks "nor on any screen" "$token" "$s"/*.txt
ls "$s" | grep -qF -- "$token"; check "nor in a file name" 1 $?

# Provisioning by script: --enrol @FILE with a fresh code, before the kiosk starts.
"$server" --db "$db" -q enrol-token create --site site-riverside --url "$url" >"$tmp/enrol2.txt" 2>>"$tmp/server.log"
check "a second enrolment code" 0 $?
token2=$(sed -n 's/.*[?&]token=\([^&]*\).*/\1/p' "$tmp/enrol2.txt")
printf 'wait-sync 30s\nscan %s\n' "$(cat "$tmp/demo/passes/dee.txt")" >"$tmp/second.script"
mkdir -p "$tmp/kiosk2"
"$kiosk" --headless --enrol "@$tmp/enrol2.txt" --script "$tmp/second.script" --screenshots "$tmp/shots2" \
  --set "kiosk.database=$tmp/kiosk2/kiosk.db" >"$tmp/kiosk2.log" 2>&1
check "checkin-kiosk --enrol @FILE" 0 $?
contains "--enrol: the sync is up to date at once" "$(shot "$tmp/shots2" 1)" "Show your pass"
contains "--enrol: a pass the server issued checks in" "$(shot "$tmp/shots2" 2)" "Welcome"
lacks "--enrol: the token is not in the log" "$token2" "$tmp/kiosk2.log"
[ "$(sqlite3 -readonly "$tmp/kiosk2/kiosk.db" "SELECT device_id FROM device_meta")" != "$device" ]
check "--enrol: a second device" 0 $?
[ "$(grep -c site-riverside "$tmp/devices")" = 1 ] && [ "$("$server" --db "$db" device list 2>/dev/null | grep -c site-riverside)" = 2 ]
check "--enrol: the server lists both kiosks" 0 $?

# A used code: refused on the problem screen and in the log, exit status 2, no token shown.
"$kiosk" --headless --enrol "$code" --set "kiosk.database=$tmp/kiosk2/kiosk.db" --screenshots "$tmp/problem" \
  >"$tmp/used.log" 2>&1
check "--enrol with a used code" 2 $?
contains "is refused with the reason" "$tmp/used.log" "enrolment refused"
[ -f "$tmp/problem/problem.png" ]; check "on the problem screen" 0 $?
lacks "--enrol refused: the token is not in the log" "$token" "$tmp/used.log"
"$kiosk" --headless --enrol "@$tmp/no-such-file" --set "kiosk.database=$tmp/kiosk2/kiosk.db" >"$tmp/nofile.log" 2>&1
check "--enrol @missing file" 2 $?
contains "names the file" "$tmp/nofile.log" "cannot read $tmp/no-such-file"
"$kiosk" --headless --enrol "$code" --set "kiosk.database=$tmp/kiosk2/kiosk.db" --set sync.enabled=false \
  >"$tmp/off.log" 2>&1
check "--enrol with sync turned off" 2 $?
contains "says sync is off" "$tmp/off.log" "sync is turned off"
"$kiosk" --help >"$tmp/help" 2>&1
contains "--help documents --enrol" "$tmp/help" "--enrol"

report
