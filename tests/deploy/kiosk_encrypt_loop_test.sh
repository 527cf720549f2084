#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# deploy/kiosk/encrypt-data-partition.sh and read-only-root.sh for real, on loop devices.
# Needs root, losetup, cryptsetup, e2fsprogs and sqlite3, and for the tang part clevis,
# clevis-luks, tang and socat; takes a minute or two (LUKS's key derivation is slow on
# purpose), so it is not part of CTest: run it by hand, `sudo bash kiosk_encrypt_loop_test.sh`.
#
# - A kiosk that crashed mid-write (kiosk.db with its -wal and -shm) moves onto a drive
#   encrypted with a key file: same bytes, owners and modes, integrity-checked; crypttab and
#   fstab lines that systemd's own generators turn into the expected units; the old
#   directory kept as a dated backup; the directory under the mount point closed to all.
#   The recovery passphrase and the key file open the drive; a wrong passphrase does not.
# - Refusals, each leaving the data directory as it was: a wrong confirmation, a process
#   holding the database, a database failing its integrity check, a drive already
#   encrypted, a mounted drive, a kiosk unit that does not require the mount.
# - After a "new SD card": --attach with the recovery passphrase replaces the key file
#   (the old one no longer opens the drive) and gives the files to the new kiosk user.
# - Bound to a real tang server (tangd behind socat): the drive opens through tang and not
#   with the server down; a wrong thumbprint is refused; --attach works only with the
#   server up.
# - read-only-root.sh: enable refuses while the data directory is not its own mount and
#   goes ahead once it is; overlayroot's own fstab rewrite keeps that mount on the drive
#   with recurse=0 (and would put it in RAM with its default).
#
# Stand-ins, where this machine lacks the real thing: systemctl (records calls; the kiosk
# unit "runs"), raspi-config (edits cmdline.txt as raspi-config's do_overlayfs does), and,
# when the kernel has no device-mapper (containers), cryptsetup's open/close: the real
# cryptsetup checks the key, then the "opened" drive is a spare loop device.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scripts=$here/../../deploy/kiosk
# shellcheck source-path=SCRIPTDIR source=../support/checks.sh
source "$here/../support/checks.sh"
[ "$(id -u)" = 0 ] || { echo "skipped: needs root (loop devices, mounts, cryptsetup)"; exit 0; }
chmod 0755 "$tmp"  # the kiosk users below write their databases in here
for tool in losetup cryptsetup mkfs.ext4 sqlite3 findmnt; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 0; }
done

encrypt=$scripts/encrypt-data-partition.sh
readonly_root=$scripts/read-only-root.sh
mapper=/dev/mapper/checkin-data
out=$tmp/out
loops=() pids=() mounts=()
cleanup() {
  local m l p
  for m in "${mounts[@]}"; do umount -q "$m" 2>/dev/null; done
  if [ -L "$mapper" ]; then rm -f "$mapper"; elif [ -e "$mapper" ]; then cryptsetup close checkin-data; fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT

new_loop() {  # new_loop NAME SIZE: sets $loop to a new loop device on a sparse file
  truncate -s "$2" "$tmp/$1.img"
  loop=$(losetup --find --show "$tmp/$1.img") || { echo "cannot make loop devices here"; exit 1; }
  loops+=("$loop")
}

# --- stand-ins ----------------------------------------------------------------------------
mkdir -p "$tmp/bin" "$tmp/systemd" "$tmp/spares"
export FAKE_SYSTEMD=$tmp/systemd
cat >"$tmp/bin/systemctl" <<'EOF'
#!/bin/bash
echo "systemctl $*" >>"$FAKE_SYSTEMD/calls"
case $1 in
  is-active) [ -e "$FAKE_SYSTEMD/active" ] ;;
  stop) rm -f "$FAKE_SYSTEMD/active" ;;
  start) touch "$FAKE_SYSTEMD/active" ;;
  show) cat "$FAKE_SYSTEMD/requires-mounts-for" ;;
