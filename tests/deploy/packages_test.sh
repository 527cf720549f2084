#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The Debian packages as built from this tree (CPack): names, architecture, declared
# dependencies, files, conffiles, maintainer scripts that never delete data, and both
# systemd units verified against the packaged programs. Installing them into a real
# Debian root is deploy/verify-packages.sh (needs root and minutes, so not in this suite).
set -uo pipefail
build=$1
source "$(dirname "$0")/../support/checks.sh"
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
arch=$(dpkg --print-architecture)
# The packages are for the release they are built on: its library packages, its unit folder.
release=$(. /etc/os-release && echo "${VERSION_ID%%.*}")
if [ "$release" -le 12 ]; then
  fmt=libfmt9 server_libraries=(libpqxx-6.4 libmicrohttpd12 libssl3) unit_dir=/lib/systemd/system
else
  fmt=libfmt10 server_libraries=(libpqxx-7.10 libmicrohttpd12t64 libssl3t64) unit_dir=/usr/lib/systemd/system
fi

(cd "$build" && cpack -G DEB -B "$tmp/packages") >"$tmp/cpack.log" 2>&1; check "cpack builds the packages" 0 $?
kiosk_deb=$(ls "$tmp"/packages/checkin-kiosk_*_"$arch".deb 2>/dev/null)
server_deb=$(ls "$tmp"/packages/checkin-server_*_"$arch".deb 2>/dev/null)
[ -f "$kiosk_deb" ] && [ -f "$server_deb" ]; check "checkin-kiosk and checkin-server .debs for $arch" 0 $?
[ -f "$kiosk_deb" ] && [ -f "$server_deb" ] || { cat "$tmp/cpack.log"; report; exit 1; }

field() { dpkg-deb -f "$1" "$2"; }
for deb in "$kiosk_deb" "$server_deb"; do
  name=$(field "$deb" Package)
  dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/$name.files"
  field "$deb" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' >"$tmp/$name.depends"
  [ "$(field "$deb" Architecture)" = "$arch" ]; check "$name: Architecture $arch" 0 $?
  [[ "$(field "$deb" Version)" == *"~deb${release}u1" ]]; check "$name: the version names Debian $release (~deb${release}u1)" 0 $?
  for needed in adduser init-system-helpers libc6 libsqlite3-0 libsodium23 "$fmt" libsystemd0; do
    contains "$name depends on $needed" "$tmp/$name.depends" "$needed"
  done
  lacks "$name ships no data folder (data is made by postinst, kept by dpkg)" /var/lib/ "$tmp/$name.files"
  lacks "$name installs nothing under /usr/local" /usr/local/ "$tmp/$name.files"

  mkdir -p "$tmp/$name/control"
  dpkg-deb -e "$deb" "$tmp/$name/control"
  [ "$(cat "$tmp/$name/control/conffiles")" = "/etc/checkin/${name#checkin-}.toml" ]
  check "$name: its configuration is its one conffile" 0 $?
  for script in postinst prerm postrm; do
    [ -x "$tmp/$name/control/$script" ] && sh -n "$tmp/$name/control/$script"
    check "$name: $script present, executable and valid sh" 0 $?
  done
  # Never losing a record: no maintainer script removes the data folder or the user.
  lacks "$name: no maintainer script deletes data" "rm -r" "$tmp/$name"/control/p*
  lacks "$name: no maintainer script deletes the user" "deluser" "$tmp/$name"/control/p*
  contains "$name: postrm says the data was kept on purge" "$tmp/$name/control/postrm" "was kept"

  dpkg-deb -x "$deb" "$tmp/root"
done

for f in /usr/bin/checkin-kiosk /usr/bin/checkin /usr/sbin/checkin-kiosk-set-pin /usr/share/checkin/assets/i18n/en.toml \
         /usr/sbin/checkin-kiosk-screen-always-on /usr/sbin/checkin-kiosk-read-only-root /usr/sbin/checkin-kiosk-encrypt-data \
         /etc/checkin/kiosk.toml "$unit_dir/checkin-kiosk.service" /usr/share/doc/checkin-kiosk/copyright \
         /usr/share/doc/checkin-kiosk/kiosk/POWER-AND-PRIVACY.md; do
  contains "checkin-kiosk ships $f" "$tmp/checkin-kiosk.files" "$f"
done
for f in /usr/bin/checkin-server /usr/bin/checkin-server-backup /etc/checkin/server.toml \
         "$unit_dir/checkin-server.service" "$unit_dir/checkin-server-backup.service" \
         "$unit_dir/checkin-server-backup.timer" /usr/share/doc/checkin-server/README.md \
         /usr/share/doc/checkin-server/server/README.md /usr/share/doc/checkin-server/server/nginx-checkin.conf; do
  contains "checkin-server ships $f" "$tmp/checkin-server.files" "$f"
done
for dep in systemd udev libsdl2-2.0-0 libegl1 libgles2 libgl1-mesa-dri fonts-dejavu-core; do
  contains "checkin-kiosk depends on $dep" "$tmp/checkin-kiosk.depends" "$dep"
done
for dep in "${server_libraries[@]}" tzdata sqlite3; do
  contains "checkin-server depends on $dep" "$tmp/checkin-server.depends" "$dep"
done

# The configuration in /etc is the documented example, every key at its default.
cmp -s "$tmp/root/etc/checkin/kiosk.toml" "$source_dir/deploy/kiosk.example.toml"; check "/etc/checkin/kiosk.toml is the example" 0 $?
cmp -s "$tmp/root/etc/checkin/server.toml" "$source_dir/deploy/server.example.toml"; check "/etc/checkin/server.toml is the example" 0 $?

# The packaged programs start (their libraries resolve) and find their assets.
"$tmp/root/usr/bin/checkin-server" --help >"$tmp/out" 2>&1; check "packaged checkin-server runs" 0 $?
"$tmp/root/usr/bin/checkin-kiosk" --help >"$tmp/out" 2>&1; check "packaged checkin-kiosk runs" 0 $?

# The units, pointed at the packaged programs (no real /usr/bin here), pass systemd's checks.
mkdir -p "$tmp/units"
units=(checkin-kiosk.service checkin-server.service checkin-server-backup.service checkin-server-backup.timer)
for unit in "${units[@]}"; do
  sed "s|/usr/bin/checkin|$tmp/root/usr/bin/checkin|g" "$tmp/root$unit_dir/$unit" >"$tmp/units/$unit"
done
(cd "$tmp/units" && systemd-analyze verify --man=no "${units[@]}") >"$tmp/verify" 2>&1
check "systemd-analyze verify of the units" 0 $?
[ -s "$tmp/verify" ] && sed 's/^/    /' "$tmp/verify"
for unit in checkin-kiosk checkin-server; do
  contains "$unit: Type=notify (ready when it is)" "$tmp/units/$unit.service" "Type=notify"
  contains "$unit: watchdog" "$tmp/units/$unit.service" "WatchdogSec="
  contains "$unit: its own unprivileged user" "$tmp/units/$unit.service" "User=$unit"
  contains "$unit: NoNewPrivileges" "$tmp/units/$unit.service" "NoNewPrivileges=yes"
  contains "$unit: ProtectSystem=strict" "$tmp/units/$unit.service" "ProtectSystem=strict"
  contains "$unit: state directory" "$tmp/units/$unit.service" "StateDirectory=$unit"
done
contains "kiosk restarts whenever it stops" "$tmp/units/checkin-kiosk.service" "Restart=always"
contains "kiosk draws through KMS/DRM" "$tmp/units/checkin-kiosk.service" "SDL_VIDEODRIVER=kmsdrm"

report
