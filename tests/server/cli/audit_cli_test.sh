#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The command line's part of the audit trail, on a real SQLite file: each command that
# changes data writes exactly one entry (account "command line", the action, the object it
# made or named), a read writes none, a failed command none, and no entry holds a name or
# an enrolment code's secret.
set -uo pipefail
server=$1
source "$(dirname "$0")/../../support/checks.sh"

cd "$tmp"
db=$tmp/server.db
cs() { "$server" "$@" --db "$db"; }
name="Winnifred Xanthoula"
trail() { sqlite3 "$db" "SELECT action || ' ' || object_id || ' ' || actor FROM audit_log ORDER BY at_ms, id"; }
entries() { sqlite3 "$db" "SELECT COUNT(*) FROM audit_log"; }

# one_entry ACTION OBJECT COMMAND...: the command succeeds and adds exactly that entry.
one_entry() {
  local action=$1 object=$2; shift 2
  local before; before=$(entries)
  "$@" >out 2>err; check "$action: $*" 0 $?
  check "$action: one entry" $((before + 1)) "$(entries)"
  trail | tail -n 1 >last
  if [ -n "$object" ]; then contains "$action: the entry" last "$action $object command line"
  else contains "$action: the entry" last "$action "; contains "$action: by the command line" last " command line"; fi
}
# no_entry COMMAND...: whatever the command's status, the trail is as it was.
no_entry() {
  local before; before=$(entries)
  "$@" >out 2>err
  check "no entry for: $*" "$before" "$(entries)"
}

cs keys new -q >/dev/null 2>err; check "keys new" 0 $?
site=$(cs site add "Northside Centre" -q 2>err); check "site add" 0 $?
contains "site add is recorded" <(trail) "site.create $site command line"
program=$(cs program add --name "Youth club" -q 2>err); check "program add" 0 $?
person=$(cs person add --name "$name" --site "$site" --register "$program" -q 2>err); check "person add" 0 $?
contains "person add is recorded with the new id" <(trail) "person.create $person command line"

one_entry pass.issue "" cs pass issue "$person" -q
pass=$(head -n 1 out)
contains "the pass's id is the object" <(trail | tail -n 1) "pass.issue $pass "
one_entry pass.revoke "$pass" cs pass revoke "$pass" -q
one_entry device.enrolment_code "$site" cs enrol-token create --site "$site" --url https://checkin.example.org -q
code=$(head -n 1 out)
lacks "the enrolment code's secret is not in the trail" "$code" <(trail) <(sqlite3 "$db" "SELECT detail FROM audit_log")
one_entry kiosk_setting.set language cs kiosk-setting set language es --site "$site"
one_entry retention.set retention.audit_days cs retention audit-days 400
cs retention show >shown 2>err; check "retention show" 0 $?
contains "retention show says the audit trail's days" shown "audit_days 400"
one_entry retention.apply retention cs retention run

session=$(cs session add --site "$site" --program "$program" --start 2026-12-01T10:00:00Z --end 2026-12-01T11:00:00Z -q 2>err)
check "session add" 0 $?
one_entry attendance.view "$session" cs attendance show "$session"
one_entry report.download attendance-by-person cs report attendance --by person --from 2026-11-01 --to 2026-12-31 --out people.csv

# Reads, dry runs and failures leave no entry.
printf 'preferred_name,language\nBo,en\n' >people.csv
no_entry cs person list
no_entry cs site list
no_entry cs attendance list
no_entry cs person import people.csv --site "$site" --dry-run
no_entry cs pass revoke 00000000000000000000000000000000
no_entry cs retention audit-days 3

lacks "no entry holds a person's name" "$name" <(sqlite3 "$db" "SELECT * FROM audit_log")
report