esac
EOF
cat >"$tmp/bin/raspi-config" <<'EOF'
#!/bin/bash
echo "raspi-config $*" >>"$FAKE_SYSTEMD/calls"
cmdline=$CHECKIN_KIOSK_BOOT_DIR/cmdline.txt
case "$*" in
  "nonint do_overlayfs 0") grep -q overlayroot= "$cmdline" || sed -i "$cmdline" -e "s/^/overlayroot=tmpfs /" ;;
  "nonint do_overlayfs 1") sed -i "$cmdline" -e "s/\(.*\)overlayroot=tmpfs \(.*\)/\1\2/" ;;
  *) exit 1 ;;
esac
EOF
if grep -qw device-mapper /proc/misc; then
  dm=real
  echo "device-mapper: real"
else
  dm=''
  echo "device-mapper: not in this kernel; cryptsetup open maps the drive to a spare loop device"
  cat >"$tmp/bin/cryptsetup" <<EOF
#!/bin/bash
real=$(command -v cryptsetup)
case \$1 in
  open)
    [[ " \$* " != *" --test-passphrase "* ]] || exec "\$real" "\$@"
    shift; args=("\$@"); name=\${args[-1]}; device=\${args[-2]}; unset 'args[-1]'
    "\$real" open --test-passphrase "\${args[@]}" || exit
    spare=\$(cat "$tmp/spares/\$(basename "\$(readlink -f "\$device")")")
    mkdir -p /dev/mapper && ln -sfn "\$spare" "/dev/mapper/\$name" ;;
  close) rm -f "/dev/mapper/\$2" ;;
  *) exec "\$real" "\$@" ;;
esac
EOF
fi
chmod +x "$tmp/bin"/*
export PATH=$tmp/bin:$PATH

drive() {  # drive NAME: sets $loop to a 200 MiB drive (with a spare where open is a stand-in)
  new_loop "$1" 200M
  local drive=$loop
  if [ -z "$dm" ]; then
    new_loop "$1-spare" 200M
    echo "$loop" >"$tmp/spares/${drive##*/}"
  fi
  loop=$drive
}
close_drive() {  # unmounts the data directory and closes the drive, as a reboot would
  umount -q "$1" 2>/dev/null
  if [ -L "$mapper" ]; then rm -f "$mapper"; elif [ -e "$mapper" ]; then cryptsetup close checkin-data; fi
}

# A kiosk: its data directory and its /etc. The database is left as a crash leaves it.
new_kiosk() {  # new_kiosk NAME UID
  local root=$tmp/$1
  mkdir -p "$root/etc" "$root/data"
  chown "$2:$2" "$root/data"
  chmod 0750 "$root/data"
  printf 'proc /proc proc defaults 0 0\n' >"$root/etc/fstab"
  export CHECKIN_KIOSK_DATA_DIR=$root/data CHECKIN_KIOSK_ETC_DIR=$root/etc
  echo "$root/data /" >"$FAKE_SYSTEMD/requires-mounts-for"
  touch "$FAKE_SYSTEMD/active"
  : >"$FAKE_SYSTEMD/calls"
}
crashed_database() {  # crashed_database FILE UID: two check-ins left in the WAL, writer killed
  mkfifo "$tmp/sql"
  setpriv --reuid="$2" --regid="$2" --clear-groups sqlite3 "$1" <"$tmp/sql" >/dev/null &
  local writer=$!
  exec 3>"$tmp/sql"
  echo "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
        CREATE TABLE events(id INTEGER PRIMARY KEY, kind TEXT);
        INSERT INTO events(kind) VALUES ('checkin'), ('checkin');" >&3
  until [ -s "$1-wal" ] && [ "$(sqlite3 -readonly "file:$1?mode=ro" 'SELECT count(*) FROM events' 2>/dev/null)" = 2 ]; do
    kill -0 "$writer" 2>/dev/null || { echo "FAIL: sqlite3 could not write $1"; exit 1; }
    sleep 0.1
  done
  kill -9 "$writer"
  wait "$writer" 2>/dev/null
  exec 3>&-
  rm "$tmp/sql"
}
rows_in() {  # rows_in DB: counted on a scratch copy (root must not leave files beside the kiosk's)
  rm -rf "$tmp/scratch" && mkdir "$tmp/scratch"
  cp "$1" "$tmp/scratch/db" && if [ -e "$1-wal" ]; then cp "$1-wal" "$tmp/scratch/db-wal"; fi
  sqlite3 "$tmp/scratch/db" 'SELECT count(*) FROM events'
}
calls() { paste -sd, "$FAKE_SYSTEMD/calls"; }
is() {  # is NAME ACTUAL EXPECTED
  if [ "$2" = "$3" ]; then pass; else failed "$1: '$2', expected '$3'"; fi
}
holds() {  # holds NAME COMMAND...: the command succeeds
  local name=$1
  shift
  if "$@"; then pass; else failed "$name"; fi
}

