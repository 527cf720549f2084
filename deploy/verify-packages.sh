#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Checks the Debian packages of one release the way a coordinator and a volunteer would
# meet them: builds checkin-server and checkin-kiosk for that release (deploy/package.sh),
# installs both into a brand-new root of it made with debootstrap (a chroot: no systemd runs
# there, so the services are started as their units say, by hand), then checks
#   - the files, the conffiles, the system users and their groups, the data folders and
#     the configurations' permissions; `systemd-analyze verify` of both units;
#   - the server started as its unit starts it, and a headless kiosk, run as its own user
#     with the packaged configuration, enrolled with it and syncing check-ins to it;
#   - an upgrade, a removal, a purge and a reinstall: configuration edits and every record
#     kept throughout;
#   - that nothing it started is left running in the root when it ends.
# Needs root (debootstrap, chroot, mounts). The Debian base is made once and reused.
# Usage: sudo ./deploy/verify-packages.sh [bookworm|trixie]   (default: this machine's release;
#        work folder: /var/tmp/checkin-verify/RELEASE)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=release-root.sh
. "$root/deploy/release-root.sh"
release=${1:-$(host_release)}
release_check "$release"
work=${CHECKIN_VERIFY_DIR:-/var/tmp/checkin-verify}/$release
target=$work/root

[ "$(id -u)" -eq 0 ] || { echo "verify-packages: needs root (debootstrap and chroot): sudo $0 $release" >&2; exit 1; }
mkdir -p "$work"

echo "== Building the packages for $release =="
"$root/deploy/package.sh" "$release"
if [ "$release" = "$(host_release)" ]; then packages=$root/build/packages; else packages=$root/build-$release/packages; fi
debs=("$packages"/*.deb)

# An upgrade needs a newer version: the same packages, renumbered.
version=$(dpkg-deb -f "${debs[0]}" Version)
rm -rf "$work/upgrade" && mkdir -p "$work/upgrade"
for deb in "${debs[@]}"; do
  unpacked=$work/upgrade/unpacked
  rm -rf "$unpacked" && dpkg-deb -R "$deb" "$unpacked"
  sed -i "s/^Version: .*/Version: $version+1/" "$unpacked/DEBIAN/control"
  dpkg-deb -b -Zgzip "$unpacked" "$work/upgrade/" >/dev/null
done
rm -rf "$work/upgrade/unpacked"

echo "== A fresh Debian $(release_number "$release") ($release) root =="
release_fresh_root "$release" "$target"
release_mount "$target"

server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; fi
  # Whatever else was started in the root and is still there (only this script uses it).
  release_stop_processes "$target"
  release_unmount "$target"
}
trap cleanup EXIT

root_command=(chroot "$target" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8)
in_root() { "${root_command[@]}" "$@"; }
as_user() { local user=$1; shift; in_root setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"; }

failures=0
check() {  # check "what" command...: prints ok or FAILED with the command's output
  local what=$1; shift
  local output
  if output=$("$@" 2>&1); then
    echo "  ok      $what"
  else
    echo "  FAILED  $what"
    [ -n "$output" ] && echo "$output" | sed 's/^/          /' | head -n 20
    failures=$((failures + 1))
  fi
}
same() { [ "$1" = "$2" ] || { echo "expected '$2', got '$1'"; return 1; }; }

mkdir -p "$target/tmp/debs" "$target/tmp/upgrade"
cp "${debs[@]}" "$target/tmp/debs/"
cp "$work"/upgrade/*.deb "$target/tmp/upgrade/"
apt_install() {
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$work/apt.log" 2>&1 || {
    echo "apt could not install $*; the end of $work/apt.log:" >&2
    tail -n 30 "$work/apt.log" >&2
    exit 1
  }
}
# The packages' paths inside the root (no shell there to expand a pattern).
first_install=() upgrade=()
for deb in "$target"/tmp/debs/*.deb; do first_install+=("/tmp/debs/${deb##*/}"); done
for deb in "$target"/tmp/upgrade/*.deb; do upgrade+=("/tmp/upgrade/${deb##*/}"); done

