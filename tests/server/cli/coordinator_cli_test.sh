#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# checkin-server's coordinator commands as a script runs them, on a real SQLite file:
# accounts (passwords only from stdin or a file), weekly session series in local time
# across a DST change, people CSV import (all rows or none; bad rows by line; formula
# cells; a non-UTF-8 file), passes shown and printed on a sheet (no names for discreet
# programs' people), CSV reports (UTF-8 with BOM), the shift review queue and retention.
set -uo pipefail
server=$1
checkin=$2
source "$(dirname "$0")/../../support/checks.sh"

cd "$tmp"
db=$tmp/server.db
# Local times are Europe/London's: 2027-03-28 is a DST change there.
cs() { "$server" "$@" --db "$db" --set server.timezone=Europe/London; }
rows() { tail -n +2 "$1" | grep -c .; }  # data rows under a header

# --- configuration: the dashboard's keys and the time zone ---
cs --set server.timezone=Mars/Olympus site list >out 2>err; check "unknown time zone" 2 $?
contains "unknown time zone names the key" err "server.timezone"
cs --set dashboard.secure_cookies=sometimes site list >out 2>err; check "bad secure_cookies" 2 $?
contains "bad secure_cookies names the choices" err "auto, true or false"
cs --set dashboard.session_idle_minutes=0 site list >out 2>err; check "idle minutes out of range" 2 $?
cs --set dashboard.session_max_hours=73 site list >out 2>err; check "max hours out of range" 2 $?
cs --set dashboard.organisation_name= site list >out 2>err; check "empty organisation name" 2 $?
cs --set dashboard.secure_cookies=auto --set dashboard.session_max_hours=72 --set 'dashboard.organisation_name=Riverside Hub' \
  site list >out 2>err; check "good dashboard keys" 0 $?
example=$(cd "$(dirname "$0")/../../../deploy" && pwd)/server.example.toml
for key in timezone session_idle_minutes session_max_hours secure_cookies organisation_name; do
  grep -q "^$key = " "$example"; check "example documents $key" 0 $?
done

# --- accounts ---
"$server" --help >out 2>err
for word in account report review retention; do contains "--help lists $word" out "$word"; done
printf 'correct horse battery staple\n' | cs account create admin --name "Site Admin" --role admin >out 2>err
check "account create (password on stdin)" 0 $?
admin=$(head -n 1 out)
[[ $admin =~ ^[0-9a-f-]{36}$ ]]; check "account create prints the id first" 0 $?
contains "account create details" out "role admin"
printf 'correct horse battery staple\n' | cs account create ADMIN --name Other --role admin >out 2>err
check "username taken, whatever its case" 1 $?
printf 'short\n' | cs account create shorty --name Shorty --role admin >out 2>err
check "password too short" 2 $?
cs account create nopass --name Nobody --role admin </dev/null >out 2>err; check "no password on stdin" 2 $?
contains "no password is explained" err "standard input"
cs account create argv --name Argv --role admin --password "correct horse battery staple" >out 2>err
check "no password on the command line" 2 $?
cs account create bad --name Bad --role superuser </dev/null >out 2>err; check "unknown role" 2 $?
site=$(cs site add "Northside Centre" -q 2>err); check "site add" 0 $?
other_site=$(cs site add "Southside Hall" -q 2>err)
printf 'correct horse battery staple\n' | cs account create root2 --name R --role admin --site "$site" >out 2>err
check "admin with --site" 2 $?
printf 'a long enough password\n' >pw.txt
coordinator=$(cs account create sam --name "Sam Coordinator" --role coordinator --site "$site" --password-file pw.txt -q 2>err)
check "account create (--password-file)" 0 $?
printf 'a long enough password\n' | cs account create lee --name Lee --role coordinator --site no-such-site >out 2>err
check "coordinator of an unknown site" 2 $?
cs account list >out 2>err; check "account list" 0 $?
contains "account list header" out "$(printf 'id\tusername\tname\trole\tsites\tcreated\tdisabled')"
contains "account list admin" out "$(printf '%s\tadmin\tSite Admin\tadmin\tall\t' "$admin")"
contains "account list coordinator" out "$(printf '%s\tsam\tSam Coordinator\tcoordinator\t%s\t' "$coordinator" "$site")"
cs account sites "$coordinator" --site "$site" --site "$other_site" >out 2>err; check "account sites" 0 $?
cs account list >out 2>err
contains "account sites replaced" out "$(printf 'coordinator\t%s,%s\t' "$site" "$other_site")"
cs account sites "$admin" --site "$site" >out 2>err; check "account sites on an admin" 2 $?
printf 'another long password\n' | cs account password "$coordinator" >out 2>err; check "account password" 0 $?
printf 'another long password\n' | cs account password no-such-account >out 2>err; check "password of an unknown account" 1 $?
cs account disable "$coordinator" >out 2>err; check "account disable" 0 $?
cs account list >out 2>err
grep -q "^$coordinator	.*	20[0-9-]*T[0-9:]*Z$" out; check "disabled account shows when" 0 $?