# --- format with a key file -----------------------------------------------------------------
new_kiosk kiosk1 65534
data=$tmp/kiosk1/data etc=$tmp/kiosk1/etc
crashed_database "$data/kiosk.db" 65534
ls -l "$data" >"$tmp/listing.before"
drive disk1
disk=$loop

printf 'nope\n' | "$encrypt" --key-file "$disk" >"$out" 2>&1
check "wrong confirmation" 1 $?
contains "wrong confirmation" "$out" "nothing was changed"
cryptsetup isLuks "$disk"; check "wrong confirmation: the drive is untouched" 1 $?

printf '%s\nWRONG\n' "${disk##*/}" | "$encrypt" --key-file "$disk" >"$out" 2>&1
check "recovery passphrase not confirmed" 1 $?
contains "recovery passphrase not confirmed" "$out" "that does not match; nothing was changed"
cryptsetup isLuks "$disk"; check "recovery passphrase not confirmed: the drive is untouched" 1 $?

echo "$tmp/elsewhere /" >"$FAKE_SYSTEMD/requires-mounts-for"
"$encrypt" --key-file --yes "$disk" >"$out" 2>&1
check "a unit that does not require the mount" 1 $?
contains "a unit that does not require the mount" "$out" "does not require $data to be mounted"
echo "$data /" >"$FAKE_SYSTEMD/requires-mounts-for"

sleep 600 4<"$data/kiosk.db" &
holder=$!
: >"$FAKE_SYSTEMD/calls"
"$encrypt" --key-file --yes "$disk" >"$out" 2>&1
check "a process holds the database" 1 $?
contains "a process holds the database" "$out" "processes $holder still have files open"
is "a process holds the database: the kiosk stopped and started again" "$(calls)" \
  "systemctl show -p RequiresMountsFor --value checkin-kiosk.service,systemctl is-active --quiet checkin-kiosk.service,systemctl stop checkin-kiosk.service,systemctl start checkin-kiosk.service"
kill "$holder"; wait "$holder" 2>/dev/null
: >"$FAKE_SYSTEMD/calls"

"$encrypt" --key-file --yes "$disk" >"$out" 2>&1
check "format with a key file" 0 $?
recovery=$(grep -oE '[A-Z2-7]{5}(-[A-Z2-7]{5}){7}' "$out" | head -n 1)
holds "format with a key file: the recovery passphrase is shown" test -n "$recovery"
mounts+=("$data")
uuid=$(cryptsetup luksUUID "$disk")
key=$etc/cryptsetup-keys.d/checkin-data.key
contains "crypttab" "$etc/crypttab" "checkin-data UUID=$uuid $key luks,nofail,x-systemd.device-timeout=90s"
contains "fstab" "$etc/fstab" "$mapper $data ext4 defaults,noatime,nofail,x-systemd.device-timeout=infinity 0 2"
contains "fstab keeps the other lines" "$etc/fstab" "proc /proc proc defaults 0 0"
is "key file" "$(stat -c '%U %a %s' "$key")" "root 600 4096"
is "data mounted from the drive" "$(readlink -f "$(findmnt -n -v -o SOURCE --mountpoint "$data")")" "$(readlink -f "$mapper")"
backup=$(ls -d "$data".before-encryption-* 2>/dev/null)
holds "the old directory is kept as a dated backup" test -d "$backup"
for file in kiosk.db kiosk.db-wal kiosk.db-shm; do
  holds "$file: the same bytes as before" cmp -s "$backup/$file" "$data/$file"
  is "$file owner and mode" "$(stat -c '%u %a' "$data/$file")" "$(stat -c '%u %a' "$backup/$file")"
