#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# checkin-server's command line as a coordinator's script runs it: --help, configuration
# errors (exit 2, naming the key), and the coordinator commands round trip, down to a pass
# PNG that the kiosk side's `checkin decode` reads back as a valid pass.
set -uo pipefail
server=$1
checkin=$2
source "$(dirname "$0")/../../support/checks.sh"

cd "$tmp"
db=$tmp/server.db
cs() { "$server" "$@" --db "$db"; }

# --help names every subcommand and flag
"$server" --help >out 2>err; check "--help" 0 $?
for word in serve site program session shift person keys pass enrol-token device kiosk-setting attendance \
    --config --set --db --listen --tls-cert --tls-key --allow-plain-http --port-file --quiet; do
  contains "--help lists $word" out "$word"
done
"$server" site --help >out 2>err; check "site --help" 0 $?
contains "site --help" out "add"
contains "site --help" out "list"
"$server" program add --help >out 2>err; check "program add --help" 0 $?
for word in --name --discreet --anonymous --walk-ins --registration --checkout --feedback; do
  contains "program add --help lists $word" out "$word"
done
"$server" frobnicate >out 2>err; check "unknown subcommand" 2 $?

# configuration errors: exit 2, the key named
printf '[server]\nthreads = "many"\n' >bad.toml
"$server" site list --config bad.toml --db "$db" >out 2>err; check "bad value" 2 $?
contains "bad value names the key" err "server.threads"
contains "bad value names the line" err "bad.toml line 2"
printf '[server]\nlisten_port = 8080\n' >unknown.toml
"$server" --config unknown.toml site list >out 2>err; check "unknown key" 2 $?
contains "unknown key is named" err "server.listen_port"
printf '[server\nlisten = "127.0.0.1:1"\n' >broken.toml
"$server" --config broken.toml site list >out 2>err; check "TOML syntax error" 2 $?
contains "TOML syntax error names the file" err "broken.toml line 1"
printf '[server]\nlisten = "somewhere"\n' >listen.toml
"$server" --config listen.toml >out 2>err; check "bad listen address" 2 $?
contains "bad listen address" err "server.listen"
"$server" --set database.connections=0 site list >out 2>err; check "--set out of range" 2 $?
contains "--set out of range" err "database.connections"
"$server" --set nonsense site list >out 2>err; check "--set without =" 2 $?
contains "--set without =" err "section.key=value"
"$server" --tls-cert cert.pem site list --db "$db" >out 2>err; check "certificate without key" 2 $?
contains "certificate without key" err "server.tls_key"
"$server" --config missing.toml site list >out 2>err; check "missing config file" 2 $?

# the documented example is a valid configuration, key by key
example=$(cd "$(dirname "$0")/../../../deploy" && pwd)/server.example.toml
"$server" --config "$example" --db "$db" site list >out 2>err; check "deploy/server.example.toml loads" 0 $?
for key in url connections listen tls_cert tls_key allow_plain_http threads body_limit max_concurrent_uploads \
    retry_after_seconds max_connections max_connections_per_address trusted_proxies header_timeout_seconds \
    body_timeout_seconds max_header_bytes metrics_token public_url; do
  grep -q "^$key = " "$example"; check "example documents $key" 0 $?
done

# the front's keys say what is wrong with a bad value
"$server" --set server.trusted_proxies=127.0.0.1,proxy.example.org --db "$db" site list >out 2>err
check "a proxy that is not an IP address" 2 $?
contains "a proxy that is not an IP address" err "'proxy.example.org' is not an IP address"
"$server" --set server.metrics_token=short --db "$db" site list >out 2>err; check "a short metrics token" 2 $?
contains "a short metrics token" err "at least 16 characters"
"$server" --set server.max_header_bytes=100 --db "$db" site list >out 2>err; check "a tiny head limit" 2 $?

# a good file is accepted, and a flag wins over it
printf '[database]\nurl = "%s"\nconnections = 2\n\n[server]\nlisten = "127.0.0.1:0"\nthreads = 2\npublic_url = "https://checkin.example.org"\n' \
  "$tmp/from-config.db" >good.toml
"$server" --config good.toml site add "From config" >out 2>err; check "good config" 0 $?
[ -s "$tmp/from-config.db" ]; check "database.url from the file" 0 $?
"$server" --config good.toml --db "$db" site list >out 2>err; check "--db over the file" 0 $?
lacks "--db over the file" "From config" out

# the coordinator's commands, chained by the ids they print
site=$(cs site add "Northside Centre" -q 2>err); check "site add" 0 $?
[ "$(printf '%s\n' "$site" | wc -l)" = 1 ] && [ -n "$site" ]; check "site add prints one id" 0 $?
cs site list >out 2>err; check "site list" 0 $?
contains "site list" out "$site	Northside Centre"
program=$(cs program add --name "Tuesday peer support" --discreet --anonymous --registration roster --checkout --feedback 2>err)
check "program add" 0 $?
cs program list >out 2>err; check "program list" 0 $?
contains "program list" out "$program	Tuesday peer support	roster	true	true	false	true	true"
cs program add --name x --registration sometimes >out 2>err; check "bad --registration" 2 $?
session=$(cs session add --program "$program" --site "$site" --start 2026-11-26T18:00:00Z --end 2026-11-26T20:00:00Z \
  --room "Room 2" --capacity 12 2>err | head -n 1); check "session add" 0 $?
