#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# deploy/server/checkin-server-backup.sh and the restore steps of deploy/server/README.md,
# on one backend (sqlite, or postgresql on the test suite's cluster in
# $CHECKIN_TEST_POSTGRES). A real checkin-server holds the demo organisation and a real
# kiosk's check-ins; the backup is taken while a coordinator's script keeps adding people.
# The copy, restored into a new place, serves again (a server starts on it) and holds
# exactly what it should: the attendance, keys and kiosks as they were, and the people
# added before the backup began, in an unbroken run (a consistent snapshot, not a torn one).
set -uo pipefail
server=$1
kiosk=$2
backend=$3
here=$(cd "$(dirname "$0")" && pwd)
backup=$here/../../../deploy/server/checkin-server-backup.sh
source "$here/../../support/checks.sh"

pids=() databases=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  for name in "${databases[@]}"; do psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1; done
  rm -rf "$tmp"
}
trap cleanup EXIT

case $backend in
  sqlite)
    live=$tmp/live/server.db
    restored=$tmp/restored/server.db
    mkdir -p "$tmp/live" "$tmp/restored"
    ;;
  postgresql)
    [ -n "${CHECKIN_TEST_POSTGRES:-}" ] || { echo "FAIL: CHECKIN_TEST_POSTGRES is not set (the postgres fixture)"; exit 1; }
    admin_url="postgresql:///postgres?host=$CHECKIN_TEST_POSTGRES&user=postgres"
    prefix=backup_test_$$_$RANDOM
    for name in ${prefix}_live ${prefix}_restored; do
      psql -q "$admin_url" -c "CREATE DATABASE $name" >/dev/null; check "CREATE DATABASE $name" 0 $?
      databases+=("$name")
    done
    live="postgresql:///${prefix}_live?host=$CHECKIN_TEST_POSTGRES&user=postgres"
    restored="postgresql:///${prefix}_restored?host=$CHECKIN_TEST_POSTGRES&user=postgres"
    ;;
  *) echo "usage: $0 SERVER KIOSK sqlite|postgresql" >&2; exit 2 ;;
esac

serve() {  # serve DATABASE NAME: starts a server, sets $url
  "$server" --db "$1" serve --listen 127.0.0.1:0 --port-file "$tmp/$2.port" >/dev/null 2>"$tmp/$2.log" &
  pids+=($!)
  for _ in $(seq 200); do [ -s "$tmp/$2.port" ] && break; sleep 0.05; done
  [ -s "$tmp/$2.port" ]; check "a server on the $2 database" 0 $?
  url="http://127.0.0.1:$(cat "$tmp/$2.port" 2>/dev/null)"
}

# The live server: the demo organisation, and a kiosk's check-ins (Ben at lunch, Vic's shift).
serve "$live" live
"$server" --db "$live" demo --dir "$tmp/demo" --url "$url" >"$tmp/demo.out" 2>&1; check "checkin-server demo" 0 $?
printf 'wait-sync 30s\nscan %s\ntap dismiss\nscan %s\ntap dismiss\nwait-sync 30s\n' \
  "$(cat "$tmp/demo/passes/ben.txt")" "$(cat "$tmp/demo/passes/vic.txt")" >"$tmp/day.script"
"$kiosk" --headless --enrol "@$tmp/demo/enrol.txt" --script "$tmp/day.script" --screenshots "$tmp/shots" \
  --set "kiosk.database=$tmp/kiosk.db" >"$tmp/kiosk.log" 2>&1
check "a kiosk checks people in and syncs" 0 $?

# A coordinator's script adds people one by one; each line of $tmp/added is a committed one.
writers=100
: >"$tmp/added"
(
  for i in $(seq -w 1 $writers); do
    "$server" --db "$live" -q person add --name "Writer $i" >/dev/null 2>>"$tmp/writer.err" || exit 1
    echo "$i" >>"$tmp/added"
  done
) &
writer=$!
pids+=("$writer")
for _ in $(seq 600); do [ "$(wc -l <"$tmp/added")" -ge 10 ] && break; sleep 0.05; done
before=$(wc -l <"$tmp/added")
copy=$("$backup" "$live" "$tmp/backups" 2>"$tmp/backup.err"); check "the backup while people are added" 0 $?
after=$(wc -l <"$tmp/added")
wait "$writer"; check "the coordinator's script" 0 $?
[ "$after" -lt "$writers" ]; check "the backup ended before the writes did ($after of $writers)" 0 $?
case $backend in
  sqlite) [[ $copy == "$tmp/backups/checkin-server-"*Z.sqlite ]] ;;
  postgresql) [[ $copy == "$tmp/backups/checkin-server-"*Z.pgdump ]] ;;
esac
check "the copy's name: $copy" 0 $?
[ "$(stat -c %a "$copy")" = 600 ]; check "the copy is private" 0 $?
[ "$(stat -c %a "$tmp/backups")" = 700 ]; check "and so is its folder" 0 $?
ls "$tmp/backups" | grep -q partial; check "no partial file is left" 1 $?

