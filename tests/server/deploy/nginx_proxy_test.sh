#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# deploy/server/nginx-checkin.conf for real: Debian's nginx on 127.0.0.1 runs the example,
# rendered for free ports and a throwaway self-signed certificate, in front of a real
# checkin-server (plain HTTP on 127.0.0.1, server.tls_pin_cert = the proxy's certificate).
# Checks the redirect to HTTPS, HSTS, no gzip, the body limit, an access log without query
# strings, the dashboard through the proxy (sign-in, an enrolment code that carries the
# proxy's URL and key), and a headless kiosk that enrols with that code and syncs a check-in
# through the proxy; a code without the pin is refused by the kiosk, since no CA vouches
# for the certificate.
set -uo pipefail
server=$1
kiosk=$2
nginx=${NGINX:-/usr/sbin/nginx}
here=$(cd "$(dirname "$0")" && pwd)
example=$here/../../../deploy/server/nginx-checkin.conf
source "$here/../../support/checks.sh"

for tool in "$nginx" curl openssl sqlite3; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (deploy/install-deps.sh installs it)"; exit 1; }
done

server_pid= nginx_pid=
stop_all() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap stop_all EXIT

# A port nothing listens on (nginx has no "port 0" with a port file), below the kernel's
# ephemeral range so that another test's outgoing or port-0 socket cannot take it meanwhile.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    case " $* " in *" $port "*) continue ;; esac
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
https_port=$(free_port)
http_port=$(free_port "$https_port")
proxy=https://127.0.0.1:$https_port

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$tmp/proxy.key" -out "$tmp/proxy.pem" 2>"$tmp/openssl.log"
check "a self-signed certificate for the proxy" 0 $?
pin=$(openssl x509 -in "$tmp/proxy.pem" -pubkey -noout | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1)

db=$tmp/server.db
cs() { "$server" --db "$db" --set "server.public_url=$proxy" --set "server.tls_pin_cert=$tmp/proxy.pem" "$@"; }
cs demo --dir "$tmp/demo" --url "$proxy" >"$tmp/demo.out" 2>"$tmp/demo.err"; check "checkin-server demo" 0 $?
printf 'correct horse battery staple\n' | cs account create admin --name "Site Admin" --role admin >/dev/null 2>&1
check "an admin account" 0 $?
"$server" --db "$db" --set "server.public_url=$proxy" --set "server.tls_pin_cert=$tmp/proxy.pem" \
  serve --listen 127.0.0.1:0 --port-file "$tmp/port" >/dev/null 2>"$tmp/server.log" &
server_pid=$!
for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
[ -s "$tmp/port" ]; check "checkin-server listens" 0 $?
contains "the server logs the pin it puts into enrolment codes" "$tmp/server.log" "$pin"

# The example as an administrator would edit it: ports, certificate, upstream, log path.
mkdir -p "$tmp/nginx"
sed -e "s|127.0.0.1:8080|127.0.0.1:$(cat "$tmp/port")|" \
    -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$http_port;|" \
    -e "s|^\( *\)listen 443 ssl http2;|\1listen 127.0.0.1:$https_port ssl http2;|" \
    -e '/listen \[::\]:/d' \
    -e "s|/etc/letsencrypt/live/checkin.example.org/fullchain.pem|$tmp/proxy.pem|" \
    -e "s|/etc/letsencrypt/live/checkin.example.org/privkey.pem|$tmp/proxy.key|" \
    -e "s|/var/log/nginx/checkin.access.log|$tmp/nginx/access.log|" \
    "$example" >"$tmp/nginx/checkin.conf"
for original in ":8080" "listen 80;" "listen 443" "/etc/letsencrypt" "/var/log/nginx"; do
  lacks "the rendered example has no '$original' left" "$original" "$tmp/nginx/checkin.conf"
done
# Debian's nginx.conf around it, trimmed to what matters here (gzip on, as Debian has it).
if [ "$(id -u)" = 0 ]; then
  user_line="user nobody nogroup;"
  chmod 711 "$tmp"  # the workers (nobody) reach their temp directories below
