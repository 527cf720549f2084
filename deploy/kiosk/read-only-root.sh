#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Turns Raspberry Pi OS's read-only root on or off. With it on, the SD card's root
# filesystem is mounted read-only and every change goes to RAM (overlayroot), and the boot
# partition is read-only too, so pulling the plug cannot damage either. The one place the
# kiosk writes, /var/lib/checkin-kiosk, must then be a separate, persistent mount (for
# example the encrypted drive of encrypt-data-partition.sh, installed as
# checkin-kiosk-encrypt-data): otherwise every check-in
# since boot would vanish at power-off, so `enable` refuses.
#
#   read-only-root.sh enable|disable|status [--dry-run]
#
# enable and disable take effect at the next boot. Whatever changes the SD card needs
# `disable` and a reboot first, then `enable` and a reboot: apt upgrades (the kiosk's
# package included), Wi-Fi and network settings, the time zone, NTP servers,
# /etc/checkin/kiosk.toml, and encrypt-data-partition.sh. Settings made on the kiosk's
# admin screen and enrolment live in the database on the data partition and need nothing.
#
# CHECKIN_KIOSK_DATA_DIR, CHECKIN_KIOSK_ETC_DIR and CHECKIN_KIOSK_BOOT_DIR replace
# /var/lib/checkin-kiosk, /etc and the boot partition's mount point (for tests).
set -euo pipefail

prog=${0##*/}
data_dir=${CHECKIN_KIOSK_DATA_DIR:-/var/lib/checkin-kiosk}
etc_dir=${CHECKIN_KIOSK_ETC_DIR:-/etc}
boot_dir=${CHECKIN_KIOSK_BOOT_DIR:-}
if [ -z "$boot_dir" ]; then
  if [ -e /boot/firmware/cmdline.txt ]; then boot_dir=/boot/firmware; else boot_dir=/boot; fi
fi
cmdline=$boot_dir/cmdline.txt
kiosk_unit=checkin-kiosk.service
# overlayroot's default (recurse=1) puts every other mount from fstab under a RAM overlay
# as well, the data partition included: recurse=0 keeps the overlay to / alone.
overlay_word=overlayroot=tmpfs:recurse=0

usage() {
  cat >&2 <<EOF
usage: $prog enable|disable|status [--dry-run]
  enable   from the next boot: root filesystem read-only (changes in RAM), boot partition
           read-only; refused unless $data_dir is a separate, persistent mount
  disable  from the next boot: both writable again (for apt upgrades and other changes)
  status   what is in force now and what the next boot will do
EOF
  exit 2
}
die() {
  echo "$prog: $*" >&2
  exit 1
}
say() { printf '%s\n' "$*"; }

command=''
dry_run=0
for arg in "$@"; do
  case $arg in
    enable | disable | status) [ -z "$command" ] || usage; command=$arg ;;
    --dry-run) dry_run=1 ;;
    -h | --help) usage ;;
    *) echo "$prog: unknown argument $arg" >&2; usage ;;
  esac
done
[ -n "$command" ] || usage

run() {
  if [ "$dry_run" = 1 ]; then
    printf '+'; printf ' %q' "$@"; printf '\n'
  else
    "$@"
  fi
}

# Writes FILE through a new file and a rename, then flushes it: a power cut leaves the old
# or the new file, never half of one.
write_file() {
  local file=$1 content=$2
  if [ "$dry_run" = 1 ]; then
    say "would write $file:"
    printf '    %s\n' "${content//$'\n'/$'\n'    }"
    return
  fi
  printf '%s\n' "$content" >"$file.new" &&
    chmod --reference="$file" "$file.new" &&
    mv "$file.new" "$file" &&
    sync -f "$file"
}

# A column of the top-most mount at MOUNTPOINT (mounts can stack); fails when nothing is mounted there.
mount_field() { findmnt -n -v --direction backward --first-only -o "$1" --mountpoint "$2" 2>/dev/null; }

is_mounted_read_only() {
  local options
  options=$(mount_field OPTIONS "$1") || return 1
  [[ ,$options, == *,ro,* ]]
}

# Runs a command with the filesystem at MOUNTPOINT writable, read-only again afterwards.
with_writable() {
  local mountpoint=$1
  shift
  if ! is_mounted_read_only "$mountpoint"; then
    "$@"
    return
  fi
  run mount -o remount,rw "$mountpoint"
  local status=0
  "$@" || status=$?
  run mount -o remount,ro "$mountpoint" || echo "$prog: $mountpoint is still writable" >&2
  return "$status"
}

overlay_active() { [ "$(mount_field FSTYPE /)" = overlay ]; }