done
is "data directory owner and mode" "$(stat -c '%u:%g %a' "$data")" "65534:65534 750"
is "check-ins on the drive" "$(rows_in "$data/kiosk.db")" 2
contains "the copy was checked" "$out" "Checked kiosk.db: same bytes as the original, SQLite integrity check ok."
contains "the backup is named" "$out" "kept in $backup"
is "the kiosk stopped and started again" "$(calls)" \
  "systemctl show -p RequiresMountsFor --value checkin-kiosk.service,systemctl is-active --quiet checkin-kiosk.service,systemctl stop checkin-kiosk.service,systemctl daemon-reload,systemctl start checkin-kiosk.service"
printf '%s' "$recovery" | cryptsetup open --test-passphrase --key-file - "$disk"
check "the recovery passphrase opens the drive" 0 $?
cryptsetup open --test-passphrase --key-file "$key" "$disk"
check "the key file opens the drive" 0 $?
printf 'AAAAA-AAAAA' | cryptsetup open --test-passphrase --key-file - "$disk" 2>/dev/null
check "a wrong passphrase does not" 2 $?

if [ -x /lib/systemd/system-generators/systemd-fstab-generator ]; then
  mkdir -p "$tmp/gen"/{normal,early,late}
  SYSTEMD_CRYPTTAB=$etc/crypttab /lib/systemd/system-generators/systemd-cryptsetup-generator "$tmp/gen"/{normal,early,late} 2>/dev/null
  SYSTEMD_FSTAB=$etc/fstab /lib/systemd/system-generators/systemd-fstab-generator "$tmp/gen"/{normal,early,late} 2>/dev/null
  contains "generated: unlock with the key file" "$tmp/gen/normal/systemd-cryptsetup@checkin\\x2ddata.service" \
    "attach 'checkin-data' '/dev/disk/by-uuid/$uuid' '$key'"
  mount_unit=$tmp/gen/normal/$(systemd-escape --path --suffix=mount "$data")
  contains "generated: the mount" "$mount_unit" "Where=$data"
  contains "generated: the drive missing fails in 90 s" \
    "$tmp/gen/normal/dev-disk-by\\x2duuid-$(systemd-escape "$uuid").device.d/50-device-timeout.conf" "JobRunningTimeoutSec=90s"
fi

close_drive "$data"
is "under the mount point nobody may write" "$(stat -c '%U %a' "$data")" "root 0"
"$encrypt" --key-file --yes "$disk" >"$out" 2>&1
check "a drive already encrypted" 1 $?
contains "a drive already encrypted" "$out" "To use it on this kiosk: encrypt-data-partition.sh --attach"
mkdir "$tmp/elsewhere"
new_loop mounted 200M
mkfs.ext4 -q "$loop" && mount "$loop" "$tmp/elsewhere" && mounts+=("$tmp/elsewhere")
"$encrypt" --key-file --yes "$loop" >"$out" 2>&1
check "a mounted drive" 1 $?
contains "a mounted drive" "$out" "is in use, mounted at: $tmp/elsewhere"

# --- a database failing its integrity check stops everything ----------------------------------
new_kiosk kiosk2 65534
{ printf 'SQLite format 3\0'; head -c 8176 /dev/urandom; } >"$tmp/kiosk2/data/kiosk.db"
chown 65534:65534 "$tmp/kiosk2/data/kiosk.db"
drive disk2
disk2=$loop
"$encrypt" --key-file --yes "$disk2" >"$out" 2>&1
check "a damaged database" 1 $?
contains "a damaged database" "$out" "fails SQLite's integrity check"
contains "a damaged database: the drive is left unused" "$out" "was not changed ($disk2 is left encrypted but unused)"
is "a damaged database: the data directory as it was" "$(ls "$tmp/kiosk2/data")" kiosk.db
holds "a damaged database: the data directory is not a mount" test -z "$(findmnt -n --mountpoint "$tmp/kiosk2/data")"
holds "a damaged database: no crypttab written" test ! -e "$tmp/kiosk2/etc/crypttab"
lacks "a damaged database: fstab as it was" "checkin-data" "$tmp/kiosk2/etc/fstab"
holds "a damaged database: the drive is closed" test ! -e "$mapper"
holds "a damaged database: the kiosk runs again" test -e "$FAKE_SYSTEMD/active"