else
  user_line=
fi
cat >"$tmp/nginx/nginx.conf" <<CONF
$user_line
daemon off;
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log $tmp/nginx/other-access.log;
  gzip on;
  client_body_temp_path $tmp/nginx/body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  include $tmp/nginx/checkin.conf;
}
CONF
ngx=("$nginx" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf")
"${ngx[@]}" -t >"$tmp/nginx-t.log" 2>&1; check "nginx -t accepts the example" 0 $?
"${ngx[@]}" >/dev/null 2>>"$tmp/nginx/error.log" &
nginx_pid=$!
for _ in $(seq 200); do
  curl -s -o /dev/null "http://127.0.0.1:$http_port/" && break
  kill -0 "$nginx_pid" 2>/dev/null || break
  sleep 0.05
done
curl -s -o /dev/null "http://127.0.0.1:$http_port/"; check "nginx listens" 0 $?
[ "$failures" = 0 ] || { sed 's/^/    nginx: /' "$tmp/nginx/error.log"; }

# Plain HTTP answers only with the way to HTTPS.
curl -sS -o /dev/null -D "$tmp/redirect.h" "http://127.0.0.1:$http_port/sign-in?next=/people"
contains "HTTP is redirected" "$tmp/redirect.h" "301"
contains "to the same path over HTTPS" "$tmp/redirect.h" "Location: https://127.0.0.1/sign-in?next=/people"

tls() { curl -sS --cacert "$tmp/proxy.pem" -b "$tmp/jar" -c "$tmp/jar" "$@"; }
status=$(tls -o "$tmp/health" -D "$tmp/health.h" -w '%{http_code}' "$proxy/healthz"); check "/healthz through the proxy" 200 "$status"
contains "HSTS" "$tmp/health.h" "strict-transport-security: max-age=31536000"
lacks "no server version" "nginx/" "$tmp/health.h"
status=$(tls -o /dev/null -w '%{http_code}' "$proxy/metrics"); check "/metrics is not served through the proxy" 404 "$status"
tls -o /dev/null -D "$tmp/api.h" -H 'Accept-Encoding: gzip' "$proxy/api/v1/devices/nobody/changes"
contains "the API is still compressed for kiosks that ask" "$tmp/api.h" "content-encoding: gzip"

# The dashboard: sign in through the proxy, with cookies marked Secure (public_url is https).
status=$(tls -o "$tmp/signin.html" -D "$tmp/signin.h" -H 'Accept-Encoding: gzip' -w '%{http_code}' "$proxy/sign-in")
check "the sign-in page" 200 "$status"
contains "the sign-in page is the dashboard's" "$tmp/signin.html" "Sign in"
lacks "dashboard pages are not compressed (BREACH)" "content-encoding" "$tmp/signin.h"
contains "cookies are Secure" "$tmp/signin.h" "; Secure"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$tmp/signin.html" | head -n 1)
status=$(tls -o /dev/null -D "$tmp/post.h" -w '%{http_code}' \
  --data-urlencode "csrf=$csrf" --data-urlencode username=admin --data-urlencode 'password=correct horse battery staple' \
  --data-urlencode next=/kiosks "$proxy/sign-in")
check "signing in" 303 "$status"
status=$(tls -o "$tmp/kiosks.html" -w '%{http_code}' "$proxy/kiosks"); check "a signed-in page" 200 "$status"
contains "the kiosks page" "$tmp/kiosks.html" "Enrol a kiosk"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$tmp/kiosks.html" | head -n 1)
status=$(tls -o "$tmp/enrol.html" -w '%{http_code}' --data-urlencode "csrf=$csrf" --data-urlencode site_id=site-riverside \
  "$proxy/kiosks/enrol")
check "the dashboard makes an enrolment code" 200 "$status"
sed -n 's/.*id="enrolment-code">\([^<]*\)<.*/\1/p' "$tmp/enrol.html" | sed 's/&amp;/\&/g' >"$tmp/enrol.txt"
contains "the code names the proxy's URL" "$tmp/enrol.txt" "$(printf '%s' "$proxy" | sed 's/:/%3A/g; s|/|%2F|g')"
contains "the code pins the proxy's key" "$tmp/enrol.txt" "$pin"

# Searches name people: nginx's log keeps the path only.
tls -o /dev/null "$proxy/people?q=Zebedee"
contains "the access log has the request" "$tmp/nginx/access.log" "GET /people "
lacks "but not the name searched for" "Zebedee" "$tmp/nginx/access.log" "$tmp/nginx/other-access.log"

# A body over server.body_limit stops at the proxy.
head -c 4194305 /dev/zero >"$tmp/big"
status=$(tls -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$tmp/big" "$proxy/api/v1/enrol")
check "a body over 4 MiB is refused" 413 "$status"

# A kiosk enrolled with the dashboard's code syncs a check-in through the proxy.
printf 'wait-sync 30s\nscan %s\ntap dismiss\nwait-sync 30s\n' "$(cat "$tmp/demo/passes/ben.txt")" >"$tmp/day.script"
mkdir -p "$tmp/kiosk"
"$kiosk" --headless --enrol "@$tmp/enrol.txt" --script "$tmp/day.script" --screenshots "$tmp/shots" \
  --set "kiosk.database=$tmp/kiosk/kiosk.db" >"$tmp/kiosk.log" 2>&1
check "the kiosk enrols, checks Ben in and syncs through the proxy" 0 $?
waiting=$(sqlite3 -readonly "$tmp/kiosk/kiosk.db" "SELECT count(*) FROM outbox WHERE state <> 'uploaded'" 2>&1)
check "the kiosk's outbox is empty" 0 "$waiting"
cs attendance list >"$tmp/attendance" 2>&1
grep -q "^sess-lunch	.*	1$" "$tmp/attendance"; check "the server counts Ben at the lunch" 0 $?
cs device list >"$tmp/devices" 2>&1
[ "$(wc -l <"$tmp/devices")" = 2 ]; check "the server knows the kiosk" 0 $?
grep -q "POST /api/v1/devices/" "$tmp/nginx/access.log"; check "the upload went through nginx" 0 $?

# Without the pin, the kiosk checks the certificate against its CAs and refuses it.
"$server" --db "$db" -q enrol-token create --site site-riverside --url "$proxy" >"$tmp/unpinned.txt" 2>"$tmp/unpinned.err"
check "an enrolment code without server.tls_pin_cert" 0 $?
lacks "has no pin" "$pin" "$tmp/unpinned.txt"
mkdir -p "$tmp/kiosk2"
"$kiosk" --headless --enrol "@$tmp/unpinned.txt" --script "$tmp/day.script" --screenshots "$tmp/shots2" \
  --set "kiosk.database=$tmp/kiosk2/kiosk.db" >"$tmp/kiosk2.log" 2>&1
check "a kiosk refuses the self-signed proxy without the pin" 2 $?
contains "saying why" "$tmp/kiosk2.log" "certificate"

# Without a proxy, the server's own certificate is the one pinned.
"$server" --db "$db" --tls-cert "$tmp/proxy.pem" --tls-key "$tmp/proxy.key" -q enrol-token create --site site-riverside \
  --url "$proxy" >"$tmp/own.txt" 2>"$tmp/own.err"
check "an enrolment code with the server's own certificate" 0 $?
contains "pins that certificate" "$tmp/own.txt" "sha256=$pin"

# A missing pin certificate is a clear error, not a code without a pin.
cs --set "server.tls_pin_cert=$tmp/missing.pem" enrol-token create --site site-riverside >"$tmp/out" 2>"$tmp/err"
check "enrol-token with a missing server.tls_pin_cert fails" 1 $?
contains "naming the key" "$tmp/err" "server.tls_pin_cert"

report
