#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The command line's reports over check-ins a real kiosk made: checkin-server demo on a
# SQLite file, a headless checkin-kiosk enrolled with --enrol scans Ben (community lunch)
# and Ana (the discreet peer-support group), then the CSV reports apply the privacy rules:
# the discreet session's count is "fewer than 5", and identified attendance names Ben but
# neither Ana nor the discreet program.
set -uo pipefail
server=$1
kiosk=$2
source "$(dirname "$0")/../../support/checks.sh"

db=$tmp/server.db
"$server" --db "$db" serve --listen 127.0.0.1:0 --port-file "$tmp/port" 2>"$tmp/server.log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
url="http://127.0.0.1:$(cat "$tmp/port" 2>/dev/null)"
cs() { "$server" --db "$db" "$@"; }

cs demo --dir "$tmp/demo" --url "$url" >"$tmp/demo.out" 2>>"$tmp/server.log"; check "checkin-server demo" 0 $?
cs -q enrol-token create --site site-riverside --url "$url" >"$tmp/enrol.txt" 2>>"$tmp/server.log"
check "an enrolment code" 0 $?
printf 'wait-sync 30s\nscan %s\ntap dismiss\nscan %s\ntap session:sess-peer\ntap dismiss\nwait-sync 30s\n' \
  "$(cat "$tmp/demo/passes/ben.txt")" "$(cat "$tmp/demo/passes/ana.txt")" >"$tmp/day.script"
mkdir -p "$tmp/kiosk"
"$kiosk" --headless --enrol "@$tmp/enrol.txt" --script "$tmp/day.script" --screenshots "$tmp/shots" \
  --set "kiosk.database=$tmp/kiosk/kiosk.db" >"$tmp/kiosk.log" 2>&1
check "the kiosk scans Ben and Ana and syncs" 0 $?

from=$(date -d yesterday +%F) to=$(date -d tomorrow +%F)
cs report attendance --from "$from" --to "$to" --out "$tmp/sessions.csv" >"$tmp/out" 2>"$tmp/err"
check "report attendance" 0 $?
grep -q '^[^,]*,[^,]*,[^,]*,[^,]*,Community lunch,Main hall,1,0,0' "$tmp/sessions.csv"
check "Ben counted at the lunch" 0 $?
grep -q ',Room 2,fewer than 5,' "$tmp/sessions.csv"; check "the discreet session: fewer than 5" 0 $?
lacks "the discreet session shows no small figure" ",Room 2,1," "$tmp/sessions.csv"
cs report attendance --from "$from" --to "$to" --by person --out "$tmp/people.csv" >"$tmp/out" 2>"$tmp/err"
check "report attendance by person" 0 $?
contains "Ben is named" "$tmp/people.csv" "Ben"
lacks "Ana is not" "Ana" "$tmp/people.csv"
lacks "nor the discreet program" "Tuesday peer support" "$tmp/people.csv"
cs report attendance --from "$from" --to "$to" --by program --out "$tmp/programs.csv" >"$tmp/out" 2>"$tmp/err"
check "report attendance by program" 0 $?
grep -q 'fewer than 5' "$tmp/programs.csv"; check "program totals: discreet small count suppressed" 0 $?

report