# --- sessions: local times, weekly series across the DST change ---
program=$(cs program add --name "Youth club" -q 2>err); check "program add" 0 $?
discreet=$(cs program add --name "Peer support" --discreet -q 2>err); check "discreet program add" 0 $?
cs session add --program "$program" --site "$site" --start 2027-03-16T19:00 --end 2027-03-16T21:00 >out 2>err
check "session add in local time" 0 $?
contains "local 19:00 in March is 19:00 UTC" out "window 2027-03-16T18:30:00Z 2027-03-16T21:00:00Z"
cs session add --program "$program" --site "$site" --start 2027-03-16T19:00 --end 2027-03-16T21:00 --repeat-weekly 3 >out 2>err
check "session add --repeat-weekly" 0 $?
[ "$(grep -cE '^[0-9a-f-]{36}$' out)" = 3 ]; check "a series prints one id a line" 0 $?
contains "series first" out "first 2027-03-16T19:00:00Z"
contains "series keeps 7 pm local after the DST change" out "last 2027-03-30T18:00:00Z"
grep -qE '^series [0-9a-f-]{36}$' out; check "series id printed" 0 $?
cs session add --program "$program" --site "$site" --start 2027-03-16T19:00 --end 2027-03-16T21:00 --repeat-weekly 2 -q >out 2>err
[ "$(wc -l <out)" = 2 ]; check "series with --quiet: ids only" 0 $?
cs session add --program "$program" --site "$site" --start 2027-03-28T01:30 --end 2027-03-28T03:00 >out 2>err
check "a local time the DST change skips" 2 $?
cs session add --program "$program" --site "$site" --start 2027-03-16T19:00 --end 2027-03-16T21:00 --repeat-weekly 200 >out 2>err
check "too long a series" 2 $?
cs session add --program no-such --site "$site" --start 2027-03-16T19:00 --end 2027-03-16T21:00 --repeat-weekly 4 >out 2>err
check "series of an unknown program" 1 $?
cs attendance list --site "$site" --from 2027-03-01T00:00:00Z --to 2027-05-01T00:00:00Z >out 2>err
[ "$(rows out)" = 6 ]; check "six sessions stored (1 + 3 + 2; none of the failed series)" 0 $?
cs session add --program "$program" --site "$site" --start 2027-03-16T19:00:00Z --end 2027-03-16T21:00:00Z >out 2>err
check "session add in UTC still works" 0 $?

# --- people: CSV import, all rows or none ---
printf 'preferred_name,language,programs\nAna,es,Youth club\nBo,,\n"Chris, Jr",en,%s\n' "$discreet" >good.csv
cs person import good.csv --site "$site" --dry-run >out 2>err; check "import --dry-run" 0 $?
contains "dry run preview header" out "$(printf 'line\tname\tlanguage\tprograms')"
contains "dry run preview row" out "$(printf '2\tAna\tes\t%s' "$program")"
contains "dry run quoted name" out "$(printf '4\tChris, Jr\ten\t%s' "$discreet")"
cs person list >out 2>err; check "person list" 0 $?
[ "$(rows out)" = 0 ]; check "dry run imports nothing" 0 $?

