#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The kiosk appliance scripts of deploy/kiosk/ where they refuse or edit files, without
# root and without touching this machine: encrypt-data-partition.sh's argument checks and
# its refusal of the root disk; read-only-root.sh's refusal to go read-only while the
# kiosk's data would live in the root filesystem or in RAM, its status warnings and the
# command line and fstab edits of `disable` (dry run); screen-always-on.sh's edits of a
# copy of cmdline.txt. kiosk_encrypt_loop_test.sh (root, loop devices) runs the rest.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scripts=$here/../../deploy/kiosk
# shellcheck source-path=SCRIPTDIR source=../support/checks.sh
source "$here/../support/checks.sh"

encrypt=$scripts/encrypt-data-partition.sh
readonly_root=$scripts/read-only-root.sh
screen=$scripts/screen-always-on.sh
out=$tmp/out

# --- encrypt-data-partition.sh ---------------------------------------------------------------

"$encrypt" >"$out" 2>&1
check "encrypt: no arguments" 2 $?
contains "encrypt: no arguments" "$out" "usage:"

"$encrypt" /dev/null >"$out" 2>&1
check "encrypt: no unlock method" 1 $?
contains "encrypt: no unlock method" "$out" "--tang URL (recommended"

"$encrypt" --tang http://tang.example.org --key-file /dev/null >"$out" 2>&1
check "encrypt: two unlock methods" 1 $?
contains "encrypt: two unlock methods" "$out" "choose one of --tang and --key-file"

"$encrypt" --tang 'http://x"y' /dev/null >"$out" 2>&1
check "encrypt: a URL that is not one" 1 $?
contains "encrypt: a URL that is not one" "$out" "wants the tang server's URL"

"$encrypt" --attach --tang http://tang.example.org /dev/null >"$out" 2>&1
check "encrypt: --attach with --tang" 1 $?
contains "encrypt: --attach with --tang" "$out" "uses the tang binding already on the drive"

"$encrypt" --key-file --tang-thumbprint abc /dev/null >"$out" 2>&1
check "encrypt: thumbprint without tang" 1 $?
contains "encrypt: thumbprint without tang" "$out" "--tang-thumbprint goes with --tang"

"$encrypt" --key-file --dry-run "$tmp/no-such-device" >"$out" 2>&1
check "encrypt: a missing device" 1 $?
contains "encrypt: a missing device" "$out" "does not exist"

touch "$tmp/plain-file"
"$encrypt" --key-file --dry-run "$tmp/plain-file" >"$out" 2>&1
check "encrypt: a plain file" 1 $?
contains "encrypt: a plain file" "$out" "is not a block device"

root_device=$(findmnt -n -v -o SOURCE --mountpoint / | tail -n 1)
if [ -b "$root_device" ]; then
  "$encrypt" --key-file --dry-run "$root_device" >"$out" 2>&1
  check "encrypt: the root filesystem's device" 1 $?
  contains "encrypt: the root filesystem's device" "$out" "holds the root or boot filesystem"
  root_disk=$(lsblk -nsrpo NAME "$root_device" | tail -n 1)
  "$encrypt" --key-file --dry-run "$root_disk" >"$out" 2>&1
  check "encrypt: the disk holding the root filesystem" 1 $?
  contains "encrypt: the disk holding the root filesystem" "$out" "holds the root or boot filesystem"
else
  echo "skipped: the root filesystem ($root_device) is not on a block device here"
fi

# --- read-only-root.sh ------------------------------------------------------------------------

boot=$tmp/boot etc=$tmp/etc data=$tmp/data
mkdir -p "$boot" "$etc" "$data"
export CHECKIN_KIOSK_BOOT_DIR=$boot CHECKIN_KIOSK_ETC_DIR=$etc CHECKIN_KIOSK_DATA_DIR=$data
stock_cmdline="console=serial0,115200 console=tty1 root=PARTUUID=6c586e13-02 rootfstype=ext4 fsck.repair=yes rootwait"
echo "$stock_cmdline" >"$boot/cmdline.txt"
cat >"$etc/fstab" <<EOF
proc            /proc           proc    defaults          0       0
PARTUUID=6c586e13-01  $boot  vfat    defaults,ro          0       2
PARTUUID=6c586e13-02  /               ext4    defaults,noatime  0       1
EOF
cp "$etc/fstab" "$tmp/fstab.before"
cp "$boot/cmdline.txt" "$tmp/cmdline.before"
unchanged() {  # unchanged NAME: enable/disable left cmdline.txt and fstab alone
  if cmp -s "$boot/cmdline.txt" "$tmp/cmdline.before" && cmp -s "$etc/fstab" "$tmp/fstab.before"; then pass; else failed "$1: files changed"; fi
}

"$readonly_root" >"$out" 2>&1
check "read-only root: no command" 2 $?
"$readonly_root" sideways >"$out" 2>&1
check "read-only root: an unknown command" 2 $?
contains "read-only root: an unknown command" "$out" "unknown argument sideways"

CHECKIN_KIOSK_BOOT_DIR=$tmp/no-boot "$readonly_root" status >"$out" 2>&1
check "read-only root: no cmdline.txt" 1 $?
contains "read-only root: no cmdline.txt" "$out" "cmdline.txt not found"

"$readonly_root" enable --dry-run >"$out" 2>&1
check "read-only root: data in the root filesystem" 1 $?
contains "read-only root: data in the root filesystem" "$out" "is not a separate mount"
contains "read-only root: data in the root filesystem" "$out" "every check-in since boot would vanish at power-off"
unchanged "read-only root: data in the root filesystem"