[ -n "$session" ]; check "session add prints the id" 0 $?
cs session add --program "$program" --site "$site" --start tomorrow --end 2026-11-26T20:00:00Z >out 2>err
check "session add with a bad time" 2 $?
contains "session add with a bad time" err "UTC"
cs session add --program no-such-program --site "$site" --start 2026-11-26T18:00:00Z --end 2026-11-26T20:00:00Z >out 2>err
check "session add for an unknown program" 1 $?
person=$(cs person add --name "Ana" --language es --register "$program" -q 2>err); check "person add" 0 $?
volunteer=$(cs person add --name "Jo" -q 2>err); check "person add (volunteer)" 0 $?
shift_id=$(cs shift add --site "$site" --role greeter --start 2026-11-26T17:30:00Z --end 2026-11-26T20:30:00Z \
  --assign "$volunteer" -q 2>err); check "shift add" 0 $?
[ -n "$shift_id" ]; check "shift add prints the id" 0 $?

key=$(cs keys new -q 2>err); check "keys new" 0 $?
cs keys list >out 2>err; check "keys list" 0 $?
contains "keys list" out "$key	"
sed -n "s/^$key\t\([0-9a-f]*\)\t.*/\1/p" out >signing.pub
[ "$(wc -c <signing.pub)" = 65 ]; check "keys list shows the public key" 0 $?

cs pass issue "$person" --expires 2030-01-31 --png pass.png --svg pass.svg >out 2>err; check "pass issue" 0 $?
pass_id=$(head -n 1 out)
text=$(sed -n 's/^text //p' out)
[[ $text == CK1:* ]]; check "pass issue prints the pass text" 0 $?
contains "pass expiry" out "expires 2030-02-01T00:00:00Z"
contains "svg written" pass.svg "<svg"
"$checkin" decode pass.png --public-key signing.pub >out 2>err; check "the kiosk's decoder reads the pass" 0 $?
[ "$(head -n 1 out)" = "$text" ]; check "decoded text is the issued text" 0 $?
contains "decoded pass is valid" out "verdict: valid pass $pass_id"
cs pass issue no-such-person --png other.png >out 2>err; check "pass for an unknown person" 1 $?
cs pass issue "$person" --expires 2001-01-01 >out 2>err; check "pass expiring in the past" 2 $?

# reissuing revokes the earlier pass; revoking by id
cs pass issue "$person" -q >out 2>err; check "reissue" 0 $?
second=$(cat out)
cs pass revoke "$second" >out 2>err; check "pass revoke" 0 $?
contains "pass revoke prints the id" out "$second"

cs enrol-token create --site "$site" --url http://127.0.0.1:8080 --png enrol.png >out 2>err; check "enrol-token create" 0 $?
code=$(head -n 1 out)
[[ $code == checkin-enrol:v1\?* ]]; check "enrolment code text" 0 $?
contains "enrolment code names the site" out "site $site"
"$checkin" decode enrol.png >out 2>err; check "enrolment QR decodes" 0 $?
[ "$(head -n 1 out)" = "$code" ]; check "enrolment QR holds the code" 0 $?
cs enrol-token create --site "$site" >out 2>err; check "enrol-token without a URL" 2 $?
contains "enrol-token without a URL" err "--url"
"$server" --config good.toml enrol-token create --site "$site" --db "$db" -q >out 2>err; check "URL from server.public_url" 0 $?
contains "URL from server.public_url" out "checkin.example.org"

cs device list >out 2>err; check "device list (none)" 0 $?
[ "$(wc -l <out)" = 1 ]; check "device list has only its header" 0 $?
cs device revoke no-such-device >out 2>err; check "revoke an unknown device" 1 $?
cs keys retire "$key" >out 2>err; check "keys retire" 0 $?
cs keys list >out 2>err
grep -q "^$key	.*	20[0-9-]*T[0-9:]*Z$" out; check "retired key shows when" 0 $?

# Kiosk settings set centrally: only what kiosks understand, with values they accept
cs kiosk-setting set volume 20 >out 2>err; check "kiosk-setting set" 0 $?
cs kiosk-setting set volume 101 >out 2>err; check "kiosk-setting volume out of range" 2 $?
contains "kiosk-setting bad value is explained" err "0 to 100"
cs kiosk-setting set colour blue >out 2>err; check "kiosk-setting unknown name" 2 $?
cs kiosk-setting set discreet_mode yes >out 2>err; check "kiosk-setting not a boolean" 2 $?
cs kiosk-setting set discreet_mode true >out 2>err; check "kiosk-setting discreet" 0 $?
cs kiosk-setting list >out 2>err; check "kiosk-setting list" 0 $?
contains "kiosk-setting list shows volume" out "$(printf 'volume\t20')"
contains "kiosk-setting list shows discreet" out "$(printf 'discreet_mode\ttrue')"
cs kiosk-setting clear volume >out 2>err; check "kiosk-setting clear" 0 $?
cs kiosk-setting list >out 2>err
lacks "kiosk-setting cleared" "volume" out

# A port another server already listens on is an error, not a shared port
"$server" --db "$db" --listen 127.0.0.1:0 --port-file port serve 2>first.log &
first=$!
for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
timeout 10 "$server" --db "$db" --listen "127.0.0.1:$(cat port)" serve >out 2>err; check "taken port" 1 $?
contains "taken port is explained" err "in use"
kill "$first"; wait "$first" 2>/dev/null

report