printf 'name;programs\nDee;Youth club\nEve;Chess\n=cmd|'"'"'/c calc'"'"'!A1;\nFay;\n' >bad.csv
cs person import bad.csv --site "$site" >out 2>err; check "import with bad rows" 1 $?
contains "unknown program reported by line" err "line 3:"
contains "formula cell reported by line" err "line 4:"
contains "formula cell is explained" err "formula"
contains "nothing imported is said" err "nothing imported"
lacks "bad rows do not repeat cell content" "calc" err
cs person list >out 2>err
[ "$(rows out)" = 0 ]; check "a bad row imports nothing" 0 $?

printf 'name\nJos\xe9\nZo\xeb\n' >latin1.csv
cs person import latin1.csv --site "$site" >out 2>err; check "non-UTF-8 file" 1 $?
contains "non-UTF-8 file is explained" err "UTF-8"
printf 'colour\nred\n' >columns.csv
cs person import columns.csv --site "$site" >out 2>err; check "unknown column" 1 $?
printf 'name\n' >empty.csv
cs person import empty.csv --site "$site" >out 2>err; check "no people in the file" 1 $?
cs person import good.csv --site no-such-site >out 2>err; check "import to an unknown site" 1 $?
cs person import missing.csv --site "$site" >out 2>err; check "missing file" 2 $?

printf '\xef\xbb\xbfpreferred_name,language,programs\r\nAna,es,Youth club\r\nBo,,\r\n"Chris, Jr",en,%s\r\n' "$discreet" >good.csv
cs person import good.csv --site "$site" >out 2>err; check "import" 0 $?
[ "$(head -n 1 out)" = 3 ]; check "import prints the count" 0 $?
cs person list --site "$site" >out 2>err
[ "$(rows out)" = 3 ]; check "three people at the site" 0 $?
ana=$(awk -F'\t' '$2 == "Ana" {print $1}' out)
chris=$(awk -F'\t' '$2 == "Chris, Jr" {print $1}' out)
contains "imported registration" out "$(printf '%s\tAna\tes\t%s\t%s' "$ana" "$site" "$program")"
cs person list --site "$other_site" >out 2>err
[ "$(rows out)" = 0 ]; check "nobody at the other site" 0 $?

# --- passes: show one again, print a sheet ---
cs keys new -q >/dev/null 2>err; check "keys new" 0 $?
cs keys list >out 2>err
sed -n "2s/^[^\t]*\t\([0-9a-f]*\)\t.*/\1/p" out >signing.pub
cs pass issue "$ana" -q >out 2>err; check "pass issue (Ana)" 0 $?
ana_pass=$(cat out)
cs pass issue "$chris" -q >out 2>err; check "pass issue (Chris)" 0 $?
cs pass show "$ana_pass" --png --out ana.png >out 2>err; check "pass show --png" 0 $?
"$checkin" decode ana.png --public-key signing.pub >out 2>err; check "shown pass decodes" 0 $?
contains "shown pass is the issued one" out "verdict: valid pass $ana_pass"
cs pass show "$ana_pass" --svg --out ana.svg >out 2>err; check "pass show --svg" 0 $?
contains "svg" ana.svg "<svg"
cs pass show "$ana_pass" --out ana.png >out 2>err; check "pass show without a format" 2 $?
cs pass show "$ana_pass" --png --svg --out x >out 2>err; check "pass show with two formats" 2 $?