# Under the overlay, the SD card's root filesystem is mounted read-only at overlayroot's
# lowerdir (/media/root-ro); its /etc/fstab is the one the next boot reads.
lower_root() {
  local options
  options=$(mount_field OPTIONS /)
  options=${options#*lowerdir=}
  printf '%s\n' "${options%%,*}"
}

persistent_fstab() {
  if overlay_active; then printf '%s/etc/fstab\n' "$(lower_root)"; else printf '%s/fstab\n' "$etc_dir"; fi
}

# --- the kernel command line (one line of words) ------------------------------------------

cmdline_word() {
  tr ' ' '\n' <"$cmdline" | awk -v key="$1=" 'index($0, key) == 1 { print; exit }'
}

# Replaces the first KEY=... word with WORD (dropping any others), or appends WORD; an empty
# WORD removes KEY.
set_cmdline_word() {
  local key=$1 word=$2 new
  new=$(awk -v key="$key=" -v word="$word" 'NR == 1 {
      line = ""; done = 0
      for (i = 1; i <= NF; i++) {
        if (index($i, key) == 1) {
          if (word != "" && !done) { line = line (line == "" ? "" : " ") word; done = 1 }
          continue
        }
        line = line (line == "" ? "" : " ") $i
      }
      if (word != "" && !done) line = line (line == "" ? "" : " ") word
      print line
    }' "$cmdline")
  [ "$new" != "$(head -n 1 "$cmdline")" ] || return 0
  with_writable "$boot_dir" write_file "$cmdline" "$new"
}

# --- the boot partition's line in fstab ------------------------------------------------------

fstab_with_boot() {
  awk -v mountpoint="$boot_dir" -v want="$1" '
    $1 !~ /^#/ && $2 == mountpoint && NF >= 4 {
      n = split($4, options, ",")
      kept = ""
      for (i = 1; i <= n; i++)
        if (options[i] != "ro" && options[i] != "rw" && options[i] != "") kept = kept (kept == "" ? "" : ",") options[i]
      if (want == "ro") kept = kept (kept == "" ? "" : ",") "ro"
      $4 = (kept == "" ? "defaults" : kept)
    }
    { print }' "$2"
}

boot_configured_read_only() {
  local fstab options
  fstab=$(persistent_fstab)
  options=$(awk -v mountpoint="$boot_dir" '$1 !~ /^#/ && $2 == mountpoint { print $4 }' "$fstab" 2>/dev/null)
  [[ ,$options, == *,ro,* ]]
}

set_boot_read_only() {
  local want=$1 fstab new
  fstab=$(persistent_fstab)
  [ -e "$fstab" ] || die "$fstab not found"
  if ! awk -v mountpoint="$boot_dir" '$1 !~ /^#/ && $2 == mountpoint { found = 1 } END { exit !found }' "$fstab"; then
    echo "$prog: $fstab has no line for $boot_dir; the boot partition is left as it is" >&2
    return
  fi
  new=$(fstab_with_boot "$want" "$fstab")
  [ "$new" != "$(cat "$fstab")" ] || return 0
  if overlay_active; then
    with_writable "$(lower_root)" write_file "$fstab" "$new"
  else
    write_file "$fstab" "$new"
  fi
}

# --- what must hold before the root goes read-only ------------------------------------------

data_mount_problem() {
  [ -d "$data_dir" ] || { echo "$data_dir does not exist (is the checkin-kiosk package installed?)"; return; }
  local fstype fstab options
  fstype=$(mount_field FSTYPE "$data_dir" || true)
  if [ -z "$fstype" ]; then
    echo "$data_dir is not a separate mount: it is part of the root filesystem"
    return
  fi
  case $fstype in
    overlay | tmpfs | ramfs) echo "$data_dir is a $fstype mount, which lives in RAM"; return ;;
  esac
  fstab=$(persistent_fstab)
  options=$(awk -v mountpoint="$data_dir" '$1 !~ /^#/ && $2 == mountpoint { print $4 }' "$fstab" 2>/dev/null || true)
  if [ -z "$options" ]; then
    echo "$data_dir is mounted now but has no line in $fstab, so the next boot would not mount it"
  elif [[ ,$options, == *,noauto,* ]]; then
    echo "$data_dir has 'noauto' in $fstab, so the next boot would not mount it"
  fi
}

