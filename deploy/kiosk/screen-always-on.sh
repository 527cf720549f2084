#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Keeps the kiosk's screen on: puts consoleblank=0 on the kernel command line (the Linux
# console otherwise blanks the display after some minutes without keyboard input, and a
# kiosk has no keyboard) and turns blanking off for the running system too. Safe to run
# again: it changes nothing when the setting is already there.
#
#   screen-always-on.sh [--dry-run]
#
# The kernel command line is /boot/firmware/cmdline.txt on Raspberry Pi OS bookworm and
# /boot/cmdline.txt on older releases; it must stay one line. checkin-kiosk.service also
# writes 0 to /sys/module/kernel/parameters/consoleblank when it starts.
#
# CHECKIN_KIOSK_BOOT_DIR and CHECKIN_KIOSK_CONSOLEBLANK replace the boot partition's mount
# point and /sys/module/kernel/parameters/consoleblank (for tests).
set -euo pipefail

prog=${0##*/}
boot_dir=${CHECKIN_KIOSK_BOOT_DIR:-}
if [ -z "$boot_dir" ]; then
  if [ -e /boot/firmware/cmdline.txt ]; then boot_dir=/boot/firmware; else boot_dir=/boot; fi
fi
cmdline=$boot_dir/cmdline.txt
consoleblank=${CHECKIN_KIOSK_CONSOLEBLANK:-/sys/module/kernel/parameters/consoleblank}
word=consoleblank=0

die() {
  echo "$prog: $*" >&2
  exit 1
}

dry_run=0
for arg in "$@"; do
  case $arg in
    --dry-run) dry_run=1 ;;
    *) echo "usage: $prog [--dry-run]" >&2; exit 2 ;;
  esac
done

[ -e "$cmdline" ] || die "$cmdline not found: is this Raspberry Pi OS?"
[ "$(wc -l <"$cmdline")" -le 1 ] || die "$cmdline has more than one line; the firmware reads only the first: fix it by hand first"

# The first consoleblank=... word becomes consoleblank=0 where it stands (others go);
# without one, it is added at the end.
new=$(awk -v word="$word" 'NR == 1 {
    line = ""; done = 0
    for (i = 1; i <= NF; i++) {
      if (index($i, "consoleblank=") == 1) {
        if (!done) { line = line (line == "" ? "" : " ") word; done = 1 }
        continue
      }
      line = line (line == "" ? "" : " ") $i
    }
    if (!done) line = line (line == "" ? "" : " ") word
    print line
  }' "$cmdline")

if [ "$new" = "$(head -n 1 "$cmdline")" ]; then
  echo "$cmdline already has $word"
elif [ "$dry_run" = 1 ]; then
  printf 'would write %s:\n    %s\n' "$cmdline" "$new"
else
  [ "$(id -u)" = 0 ] || [ -w "$cmdline" ] || die "run as root (sudo $prog)"
  # Under read-only-root.sh the boot partition is mounted read-only: open it for the edit.
  options=$(findmnt -n -v --direction backward --first-only -o OPTIONS --mountpoint "$boot_dir" 2>/dev/null || true)
  reopen=0
  if [[ ,$options, == *,ro,* ]]; then
    mount -o remount,rw "$boot_dir"
    reopen=1
  fi
  # A new file and a rename, flushed: a power cut leaves the old line or the new, whole.
  status=0
  { printf '%s\n' "$new" >"$cmdline.new" &&
    chmod --reference="$cmdline" "$cmdline.new" &&
    mv "$cmdline.new" "$cmdline" &&
    sync -f "$cmdline"; } || status=$?
  if [ "$reopen" = 1 ]; then mount -o remount,ro "$boot_dir" || echo "$prog: $boot_dir is still writable" >&2; fi
  [ "$status" = 0 ] || die "could not write $cmdline"
  echo "$cmdline: $word added; it applies from the next boot"
fi

# The running system, until the next boot.
if [ "$dry_run" = 0 ] && [ -w "$consoleblank" ]; then
  echo 0 >"$consoleblank"
fi