cs pass sheet --out all.pdf >out 2>err; check "pass sheet (everyone with a pass)" 0 $?
contains "sheet has both passes" out "cards 2"
[ "$(head -c 5 all.pdf)" = "%PDF-" ]; check "sheet is a PDF" 0 $?
cs pass sheet --out letter.pdf --paper letter --person "$ana" >out 2>err; check "pass sheet on letter paper" 0 $?
contains "one card" out "cards 1"
bo=$(cs person list | awk -F'\t' '$2 == "Bo" {print $1}')
cs pass sheet --out bo.pdf --person "$bo" >out 2>err; check "a person without a pass" 1 $?
contains "no pass is explained" err "no current pass"
cs pass sheet --out x.pdf --person no-such-person >out 2>err; check "unknown person" 1 $?
# A name adds its glyphs to the PDF; for a discreet program's person none is printed, so
# the sheet with --names is the same size as the one without.
cs pass sheet --out ana-plain.pdf --person "$ana" -q && cs pass sheet --out ana-named.pdf --person "$ana" --names -q
[ "$(stat -c %s ana-named.pdf)" -gt "$(stat -c %s ana-plain.pdf)" ]; check "--names prints Ana's name" 0 $?
cs pass sheet --out chris-plain.pdf --person "$chris" -q && cs pass sheet --out chris-named.pdf --person "$chris" --names -q
[ "$(stat -c %s chris-named.pdf)" = "$(stat -c %s chris-plain.pdf)" ]; check "--names never names a discreet program's person" 0 $?
cs pass revoke "$ana_pass" >/dev/null 2>&1
cs pass show "$ana_pass" --png --out again.png >out 2>err; check "a revoked pass is not shown" 1 $?

# --- reports: CSV with BOM, local date ranges ---
bom=$'\xef\xbb\xbf'
cs report attendance --from 2027-03-01 --to 2027-03-31 --out sessions.csv >out 2>err; check "report attendance" 0 $?
[ "$(head -c 3 sessions.csv)" = "$bom" ]; check "report starts with the BOM" 0 $?
grep -q $'\r$' sessions.csv; check "report lines end in CRLF" 0 $?
contains "report counts its rows" out "rows 7"
[ "$(tail -n +2 sessions.csv | grep -c .)" = 7 ]; check "one row per session in March" 0 $?
cs report attendance --from 2027-03-16 --to 2027-03-16 --out day.csv >out 2>err
contains "--to is included" out "rows 4"
cs report attendance --from 2027-03-01 --to 2027-03-31 --by program --out programs.csv >out 2>err; check "report by program" 0 $?
contains "by program: one row" out "rows 1"
contains "by program names it" programs.csv "Youth club"
cs report attendance --from 2027-03-01 --to 2027-03-31 --by person --out people.csv >out 2>err; check "report by person" 0 $?
[ "$(head -c 3 people.csv)" = "$bom" ]; check "by person starts with the BOM" 0 $?
cs report attendance --from 2027-03-01 --to 2027-03-31 --site "$other_site" --out other.csv >out 2>err
contains "another site's sessions are not in it" out "rows 0"
cs report attendance --from 2027-03-01 --to 2027-03-31 --program "$discreet" --out - >out 2>err
check "report to stdout" 0 $?
[ "$(head -c 3 out)" = "$bom" ]; check "stdout report starts with the BOM" 0 $?
cs report attendance --from 2027-03-31 --to 2027-03-01 --out x.csv >out 2>err; check "--to before --from" 2 $?
cs report attendance --from March --to 2027-03-01 --out x.csv >out 2>err; check "a bad date" 2 $?
contains "a bad date is explained" err "2026-11-01"
cs report attendance --from 2027-03-01 --to 2027-03-31 --site no-such --out x.csv >out 2>err; check "unknown site" 1 $?
cs report attendance --from 2027-03-01 --to 2027-03-31 --by week --out x.csv >out 2>err; check "bad --by" 2 $?
cs report volunteer-hours --from 2027-03-01 --to 2027-03-31 --out hours.csv >out 2>err; check "volunteer hours" 0 $?
[ "$(head -c 3 hours.csv)" = "$bom" ]; check "volunteer hours start with the BOM" 0 $?
cs report volunteer-hours --from 2027-03-01 --to 2027-03-31 --period week --shifts --out shifts.csv >out 2>err
check "volunteer shifts" 0 $?
cs report volunteer-hours --from 2027-03-01 --to 2027-03-31 --period fortnight --out x.csv >out 2>err; check "bad --period" 2 $?

