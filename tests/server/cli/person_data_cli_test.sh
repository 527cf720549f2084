#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# checkin-server person export / erase as a script runs them, on a real SQLite file: the
# export's two files (every record as JSON, a summary in plain words), erasing only with
# --yes, the person gone from the file and its log afterwards (grep), both audited.
set -uo pipefail
server=$1
source "$(dirname "$0")/../../support/checks.sh"

cd "$tmp"
db=$tmp/server.db
cs() { "$server" "$@" --db "$db"; }
name="Winnifred Xanthoula"

site=$(cs site add "Northside Centre" -q 2>err); check "site add" 0 $?
program=$(cs program add --name "Youth club" -q 2>err); check "program add" 0 $?
person=$(cs person add --name "$name" --language es --site "$site" --register "$program" -q 2>err)
check "person add" 0 $?
other=$(cs person add --name "Bo" --site "$site" -q 2>err)
cs keys new -q >/dev/null 2>err; check "keys new" 0 $?
pass=$(cs pass issue "$person" -q 2>err); check "pass issue" 0 $?

# --- export ---
mkdir exports
cs person export "$person" --out exports >paths 2>err; check "person export" 0 $?
json=$(sed -n 1p paths); html=$(sed -n 2p paths)
[ -s "$json" ] && [ -s "$html" ]; check "person export writes both files" 0 $?
case "$json" in exports/person-"$person"-*.json) pass ;; *) failed "json file name: $json" ;; esac
for text in '"format": "checkin-person-export/1"' "\"preferred_name\": \"$name\"" "\"program_name\": \"Youth club\"" \
            "\"pass_id\": \"$pass\"" '"stored_records"' '"registrations"' '"shifts"'; do
  contains "export json: $text" "$json" "$text"
done
lacks "export json holds nobody else" "$other" "$json" "$html"
for text in "$name" "Youth club" "$pass" "Your volunteer shifts and hours" "erased"; do
  contains "export summary: $text" "$html" "$text"
done
cs person export no-such-person --out exports >out 2>err; check "export of nobody" 1 $?
contains "export of nobody says so" err "no-such-person"

# --- erase ---
cs person erase "$person" >out 2>err; check "erase without --yes refuses" 2 $?
contains "erase without --yes says what it does" err "anonymous counts"
cs person list >out 2>err; contains "nothing erased without --yes" out "$person"
cs person erase "$person" --yes >out 2>err; check "person erase --yes" 0 $?
contains "erase prints the id" out "$person"
contains "erase prints the passes revoked" out "passes_revoked 1"
cs person list >out 2>err; lacks "person list lacks the erased" "$person" out
contains "person list keeps the others" out "$other"
cs person erase "$person" --yes >out 2>err; check "erasing again: nobody" 1 $?
lacks "the database file holds no trace of the name" "$name" "$db" "$db-wal"
sqlite3 "$db" "SELECT action || ' ' || object_id || ' ' || actor FROM audit_log ORDER BY at_ms" >audit 2>err
contains "export audited" audit "person.export $person command line"
contains "erase audited" audit "person.erase $person command line"
lacks "the audit trail holds no name" "$name" audit
sqlite3 "$db" "SELECT pass_id FROM revocations" >revoked 2>err
contains "their pass is revoked for the kiosks" revoked "$pass"

report