ram_mount=$(findmnt -n -t tmpfs -o TARGET | grep -xE '/dev/shm|/run|/tmp' | head -n 1)
if [ -n "$ram_mount" ]; then
  CHECKIN_KIOSK_DATA_DIR=$ram_mount "$readonly_root" enable --dry-run >"$out" 2>&1
  check "read-only root: data in RAM" 1 $?
  contains "read-only root: data in RAM" "$out" "is a tmpfs mount, which lives in RAM"
  unchanged "read-only root: data in RAM"
else
  echo "skipped: no tmpfs mount here"
fi

# / stands in for a mounted partition that an empty fstab does not list (not in a chroot,
# where / is no mount point of its own).
root_fstype=$(findmnt -n -o FSTYPE --mountpoint / | tail -n 1)
if [ -n "$root_fstype" ] && [[ $root_fstype != @(overlay|tmpfs) ]]; then
  mkdir -p "$tmp/etc-empty" && : >"$tmp/etc-empty/fstab"
  CHECKIN_KIOSK_DATA_DIR=/ CHECKIN_KIOSK_ETC_DIR=$tmp/etc-empty "$readonly_root" enable --dry-run >"$out" 2>&1
  check "read-only root: data mounted but not in fstab" 1 $?
  contains "read-only root: data mounted but not in fstab" "$out" "the next boot would not mount it"
else
  echo "skipped: / is not a mount point here (a chroot)"
fi

"$readonly_root" status >"$out" 2>&1
check "read-only root: status, writable" 0 $?
contains "read-only root: status, writable" "$out" "next boot:        writable root"
contains "read-only root: status, writable" "$out" "boot partition:   writable now, read-only from the next boot"

# raspi-config's plain overlayroot=tmpfs would put the data mount in RAM as well.
echo "overlayroot=tmpfs $stock_cmdline" >"$boot/cmdline.txt"
"$readonly_root" status >"$out" 2>&1
check "read-only root: status, overlay without recurse=0" 1 $?
contains "read-only root: status, overlay without recurse=0" "$out" "IN RAM TOO"

echo "overlayroot=tmpfs:recurse=0 $stock_cmdline" >"$boot/cmdline.txt"
cp "$boot/cmdline.txt" "$tmp/cmdline.before"
"$readonly_root" disable --dry-run >"$out" 2>&1
check "read-only root: disable (dry run)" 0 $?
contains "read-only root: disable (dry run)" "$out" "    $stock_cmdline"
contains "read-only root: disable (dry run)" "$out" "PARTUUID=6c586e13-01 $boot vfat defaults 0 2"
unchanged "read-only root: disable (dry run)"
unset CHECKIN_KIOSK_BOOT_DIR CHECKIN_KIOSK_ETC_DIR CHECKIN_KIOSK_DATA_DIR

# --- screen-always-on.sh ----------------------------------------------------------------------

screen_boot=$tmp/screen
mkdir -p "$screen_boot"
echo 600 >"$screen_boot/consoleblank"
run_screen() {
  CHECKIN_KIOSK_BOOT_DIR=$screen_boot CHECKIN_KIOSK_CONSOLEBLANK=$screen_boot/consoleblank "$screen" "$@" >"$out" 2>&1
}
echo "$stock_cmdline" >"$screen_boot/cmdline.txt"

run_screen --dry-run
check "screen: dry run" 0 $?
contains "screen: dry run" "$out" "$stock_cmdline consoleblank=0"
contains "screen: dry run leaves cmdline.txt" "$screen_boot/cmdline.txt" "rootwait"
lacks "screen: dry run leaves cmdline.txt" "consoleblank" "$screen_boot/cmdline.txt"

run_screen
check "screen: adds consoleblank=0" 0 $?
contains "screen: adds consoleblank=0" "$screen_boot/cmdline.txt" "$stock_cmdline consoleblank=0"
contains "screen: blanking off now" "$screen_boot/consoleblank" "0"
if [ "$(wc -l <"$screen_boot/cmdline.txt")" = 1 ]; then pass; else failed "screen: cmdline.txt is no longer one line"; fi

cp "$screen_boot/cmdline.txt" "$tmp/screen.before"
run_screen
check "screen: run again" 0 $?
contains "screen: run again" "$out" "already has consoleblank=0"
if cmp -s "$screen_boot/cmdline.txt" "$tmp/screen.before"; then pass; else failed "screen: a second run changed cmdline.txt"; fi

echo "consoleblank=600 $stock_cmdline consoleblank=5" >"$screen_boot/cmdline.txt"
run_screen
check "screen: replaces another value" 0 $?
if [ "$(cat "$screen_boot/cmdline.txt")" = "consoleblank=0 $stock_cmdline" ]; then pass; else
  failed "screen: replaces another value: $(cat "$screen_boot/cmdline.txt")"; fi

printf '%s\n%s\n' "$stock_cmdline" "quiet" >"$screen_boot/cmdline.txt"
run_screen
check "screen: a cmdline.txt of two lines" 1 $?
contains "screen: a cmdline.txt of two lines" "$out" "more than one line"

rm "$screen_boot/cmdline.txt"
run_screen
check "screen: no cmdline.txt" 1 $?
contains "screen: no cmdline.txt" "$out" "not found"

report