# --- review queue and retention ---
cs review list >out 2>err; check "review list" 0 $?
contains "review list header" out "$(printf 'event_id\tsite\trole\tperson\tname\tstarted\tended\trecorded_hours')"
cs review confirm no-such-event >out 2>err; check "review an unknown event" 1 $?
cs review edit no-such-event --hours 30 >out 2>err; check "review edit beyond 24 hours" 2 $?
cs review edit no-such-event >out 2>err; check "review edit without --hours" 2 $?
cs retention show >out 2>err; check "retention show" 0 $?
contains "default retention" out "discreet_days 90"
cs retention set 30 >out 2>err; check "retention set" 0 $?
cs retention show >out 2>err
contains "retention changed" out "discreet_days 30"
cs retention set 0 >out 2>err; check "retention out of range" 2 $?
cs retention run >out 2>err; check "retention run" 0 $?
contains "retention run reports" out "sessions_reduced 0"
cs retention show >out 2>err
grep -q "^last_run 20" out; check "retention remembers its run" 0 $?
contains "other programs' default" out "other_days 730"
cs retention other-days 400 >out 2>err; check "retention other-days" 0 $?
cs retention program-days "$program" 60 >out 2>err; check "retention program-days" 0 $?
cs retention program-days "$program" sixty >out 2>err; check "program-days needs a number" 2 $?
cs retention program-days no-such-program 60 >out 2>err; check "program-days of an unknown program" 1 $?
cs retention inactive-days 365 >out 2>err; check "retention inactive-days" 0 $?
cs retention show >out 2>err
contains "other-days shown" out "other_days 400"
contains "a program's own period shown" out "program_days $program 60"
contains "inactive-days shown" out "inactive_days 365"
cs retention program-days "$program" default >out 2>err; check "program-days back to the default" 0 $?
cs retention show >out 2>err
lacks "no own period any more" "program_days" out
cs kiosk-setting set privacy_contact "Ask at reception, or write to privacy@example.org" >out 2>err
check "kiosk-setting privacy_contact" 0 $?
cs kiosk-setting set privacy_contact "$(printf 'two\nlines')" >out 2>err; check "privacy_contact is one line" 2 $?
cs kiosk-setting set feedback false --site "$site" >out 2>err; check "kiosk-setting feedback off for a site" 0 $?
cs kiosk-setting set feedback maybe >out 2>err; check "feedback is true or false" 2 $?
cs report seen-twice --from 2027-01-01 --to 2027-12-31 --out - >out 2>err; check "report seen-twice" 0 $?
contains "report seen-twice has its header" out "Date,Site,Program,Session start,Name,Pass,First kiosk"
cs report feedback --from 2027-01-01 --to 2027-12-31 --out - >out 2>err; check "report feedback" 0 $?
contains "report feedback has its header" out "Week,Program,Answers,Rated 1"
cs person inactive >out 2>err; check "person inactive" 0 $?
contains "person inactive has a header" out "$(printf 'id\tname\tsite\tlast_activity')"

# --- a discreet program's small counts: "fewer than 5" in attendance list too ---
group=$(cs session add --program "$discreet" --site "$site" --start 2027-06-01T19:00:00Z --end 2027-06-01T21:00:00Z -q 2>err)
check "a discreet session" 0 $?
for who in Dee Eli; do
  cs attendance add --session "$group" --walk-in "$who" -q >out 2>err; check "check $who in by hand" 0 $?
done
cs attendance list --site "$site" --from 2027-06-01T00:00:00Z --to 2027-06-02T00:00:00Z >out 2>err
contains "two in a discreet group show as fewer than 5" out "$(printf '%s\t%s\tPeer support\t2027-06-01T19:00:00Z\t2027-06-01T21:00:00Z\tfewer than 5' "$group" "$site")"

report