# --- a new SD card: attach with the recovery passphrase ---------------------------------------
new_kiosk kiosk3 1234
echo "fresh" >"$tmp/kiosk3/data/kiosk.db" && chown 1234:1234 "$tmp/kiosk3/data/kiosk.db"
echo "AAAAA-BBBBB" | "$encrypt" --attach --key-file "$disk" >"$out" 2>&1
check "attach: a wrong passphrase" 1 $?
contains "attach: a wrong passphrase" "$out" "not the recovery passphrase"
echo "$recovery" | "$encrypt" --attach --key-file "$disk" >"$out" 2>&1
check "attach with the recovery passphrase" 0 $?
mounts+=("$tmp/kiosk3/data")
cryptsetup open --test-passphrase --key-file "$key" "$disk" 2>/dev/null
check "attach: the lost SD card's key file no longer opens the drive" 2 $?
cryptsetup open --test-passphrase --key-file "$tmp/kiosk3/etc/cryptsetup-keys.d/checkin-data.key" "$disk"
check "attach: the new key file does" 0 $?
holds "attach: the drive's database is the kiosk's" cmp -s "$tmp/kiosk3/data/kiosk.db" "$backup/kiosk.db"
is "attach: the files belong to the new kiosk user" "$(stat -c '%u' "$tmp/kiosk3/data" "$tmp/kiosk3/data/kiosk.db-wal" | sort -u)" 1234
is "attach: check-ins on the drive" "$(rows_in "$tmp/kiosk3/data/kiosk.db")" 2
is "attach: the new card's own data is kept aside" "$(cat "$tmp"/kiosk3/data.before-encryption-*/kiosk.db)" fresh

# --- read-only-root.sh on the real mount --------------------------------------------------------
boot=$tmp/kiosk3/boot
mkdir -p "$boot"
export CHECKIN_KIOSK_BOOT_DIR=$boot
echo "console=tty1 root=PARTUUID=6c586e13-02 rootfstype=ext4 fsck.repair=yes rootwait" >"$boot/cmdline.txt"
echo "PARTUUID=6c586e13-01 $boot vfat defaults 0 2" >>"$tmp/kiosk3/etc/fstab"
"$readonly_root" enable >"$out" 2>&1
check "read-only root: enable with the data on its drive" 0 $?
is "read-only root: cmdline.txt" "$(cat "$boot/cmdline.txt")" \
  "overlayroot=tmpfs:recurse=0 console=tty1 root=PARTUUID=6c586e13-02 rootfstype=ext4 fsck.repair=yes rootwait"
contains "read-only root: boot partition read-only" "$tmp/kiosk3/etc/fstab" "PARTUUID=6c586e13-01 $boot vfat defaults,ro 0 2"
"$readonly_root" status >"$out" 2>&1
check "read-only root: status" 0 $?
"$readonly_root" disable >"$out" 2>&1
check "read-only root: disable" 0 $?
lacks "read-only root: disable" "overlayroot" "$boot/cmdline.txt"
contains "read-only root: disable" "$tmp/kiosk3/etc/fstab" "PARTUUID=6c586e13-01 $boot vfat defaults 0 2"
close_drive "$tmp/kiosk3/data"
"$readonly_root" enable >"$out" 2>&1
check "read-only root: the drive not mounted" 1 $?
contains "read-only root: the drive not mounted" "$out" "is not a separate mount"
overlayroot=/usr/share/initramfs-tools/scripts/init-bottom/overlayroot
if [ -e "$overlayroot" ]; then
  # overlayroot's own rewrite of fstab at boot (its functions, taken from its script).
  { echo MYTAG=overlayroot
    sed -n '/^clean_path() {/,/^}/p; /^get_workdir() {/,/^}/p; /^overlayrootify_fstab() {/,/^}/p; /^needs_workdir() {/,/^}/p' "$overlayroot"
  } >"$tmp/overlayroot-functions"
  for recurse in 0 1; do
    sh -c '. "$1"; overlayrootify_fstab "$2" /media/root-ro /media/root-rw /overlay "$3" 0 overlay' sh \
      "$tmp/overlayroot-functions" "$tmp/kiosk3/etc/fstab" "$recurse" >"$tmp/fstab.recurse$recurse"
  done
  contains "overlayroot recurse=0 mounts the drive as it is" "$tmp/fstab.recurse0" "$mapper $tmp/kiosk3/data ext4 defaults,noatime"
  contains "overlayroot recurse=1 would put the data in RAM" "$tmp/fstab.recurse1" "/media/root-ro$tmp/kiosk3/data $tmp/kiosk3/data overlay"