echo "== Installing both packages with apt (their declared dependencies come from Debian) =="
in_root apt-get update -q >"$work/apt.log" 2>&1
apt_install "${first_install[@]}"

echo "== Files, users, permissions and units =="
for f in /usr/bin/checkin-server /usr/bin/checkin-kiosk /usr/bin/checkin /usr/sbin/checkin-kiosk-set-pin \
         /usr/share/checkin/assets/i18n/en.toml /lib/systemd/system/checkin-server.service \
         /lib/systemd/system/checkin-kiosk.service /usr/share/doc/checkin-server/README.md \
         /usr/share/doc/checkin-kiosk/kiosk.example.toml; do
  check "$f installed" test -e "$target$f"
done
check "/etc/checkin/server.toml is a conffile" bash -c "chroot '$target' dpkg-query -W -f='\${Conffiles}' checkin-server | grep -q /etc/checkin/server.toml"
check "/etc/checkin/kiosk.toml is a conffile" bash -c "chroot '$target' dpkg-query -W -f='\${Conffiles}' checkin-kiosk | grep -q /etc/checkin/kiosk.toml"
for user in checkin-server checkin-kiosk; do
  check "system user $user (no login shell)" bash -c \
    "entry=\$(chroot '$target' getent passwd $user) && uid=\$(echo \"\$entry\" | cut -d: -f3) && [ \"\$uid\" -lt 1000 ] && echo \"\$entry\" | grep -q ':/usr/sbin/nologin$'"
  check "/var/lib/$user belongs to $user, mode 750" same "$(in_root stat -c '%U:%G %a' /var/lib/$user)" "$user:$user 750"
done
check "checkin-kiosk may use video, render, input and audio only" same \
  "$(in_root id -Gn checkin-kiosk | tr ' ' '\n' | sort | xargs)" "audio checkin-kiosk input render video"
check "/etc/checkin/server.toml readable by root and checkin-server only" same \
  "$(in_root stat -c '%U:%G %a' /etc/checkin/server.toml)" "root:checkin-server 640"
check "/etc/checkin/kiosk.toml readable by root and checkin-kiosk only" same \
  "$(in_root stat -c '%U:%G %a' /etc/checkin/kiosk.toml)" "root:checkin-kiosk 640"
check "systemd-analyze verify of the units" in_root systemd-analyze verify --man=no \
  /lib/systemd/system/checkin-server.service /lib/systemd/system/checkin-kiosk.service \
  /lib/systemd/system/checkin-server-backup.service /lib/systemd/system/checkin-server-backup.timer
check "checkin-server.service enabled" in_root systemctl is-enabled --quiet checkin-server.service
check "checkin-server-backup.timer enabled (a backup every night)" in_root systemctl is-enabled --quiet checkin-server-backup.timer
check "/var/backups/checkin-server belongs to checkin-server, mode 700" same \
  "$(in_root stat -c '%U:%G %a' /var/backups/checkin-server)" "checkin-server:checkin-server 700"
check "checkin-kiosk.service enabled (the device boots into the kiosk)" in_root systemctl is-enabled --quiet checkin-kiosk.service