# Restore as deploy/server/README.md says, into a new place, with a new identity.
sql() {  # sql DATABASE STATEMENT
  case $backend in
    sqlite) sqlite3 "$1" "$2" ;;
    postgresql) psql -qAt -d "$1" -c "$2" ;;
  esac
}
case $backend in
  sqlite) install -m 600 "$copy" "$restored" ;;
  postgresql) pg_restore --no-owner --exit-on-error --single-transaction -d "$restored" "$copy" 2>"$tmp/restore.err" ;;
esac
check "the restore" 0 $?
sql "$restored" "DELETE FROM database_identity"; check "the copy's identity removed" 0 $?

serve "$restored" restored
status=$(curl -sS -o /dev/null -w '%{http_code}' "$url/healthz"); check "the restored server is healthy" 200 "$status"
live_id=$(sql "$live" "SELECT id FROM database_identity") restored_id=$(sql "$restored" "SELECT id FROM database_identity")
[ -n "$restored_id" ] && [ "$restored_id" != "$live_id" ]; check "the restored server has a new identity" 0 $?
# The kiosk comes back to the restored server (at another port here; at the same URL in
# life), is known by its token, and starts its download afresh.
sqlite3 "$tmp/kiosk.db" "UPDATE settings SET value = '$url' WHERE key = 'sync_server_url'"
printf 'wait-sync 30s\n' >"$tmp/after.script"
"$kiosk" --headless --script "$tmp/after.script" --screenshots "$tmp/shots-after" \
  --set "kiosk.database=$tmp/kiosk.db" >"$tmp/kiosk-after.log" 2>&1
check "the kiosk syncs with the restored server" 0 $?
contains "and downloads everything again" "$tmp/restored.log" "cursor not accepted, full resync"

both() {  # both NAME ARGS...: the command's output on the live and on the restored database
  "$server" --db "$live" "${@:2}" >"$tmp/live.$1" 2>&1
  "$server" --db "$restored" "${@:2}" >"$tmp/restored.$1" 2>&1
  if cmp -s "$tmp/live.$1" "$tmp/restored.$1"; then pass; else
    failed "$1 differs after the restore:"; diff "$tmp/live.$1" "$tmp/restored.$1" | head -n 20; fi
}
from=$(date -d yesterday +%F) to=$(date -d tomorrow +%F)
both attendance attendance list
grep -q "^sess-lunch	.*	1$" "$tmp/restored.attendance"; check "the restored attendance counts Ben at the lunch" 0 $?
both report report attendance --from "$from" --to "$to" --out /dev/stdout
both keys keys list
"$server" --db "$restored" device list >"$tmp/restored.devices" 2>&1
[ "$(wc -l <"$tmp/restored.devices")" = 2 ]; check "the restored server knows the kiosk" 0 $?

"$server" --db "$restored" person list >"$tmp/people" 2>&1; check "person list on the restored copy" 0 $?
grep -o 'Writer [0-9]*' "$tmp/people" | sort >"$tmp/restored.writers"
kept=$(wc -l <"$tmp/restored.writers")
seq -f 'Writer %03g' 1 "$kept" >"$tmp/expected.writers"
cmp -s "$tmp/expected.writers" "$tmp/restored.writers"; check "the copy holds an unbroken run of the people added" 0 $?
[ "$kept" -ge "$before" ] && [ "$kept" -le $((after + 1)) ]
check "everyone added before the backup began is in it, no one added after it ended ($before <= $kept <= $after + 1)" 0 $?
grep -q "Ben" "$tmp/people"; check "the demo's people are in it" 0 $?

# The script's own rules (once, on SQLite).
if [ "$backend" = sqlite ]; then
  mkdir -p "$tmp/rotate"
  for stamp in 20240101T000000Z 20240102T000000Z 20240103T000000Z; do touch "$tmp/rotate/checkin-server-$stamp.sqlite"; done
  touch "$tmp/rotate/notes.txt" "$tmp/rotate/checkin-server-20240101T000000Z.pgdump"
  "$backup" --keep 2 "$restored" "$tmp/rotate" >"$tmp/rotate.out" 2>&1; check "--keep 2" 0 $?
  newest=$(basename "$(cat "$tmp/rotate.out")")
  ls -1 "$tmp/rotate" | sort >"$tmp/rotate.left"
  printf '%s\n' "$newest" checkin-server-20240103T000000Z.sqlite notes.txt | sort | cmp -s - "$tmp/rotate.left"
  check "--keep 2 keeps the two newest copies and other files: $(tr '\n' ' ' <"$tmp/rotate.left")" 0 $?
  "$backup" --keep 0 "$restored" "$tmp/rotate" >/dev/null 2>&1; check "--keep 0 is bad usage" 2 $?
  "$backup" "$tmp/no-such.db" "$tmp/rotate" >/dev/null 2>"$tmp/err"; check "a missing database" 1 $?
  contains "is named" "$tmp/err" "no database file at $tmp/no-such.db"
  "$backup" "$restored" >/dev/null 2>&1; check "no OUT_DIR is bad usage" 2 $?
fi

report