fi
unset CHECKIN_KIOSK_BOOT_DIR

# --- tang -------------------------------------------------------------------------------------
if command -v clevis-luks-bind >/dev/null && [ -x /usr/libexec/tangd ] && command -v socat >/dev/null; then
  mkdir -p "$tmp/tang"
  /usr/libexec/tangd-keygen "$tmp/tang"
  port=$((20000 + RANDOM % 12000))  # below the ephemeral range other tests draw from
  start_tang() {
    socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" EXEC:"/usr/libexec/tangd $tmp/tang" 2>/dev/null &
    tang_pid=$!
    pids+=("$tang_pid")
    until curl -sf "http://127.0.0.1:$port/adv" >/dev/null; do sleep 0.1; done
  }
  stop_tang() { kill "$tang_pid"; wait "$tang_pid" 2>/dev/null; }
  start_tang
  for k in "$tmp"/tang/*.jwk; do
    if grep -q '"verify"' "$k"; then thumbprint=$(jose jwk thp -i "$k"); fi
  done
  new_kiosk kiosk4 65534
  drive disk4
  disk4=$loop
  "$encrypt" --tang "http://127.0.0.1:$port" --tang-thumbprint wrongwrongwrong --yes "$disk4" >"$out" 2>&1
  check "tang: a wrong thumbprint" 1 $?
  holds "tang: a wrong thumbprint: no crypttab written" test ! -e "$tmp/kiosk4/etc/crypttab"
  wipefs -a -q "$disk4"
  "$encrypt" --tang "http://127.0.0.1:$port" --tang-thumbprint "$thumbprint" --yes "$disk4" >"$out" 2>&1
  check "tang: format" 0 $?
  mounts+=("$tmp/kiosk4/data")
  contains "tang: crypttab" "$tmp/kiosk4/etc/crypttab" "none luks,nofail,x-systemd.device-timeout=90s,_netdev"
  contains "tang: fstab" "$tmp/kiosk4/etc/fstab" "nofail,x-systemd.device-timeout=infinity,_netdev 0 2"
  contains "tang: clevis answers at boot" "$FAKE_SYSTEMD/calls" "systemctl enable clevis-luks-askpass.path"
  lacks "tang: an empty directory needs no backup" "before-encryption" "$out"
  clevis luks pass -d "$disk4" -s 1 | cryptsetup open --test-passphrase --key-slot 1 --key-file - "$disk4"
  check "tang: the server's answer opens the drive" 0 $?
  close_drive "$tmp/kiosk4/data"
  stop_tang
  clevis luks pass -d "$disk4" -s 1 >/dev/null 2>&1
  check "tang: away from the server the drive stays shut" 1 $?
  new_kiosk kiosk5 4321
  "$encrypt" --attach "$disk4" >"$out" 2>&1
  check "tang: attach with the server down" 1 $?
  contains "tang: attach with the server down" "$out" "could not unlock $disk4 through its tang server"
  holds "tang: attach with the server down: no crypttab written" test ! -e "$tmp/kiosk5/etc/crypttab"
  start_tang
  "$encrypt" --attach "$disk4" >"$out" 2>&1
  check "tang: attach" 0 $?
  mounts+=("$tmp/kiosk5/data")
  contains "tang: attach" "$tmp/kiosk5/etc/crypttab" "checkin-data UUID=$(cryptsetup luksUUID "$disk4") none luks,nofail,x-systemd.device-timeout=90s,_netdev"
  close_drive "$tmp/kiosk5/data"
else
  echo "skipped: tang (needs clevis, clevis-luks, tang and socat)"
fi

report