echo "== The server, started as its unit starts it =="
port=18470
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
url="http://127.0.0.1:$port"
# The coordinator's edit of the packaged configuration: where to listen, the kiosks' URL.
edit_server_config() {
  sed -i "s|^listen = .*|listen = \"127.0.0.1:$port\"|; s|^public_url = .*|public_url = \"$url\"|" \
    "$target/etc/checkin/server.toml"
}
edit_server_config
unit_value() { sed -n "s/^$2=//p" "$target/lib/systemd/system/$1" | head -n 1; }
read -r -a server_command <<<"$(unit_value checkin-server.service ExecStart)"
server_user=$(unit_value checkin-server.service User)
start_server() {
  # Not through a shell function: $! must be the server itself (chroot, env and setpriv
  # each exec the next), or stopping it would stop a subshell and leave the server running.
  "${root_command[@]}" setpriv --reuid="$server_user" --regid="$server_user" --init-groups -- \
    "${server_command[@]}" 2>>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "checkin-server did not start; the end of $work/server.log:" >&2
  tail -n 20 "$work/server.log" >&2
  exit 1
}
stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=; }
: >"$work/server.log"
start_server
echo "  serving at $url as $server_user: ${server_command[*]}"
server_cli=(as_user checkin-server checkin-server --config /etc/checkin/server.toml)
"${server_cli[@]}" demo --dir /var/lib/checkin-server/demo --url "$url" >"$work/demo.log" 2>&1
check "the database is the packaged default, /var/lib/checkin-server/server.db" test -s "$target/var/lib/checkin-server/server.db"

echo "== The kiosk: staff PIN, enrolment, check-ins synced =="
printf '2468\n2468\n' | in_root checkin-kiosk-set-pin >/dev/null
check "checkin-kiosk-set-pin wrote the PIN's hash" grep -q '^admin_pin_hash = "\$argon2id' "$target/etc/checkin/kiosk.toml"
check "... and the configuration kept its owner and mode" same \
  "$(in_root stat -c '%U:%G %a' /etc/checkin/kiosk.toml)" "root:checkin-kiosk 640"