kiosk_unit_problem() {
  local paths
  paths=$(systemctl show -p RequiresMountsFor --value "$kiosk_unit" 2>/dev/null) ||
    { echo "systemd cannot say whether $kiosk_unit requires $data_dir to be mounted"; return; }
  [[ " $paths " == *" $data_dir "* ]] ||
    echo "$kiosk_unit does not require $data_dir to be mounted, so with the drive missing it would record check-ins in RAM. Add 'RequiresMountsFor=$data_dir' under [Unit] with: sudo systemctl edit $kiosk_unit"
}

# --- commands -------------------------------------------------------------------------------

need_root() { [ "$dry_run" = 1 ] || [ "$(id -u)" = 0 ] || die "run as root (sudo $prog $command)"; }

cmd_enable() {
  local problem
  problem=$(data_mount_problem)
  [ -z "$problem" ] || die "refusing: $problem. Under a read-only root every check-in since boot would vanish at power-off. Put the data on its own partition or drive first (checkin-kiosk-encrypt-data)."
  problem=$(kiosk_unit_problem)
  [ -z "$problem" ] || die "refusing: $problem"
  need_root
  command -v raspi-config >/dev/null || die "raspi-config not found: the read-only root needs Raspberry Pi OS"

  if [[ $(cmdline_word overlayroot) != overlayroot=tmpfs* ]]; then
    # Installs overlayroot (into the initramfs) and puts overlayroot=tmpfs on the command line.
    run raspi-config nonint do_overlayfs 0
    [ "$dry_run" = 1 ] || [[ $(cmdline_word overlayroot) == overlayroot=tmpfs* ]] ||
      die "raspi-config did not turn the overlay on ($cmdline has no overlayroot=tmpfs)"
  fi
  set_cmdline_word overlayroot "$overlay_word"
  set_boot_read_only ro
  [ "$dry_run" = 0 ] || { say "Dry run: nothing was changed."; return; }
  say "From the next boot the SD card is read-only: changes to the system go to RAM and are"
  say "gone at power-off; check-ins go to $data_dir ($(mount_field SOURCE "$data_dir"))."
  say "Reboot now (sudo reboot), then check with: $prog status"
}

cmd_disable() {
  need_root
  if [ -n "$(cmdline_word overlayroot)" ]; then
    # raspi-config's own undo recognises only the plain word.
    set_cmdline_word overlayroot overlayroot=tmpfs
    if command -v raspi-config >/dev/null; then
      run raspi-config nonint do_overlayfs 1 || echo "$prog: raspi-config failed; removing the word myself" >&2
    fi
    [ -z "$(cmdline_word overlayroot)" ] || set_cmdline_word overlayroot ''
  fi
  set_boot_read_only rw
  if ! overlay_active && is_mounted_read_only "$boot_dir"; then run mount -o remount,rw "$boot_dir"; fi
  [ "$dry_run" = 0 ] || { say "Dry run: nothing was changed."; return; }
  if overlay_active; then
    say "From the next boot the SD card is writable. Reboot now (sudo reboot), make the changes"
    say "(e.g. sudo apt update && sudo apt full-upgrade), then: sudo $prog enable && sudo reboot"
  else
    say "The SD card is writable. After the changes: sudo $prog enable && sudo reboot"
  fi
}

cmd_status() {
  local word danger=0 problem
  word=$(cmdline_word overlayroot)
  if overlay_active; then
    say "root filesystem:  read-only, changes kept in RAM (overlay)"
  else
    say "root filesystem:  writable"
  fi
  case $word in
    "$overlay_word") say "next boot:        read-only root; $data_dir stays on its own mount" ;;
    overlayroot=tmpfs*)
      say "next boot:        read-only root WITH $data_dir IN RAM TOO ($word): check-ins would vanish at power-off. Fix: sudo $prog enable"
      danger=1 ;;
    '') say "next boot:        writable root" ;;
    *) say "next boot:        $word (not set by this script)" ;;
  esac
  local boot_now=writable boot_next=writable
  if is_mounted_read_only "$boot_dir"; then boot_now=read-only; fi
  if boot_configured_read_only; then boot_next=read-only; fi
  say "boot partition:   $boot_now now, $boot_next from the next boot ($boot_dir)"
  problem=$(data_mount_problem)
  if [ -z "$problem" ]; then
    say "kiosk data:       $data_dir on $(mount_field SOURCE,FSTYPE,OPTIONS "$data_dir")"
  else
    say "kiosk data:       $problem"
    if overlay_active || [ -n "$word" ]; then danger=1; fi
  fi
  problem=$(kiosk_unit_problem)
  say "kiosk service:    ${problem:-starts only with $data_dir mounted}"
  return "$danger"
}

[ -e "$cmdline" ] || die "$cmdline not found: is this Raspberry Pi OS?"
"cmd_$command"