install -d -o "$(stat -c %u "$target/var/lib/checkin-kiosk")" "$target/var/lib/checkin-kiosk/camera"
cp "$target"/var/lib/checkin-server/demo/camera/* "$target/var/lib/checkin-kiosk/camera/"
cp "$target/var/lib/checkin-server/demo/enrol.txt" "$target/var/lib/checkin-kiosk/enrol.txt"
chroot "$target" chown -R checkin-kiosk: /var/lib/checkin-kiosk/camera /var/lib/checkin-kiosk/enrol.txt
kiosk_status=0
as_user checkin-kiosk checkin-kiosk --config /etc/checkin/kiosk.toml --headless --run-for 40 \
  --enrol @/var/lib/checkin-kiosk/enrol.txt --set camera.source=replay \
  --set camera.replay_path=/var/lib/checkin-kiosk/camera --set sync.interval_seconds=5 \
  --screenshots /var/lib/checkin-kiosk/screens 2>"$work/kiosk.log" || kiosk_status=$?
check "the headless kiosk ran as checkin-kiosk and stopped cleanly" same "$kiosk_status" 0
rm -rf "$work/screens" && cp -r "$target/var/lib/checkin-kiosk/screens" "$work/screens"
check "it drew its screens with the packaged fonts and translations ($work/screens)" \
  bash -c "ls '$work/screens' | grep -q 'result-checked_in.png'"
check "the kiosk's database is the packaged default, /var/lib/checkin-kiosk/kiosk.db" \
  test -s "$target/var/lib/checkin-kiosk/kiosk.db"
check "the kiosk enrolled with the server" grep -q "sync: enrolled" "$work/kiosk.log"
attendance=$("${server_cli[@]}" attendance list 2>/dev/null)
echo "$attendance" | sed 's/^/  server: /'
checked_in() { "${server_cli[@]}" attendance list 2>/dev/null | awk 'NR > 1 { n += $NF } END { print n + 0 }'; }
people=$(checked_in)
check "check-ins from the kiosk reached the server ($people)" test "$people" -gt 0
devices=$("${server_cli[@]}" device list 2>&1)
check "the server lists the kiosk with its last sync" grep -q "site-riverside" <<<"$(tail -n +2 <<<"$devices")"

echo "== The nightly backup, run as its unit runs it =="
backup_command=$(unit_value checkin-server-backup.service ExecStart)
for name in KEEP DATABASE; do  # the unit's Environment= values, as systemd substitutes them
  value=$(unit_value checkin-server-backup.service "Environment=$name")
  backup_command=${backup_command//\$\{$name\}/$value}
done
read -r -a backup_command <<<"$backup_command"
check "checkin-server-backup copies the live database" as_user checkin-server "${backup_command[@]}"
check "... into /var/backups/checkin-server" bash -c "ls '$target/var/backups/checkin-server/' | grep -q ."

echo "== Upgrade to $version+1: configuration and data kept =="
stop_server
server_db_before=$(sha256sum <"$target/var/lib/checkin-server/server.db")
kiosk_db_before=$(sha256sum <"$target/var/lib/checkin-kiosk/kiosk.db")
apt_install "${upgrade[@]}"
check "both packages now at $version+1" same \
  "$(in_root dpkg-query -W -f='${Version} ' checkin-server checkin-kiosk)" "$version+1 $version+1 "
check "the server's configuration edit survived the upgrade" grep -q "^listen = \"127.0.0.1:$port\"" "$target/etc/checkin/server.toml"
check "the staff PIN survived the upgrade" grep -q '^admin_pin_hash = "\$argon2id' "$target/etc/checkin/kiosk.toml"
check "the server's database untouched by the upgrade" same "$(sha256sum <"$target/var/lib/checkin-server/server.db")" "$server_db_before"
check "the kiosk's database untouched by the upgrade" same "$(sha256sum <"$target/var/lib/checkin-kiosk/kiosk.db")" "$kiosk_db_before"
start_server
check "the upgraded server serves the same attendance" same "$(checked_in)" "$people"
stop_server
# Reading the attendance was recorded in the audit trail: the database as the removal finds it.
server_db_before=$(sha256sum <"$target/var/lib/checkin-server/server.db")

echo "== Removal, purge and reinstall: every record kept =="
in_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q checkin-server checkin-kiosk >>"$work/apt.log" 2>&1
check "removed: the programs are gone" test ! -e "$target/usr/bin/checkin-server" -a ! -e "$target/usr/bin/checkin-kiosk"
check "removed: the configuration stays (conffiles)" test -f "$target/etc/checkin/server.toml" -a -f "$target/etc/checkin/kiosk.toml"
check "removed: the server's database stays" same "$(sha256sum <"$target/var/lib/checkin-server/server.db")" "$server_db_before"
check "removed: the kiosk's database stays" same "$(sha256sum <"$target/var/lib/checkin-kiosk/kiosk.db")" "$kiosk_db_before"
purge_output=$(in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q checkin-server checkin-kiosk 2>&1)
echo "$purge_output" >>"$work/apt.log"
check "purged: the configuration is gone" test ! -e "$target/etc/checkin/server.toml" -a ! -e "$target/etc/checkin/kiosk.toml"
check "purged: the server's database stays" same "$(sha256sum <"$target/var/lib/checkin-server/server.db")" "$server_db_before"
check "purged: the kiosk's database stays" same "$(sha256sum <"$target/var/lib/checkin-kiosk/kiosk.db")" "$kiosk_db_before"
check "purged: apt says where the kept data is" grep -q "attendance data in /var/lib/checkin-server was kept" <<<"$purge_output"
apt_install "${upgrade[@]}"
edit_server_config
check "reinstalled: the same system users" in_root getent passwd checkin-server checkin-kiosk
start_server
check "reinstalled: the server serves every earlier check-in" same "$(checked_in)" "$people"
stop_server

echo "== Nothing left running =="
check "no process started in the root is still running" same "$(release_processes "$target")" ""

echo
if [ "$failures" -eq 0 ]; then
  echo "verify-packages: all checks passed (logs in $work)"
else
  echo "verify-packages: $failures check(s) FAILED (logs in $work)" >&2
  exit 1
fi
