#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Puts the kiosk's data (/var/lib/checkin-kiosk: the attendance database) on its own
# LUKS2-encrypted partition or USB drive, so a stolen kiosk, SD card or drive does not give
# away who came to which group. POWER-AND-PRIVACY.md explains the choices and their limits.
#
#   encrypt-data-partition.sh --tang URL [--tang-thumbprint THP] [--yes] [--dry-run] DEVICE
#   encrypt-data-partition.sh --key-file [--yes] [--dry-run] DEVICE
#   encrypt-data-partition.sh --attach [--key-file] [--dry-run] DEVICE
#
# How the kiosk unlocks the drive at boot with nobody there:
#   --tang URL   (recommended) clevis asks the tang server at URL (on the coordinator's
#                server) to help unlock; away from that network the drive stays locked.
#   --key-file   a random key file on the SD card. Protects a drive taken away on its own,
#                not a kiosk stolen whole.
# Key slot 0 always holds a recovery passphrase made here and shown once, for the
# coordinator to keep; slot 1 holds the automatic unlock.
#
# --attach sets up a drive this script encrypted before (after replacing a dead SD card):
# nothing is formatted, the check-ins on the drive are kept.
#
# Steps: refuses a device that is mounted, in use, holds the root or boot filesystem, or
# (unless --attach) is already encrypted; asks to type the device's name (unless --yes);
# stops checkin-kiosk.service; encrypts and formats the device; copies the data directory
# onto it and checks the copy byte for byte and with SQLite's integrity check; writes
# /etc/crypttab and /etc/fstab entries; moves the old directory aside as a dated backup
# (never deletes it); mounts the drive in its place and starts the kiosk again. The
# kiosk's unit must require the mount (RequiresMountsFor=, as the package's unit does),
# so that without its drive the kiosk does not start rather than write to the SD card.
#
# CHECKIN_KIOSK_DATA_DIR and CHECKIN_KIOSK_ETC_DIR replace /var/lib/checkin-kiosk and /etc
# (for tests).
set -euo pipefail

prog=${0##*/}
data_dir=${CHECKIN_KIOSK_DATA_DIR:-/var/lib/checkin-kiosk}
etc_dir=${CHECKIN_KIOSK_ETC_DIR:-/etc}
mapper_name=checkin-data
mapper=/dev/mapper/$mapper_name
key_file=$etc_dir/cryptsetup-keys.d/$mapper_name.key
kiosk_unit=checkin-kiosk.service
kiosk_user=checkin-kiosk
min_size=$((128 * 1024 * 1024))
# A drive that is not there at boot fails after this long (a clear failure on the console
# and in the journal) instead of the kiosk starting on an empty directory.
source_device_timeout=90s

usage() {
  cat >&2 <<EOF
usage: $prog --tang URL [--tang-thumbprint THP] [--yes] [--dry-run] DEVICE
       $prog --key-file [--yes] [--dry-run] DEVICE
       $prog --attach [--key-file] [--dry-run] DEVICE
Encrypts DEVICE (a partition or USB drive; everything on it is erased) and moves
$data_dir onto it. --attach reuses a drive this script encrypted before.
EOF
  exit 2
}
die() {
  echo "$prog: $*" >&2
  exit 1
}
say() { printf '%s\n' "$*"; }

mode=format unlock='' tang_url='' tang_thumbprint='' assume_yes=0 dry_run=0 device_arg=''
while [ $# -gt 0 ]; do
  case $1 in
    --tang) [ $# -ge 2 ] || usage; [ "$unlock" != keyfile ] || die "choose one of --tang and --key-file"; unlock=tang tang_url=$2; shift ;;
    --tang-thumbprint) [ $# -ge 2 ] || usage; tang_thumbprint=$2; shift ;;
    --key-file) [ "$unlock" != tang ] || die "choose one of --tang and --key-file"; unlock=keyfile ;;
    --attach) mode=attach ;;
    --yes) assume_yes=1 ;;
    --dry-run) dry_run=1 ;;
    -h | --help) usage ;;
    -*) echo "$prog: unknown option $1" >&2; usage ;;
    *) [ -z "$device_arg" ] || usage; device_arg=$1 ;;
  esac
  shift
done
[ -n "$device_arg" ] || usage
if [ "$mode" = attach ]; then
  [ -z "$tang_url" ] || die "--attach uses the tang binding already on the drive: leave out --tang (or give --key-file)"
  [ "$assume_yes" = 0 ] || die "--attach erases nothing: --yes does not apply"
  [ -n "$unlock" ] || unlock=tang
fi
[ -n "$unlock" ] || die "say how the kiosk unlocks the drive at boot: --tang URL (recommended: the coordinator's tang server) or --key-file (a key on the SD card)"
if [ -n "$tang_url" ]; then
  [[ $tang_url =~ ^https?://[][A-Za-z0-9._:/-]+$ ]] || die "--tang wants the tang server's URL, e.g. http://coordinator.example.org:7500 (got '$tang_url')"
fi
[ -z "$tang_thumbprint" ] || [ -n "$tang_url" ] || die "--tang-thumbprint goes with --tang"
[ -z "$tang_thumbprint" ] || [[ $tang_thumbprint =~ ^[A-Za-z0-9_-]+$ ]] || die "--tang-thumbprint: '$tang_thumbprint' is not a key thumbprint"

# --- what may be touched -----------------------------------------------------------------

# A column of the top-most mount at MOUNTPOINT (mounts can stack); fails when nothing is mounted there.
mount_field() { findmnt -n -v --direction backward --first-only -o "$1" --mountpoint "$2" 2>/dev/null; }

# Every device under the root and boot filesystems (partitions, their disks, dm layers).
protected_devices() {
  local target source
  for target in / /boot /boot/firmware /media/root-ro; do
    for source in "$(mount_field SOURCE "$target" || true)" \
                  "$(findmnt --fstab -nvo SOURCE --mountpoint "$target" 2>/dev/null || true)"; do
      case $source in
        /dev/*) ;;
        *=*) source=$(findfs "$source" 2>/dev/null) || continue ;;  # UUID=, PARTUUID=, LABEL=
        *) continue ;;
      esac
      if [ -b "$source" ]; then lsblk -nsrpo NAME "$source" 2>/dev/null || true; fi
    done
  done
}

check_device() {
  [ -e "$device_arg" ] || die "$device_arg does not exist"
  [ -b "$device_arg" ] || die "$device_arg is not a block device"
  device=$(readlink -f "$device_arg")
  device_name=${device##*/}
  local info type read_only size
  info=$(lsblk -dnbo TYPE,RO,SIZE "$device" 2>/dev/null) || die "$device cannot be read (no medium, or a drive that went away?)"
  read -r type read_only size <<<"$info"
  case $type in
    disk | part | loop) ;;
    *) die "$device is a '$type' device: give a disk, a partition or a USB drive" ;;
  esac
  local protected
  protected=$(protected_devices)
  if grep -qxF "$device" <<<"$protected"; then
    die "$device holds the root or boot filesystem: give a separate partition or a USB drive"
  fi
  local mounted
  mounted=$(lsblk -nro MOUNTPOINTS "$device" | sed '/^$/d' | paste -sd' ' -)
  [ -z "$mounted" ] || die "$device (or a partition on it) is in use, mounted at: $mounted. Unmount it first."
  local users
  users=$(lsblk -nro NAME,TYPE "$device" | awk 'NR > 1 && $2 != "part" { print $1 " (" $2 ")" }' | paste -sd' ' -)
  [ -z "$users" ] || die "$device is in use by $users"
  [ "$read_only" = 0 ] || die "$device is read-only"
  [ "$size" -ge "$min_size" ] || die "$device is too small ($((size / 1024 / 1024)) MiB); the data partition needs at least $((min_size / 1024 / 1024)) MiB"
  if [ "$mode" = format ] && cryptsetup isLuks "$device" 2>/dev/null; then
    die "$device is already encrypted; it may be a kiosk's data drive holding check-ins not yet synced. To use it on this kiosk: $prog --attach $device_arg. To erase it on purpose: wipefs --all $device, then run this again."
  fi
  if [ "$mode" = attach ] && ! cryptsetup isLuks "$device" 2>/dev/null; then
    die "$device is not an encrypted (LUKS) drive; --attach is for a drive this script encrypted before"
  fi
}

describe_device() {
  local size model transport parent contents
  size=$(lsblk -dno SIZE "$device" | tr -d ' ')
  model=$(lsblk -dno MODEL "$device" | sed 's/ *$//')
  transport=$(lsblk -dno TRAN "$device" | tr -d ' ')
  parent=$(lsblk -dno PKNAME "$device" | tr -d ' ')
  if [ -n "$parent" ]; then
    [ -n "$model" ] || model=$(lsblk -dno MODEL "/dev/$parent" | sed 's/ *$//')
    [ -n "$transport" ] || transport=$(lsblk -dno TRAN "/dev/$parent" | tr -d ' ')
  fi
  # Probing the device itself also works without udev's records.
  local type label table
  type=$(blkid -p -s TYPE -o value "$device" 2>/dev/null || true)
  label=$(blkid -p -s LABEL -o value "$device" 2>/dev/null || true)
  table=$(blkid -p -s PTTYPE -o value "$device" 2>/dev/null || true)
  if [ "$type" = crypto_LUKS ]; then type="an encrypted (LUKS)"; else type=${type:+a $type}; fi
  contents=${type:+$type filesystem${label:+ labelled "$label"}}
  contents=${contents:-${table:+a $table partition table}}
  printf '%s, %s%s, %s' "$size" "${model:-unknown model}" "${transport:+ ($transport)}" \
    "${contents:-no filesystem found on it}"
}

check_tools() {
  local missing=() tool
  local tools=(cryptsetup mkfs.ext4 wipefs)
  [ "$mode" = attach ] || tools+=(sqlite3 cmp)
  for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]} (apt-get install cryptsetup e2fsprogs util-linux sqlite3 diffutils)"
  if [ "$unlock" = tang ]; then
    if ! command -v clevis-luks-bind >/dev/null || ! command -v clevis-luks-unlock >/dev/null; then
      die "tang unlocking needs clevis: apt-get install clevis clevis-luks clevis-systemd"
    fi
    [ -e /lib/systemd/system/clevis-luks-askpass.path ] || [ -e /usr/lib/systemd/system/clevis-luks-askpass.path ] ||
      die "unlocking at boot needs clevis-systemd: apt-get install clevis-systemd"
  fi
}

check_data_dir() {
  [ -d "$data_dir" ] || die "$data_dir does not exist: install the checkin-kiosk package first"
  if mountpoint -q "$data_dir"; then
    die "$data_dir is already a separate mount (from $(mount_field SOURCE "$data_dir")): this script moves it from the SD card onto a new drive"
  fi
  [ ! -e "$mapper" ] || die "$mapper is already open: close it first (cryptsetup close $mapper_name)"
  # Without the drive the kiosk must not start: StateDirectory= would give it the empty
  # directory underneath, on the SD card.
  local paths
  if paths=$(systemctl show -p RequiresMountsFor --value "$kiosk_unit" 2>/dev/null); then
    [[ " $paths " == *" $data_dir "* ]] ||
      die "$kiosk_unit does not require $data_dir to be mounted. Add 'RequiresMountsFor=$data_dir' under [Unit] (sudo systemctl edit $kiosk_unit), then run this again."
  else
    echo "$prog: systemd cannot say whether $kiosk_unit requires $data_dir to be mounted; it must (RequiresMountsFor=)" >&2
  fi
  if [ "$(mount_field FSTYPE / || true)" = overlay ]; then
    [ "$dry_run" = 1 ] || die "the root filesystem is a read-only overlay: what this script writes would vanish at the next boot. Run checkin-kiosk-read-only-root disable, reboot, then run this again."
  fi
}

# --- doing it ----------------------------------------------------------------------------

run() {
  if [ "$dry_run" = 1 ]; then
    printf '+'; printf ' %q' "$@"; printf '\n'
  else
    "$@"
  fi
}

work='' formatted=0 staging_mounted=0 mapper_opened=0 kiosk_was_active=0 switched=0
restore_files=()
cleanup() {
  local status=$?
  if [ "$staging_mounted" = 1 ]; then umount "$work/mnt" || true; fi
  if [ "$status" != 0 ] && [ "$switched" = 0 ]; then
    # Nothing was moved: put back the configuration files and close the new drive.
    local file
    for file in "${restore_files[@]}"; do
      if [ -e "$work/saved/${file//\//_}" ]; then cp -p "$work/saved/${file//\//_}" "$file"; else rm -f "$file"; fi
    done
    if [ "$mapper_opened" = 1 ]; then cryptsetup close "$mapper_name" || true; fi
    if [ "$formatted" = 1 ]; then echo "$prog: stopped; $data_dir was not changed ($device is left encrypted but unused)" >&2; fi
  fi
  if [ "$kiosk_was_active" = 1 ]; then systemctl start "$kiosk_unit" || echo "$prog: could not start $kiosk_unit again" >&2; fi
  [ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT

confirm_erase() {
  say "Everything on $device will be erased: $(describe_device)."
  [ "$assume_yes" = 0 ] && [ "$dry_run" = 0 ] || return 0
  printf 'Type %s to go on: ' "$device_name"
  local answer
  read -r answer || die "no answer; nothing was changed (--yes skips this question)"
  [ "$answer" = "$device_name" ] || die "the answer was not $device_name; nothing was changed"
}

# 40 characters of base32 (200 random bits) in groups of five: easy to copy out by hand.
new_recovery_passphrase() { head -c 25 /dev/urandom | base32 | fold -w5 | paste -sd- -; }

show_recovery_passphrase() {
  say ""
  say "Recovery passphrase (opens the data drive without the tang server or key file):"
  say ""
  say "    $recovery"
  say ""
  say "Give it to the coordinator to keep safe, away from the kiosk. It is not stored on the"
  say "kiosk, and without it a broken SD card or an unreachable tang server can lock the records away."
  [ "$assume_yes" = 0 ] && [ "$dry_run" = 0 ] || return 0
  printf 'Type its last five characters to confirm it is written down: '
  local answer
  read -r answer || die "no answer; nothing was changed"
  [ "$answer" = "${recovery: -5}" ] || die "that does not match; nothing was changed"
}

read_recovery_passphrase() {
  if [ "$dry_run" = 1 ]; then
    say "would ask for the recovery passphrase"
    return
  fi
  if [ -t 0 ]; then
    read -rs -p "Recovery passphrase of $device: " recovery
    echo
  else
    read -r recovery || die "no recovery passphrase given"
  fi
  printf '%s' "$recovery" >"$work/recovery"
  cryptsetup open --test-passphrase --key-slot 0 --key-file "$work/recovery" "$device" ||
    die "that is not the recovery passphrase of $device"
}

stop_kiosk() {
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$kiosk_unit" 2>/dev/null; then
    run systemctl stop "$kiosk_unit"
    [ "$dry_run" = 1 ] || kiosk_was_active=1
  fi
  local busy
  # Races with processes that come and go make find complain: only its matches count.
  busy=$( (find /proc/[0-9]*/fd -lname "$data_dir/*" 2>/dev/null || true) | cut -d/ -f3 | sort -u | paste -sd' ' -)
  [ -z "$busy" ] || [ "$dry_run" = 1 ] || die "processes $busy still have files open in $data_dir: stop them first"
}

encrypt_device() {
  run wipefs --all --quiet "$device"
  run cryptsetup luksFormat --batch-mode --type luks2 --label "$mapper_name" --key-slot 0 \
    --key-file "$work/recovery" "$device"
  [ "$dry_run" = 1 ] || formatted=1
  uuid=$(run_or_placeholder cryptsetup luksUUID "$device")
  add_automatic_unlock
}

add_automatic_unlock() {
  if [ "$unlock" = tang ]; then
    local config trust=()
    config="{\"url\":\"$tang_url\"${tang_thumbprint:+,\"thp\":\"$tang_thumbprint\"}}"
    # Without a thumbprint clevis shows the server's keys and asks whether to trust them;
    # --yes trusts them as they are.
    if [ -z "$tang_thumbprint" ] && [ "$assume_yes" = 1 ]; then trust=(-y); fi
    run clevis luks bind "${trust[@]}" -d "$device" -s 1 -k "$work/recovery" tang "$config"
  else
    run install -d -m 0700 "${key_file%/*}"
    if [ "$dry_run" = 0 ]; then
      (umask 077 && head -c 4096 /dev/urandom >"$key_file.new")
      mv "$key_file.new" "$key_file"
    fi
    # The key is 4096 random bytes: a slow key derivation would only slow down every boot.
    run cryptsetup luksAddKey --batch-mode --key-file "$work/recovery" --new-key-slot 1 \
      --pbkdf pbkdf2 --pbkdf-force-iterations 1000 "$device" "$key_file"
  fi
}

# On a replacement SD card: a new key file replaces the one lost with the old card.
reattach_key_file() {
  local header
  header=$(cryptsetup luksDump "$device")
  if grep -q '^[[:space:]]*[0-9]*: clevis' <<<"$header"; then
    die "$device is bound to a tang server: run --attach without --key-file"
  fi
  if grep -q '^[[:space:]]*1: luks2' <<<"$header"; then
    run cryptsetup luksKillSlot --batch-mode --key-file "$work/recovery" "$device" 1
  fi
  add_automatic_unlock
}

run_or_placeholder() {
  if [ "$dry_run" = 1 ]; then echo "<luks-uuid>"; else "$@"; fi
}

open_device() {
  if [ "$mode" = attach ] && [ "$unlock" = tang ]; then
    # Unlocking through tang here proves the server is reachable from this kiosk.
    run clevis luks unlock -d "$device" -n "$mapper_name" ||
      die "could not unlock $device through its tang server: can this kiosk reach it? Nothing was changed."
  else
    run cryptsetup open --key-file "$work/recovery" "$device" "$mapper_name"
  fi
  [ "$dry_run" = 1 ] || mapper_opened=1
}

# Format: copies the data directory onto the drive and checks the copy. Attach: gives the
# drive's files to this kiosk's user, whose uid may differ on a new SD card.
fill_drive() {
  if [ "$dry_run" = 1 ]; then
    say "would copy $data_dir onto $mapper and check the copy"
    return
  fi
  mount "$mapper" "$work/mnt"
  staging_mounted=1
  local owner group access
  read -r owner group access < <(stat -c '%u %g %a' "$data_dir")
  if [ "$owner:$access" = 0:0 ] && id "$kiosk_user" >/dev/null 2>&1; then
    # The closed mount point of a drive that died: the drive is the kiosk user's.
    owner=$kiosk_user group=$kiosk_user access=750
  fi
  if [ "$mode" = format ]; then
    cp -a "$data_dir/." "$work/mnt/"
    chown "$owner:$group" "$work/mnt"
    chmod "$access" "$work/mnt"
    verify_copy "$data_dir" "$work/mnt"
  else
    find "$work/mnt" -path "$work/mnt/lost+found" -prune -o -exec chown -h "$owner:$group" {} +
    chmod "$access" "$work/mnt"
    local files
    files=$(cd "$work/mnt" && find . -path ./lost+found -prune -o -type f -printf '%P ')
    say "On the drive: ${files:-no files}"
  fi
  umount "$work/mnt"
  staging_mounted=0
}

# The file list (type, owner, mode, size of files) under a directory, without mkfs's lost+found.
tree_listing() {
  (cd "$1" && find . -mindepth 1 -path ./lost+found -prune -o -printf '%y %U:%G %m %s %p\n') |
    awk '$1 == "d" { $4 = "-" } 1' | LC_ALL=C sort
}

verify_copy() {
  local from=$1 to=$2
  diff <(tree_listing "$from") <(tree_listing "$to") >&2 ||
    die "the copy's files, owners or modes differ from $from (listed above); $from is unchanged"
  local file
  while IFS= read -r -d '' file; do
    cmp -s "$from/$file" "$to/$file" || die "$file differs after copying; $from is unchanged"
    if [ "$(head -c 15 "$to/$file" | tr -d '\0')" = "SQLite format 3" ]; then check_database "$to/$file"; fi
  done < <(cd "$from" && find . -type f -printf '%P\0')
}

# integrity_check on a scratch copy: opening the real file as root could leave -wal/-shm
# files the kiosk's user cannot open.
check_database() {
  local db=$1 scratch=$work/check/${1##*/}
  mkdir -p "$work/check"
  cp "$db" "$scratch"
  if [ -e "$db-wal" ]; then cp "$db-wal" "$scratch-wal"; fi
  local result
  result=$(sqlite3 "$scratch" "PRAGMA integrity_check" 2>&1) || true
  [ "$result" = ok ] || die "${db##*/} fails SQLite's integrity check ($result); $data_dir is unchanged"
  rm -f "$scratch" "$scratch-wal" "$scratch-shm"
  say "Checked ${db##*/}: same bytes as the original, SQLite integrity check ok."
}

# Replaces the line of FILE whose FIELD-th field is KEY (or adds one), keeping a copy of the
# file so a failure before the switch can put it back.
set_table_entry() {
  local file=$1 field=$2 key=$3 line=$4
  if [ "$dry_run" = 1 ]; then
    say "would set in $file: $line"
    return
  fi
  mkdir -p "$work/saved"
  if [ -e "$file" ]; then cp -p "$file" "$work/saved/${file//\//_}"; fi
  restore_files+=("$file")
  local old
  old=$(awk -v f="$field" -v k="$key" '$1 !~ /^#/ && $f == k' "$file" 2>/dev/null || true)
  [ -z "$old" ] || say "replacing in $file: $old"
  {
    awk -v f="$field" -v k="$key" '$1 ~ /^#/ || $f != k' "$file" 2>/dev/null || true
    printf '%s\n' "$line"
  } >"$file.new"
  if [ -e "$file" ]; then chmod --reference="$file" "$file.new"; fi
  mv "$file.new" "$file"
}

write_boot_configuration() {
  local crypt_options mount_options key=none
  crypt_options="luks,nofail,x-systemd.device-timeout=$source_device_timeout"
  # Once the drive is there, the mount waits as long as unlocking takes: clevis keeps asking
  # the tang server until the network is up, and the console asks for the recovery
  # passphrase meanwhile. The kiosk starts as soon as its data is mounted.
  mount_options="defaults,noatime,nofail,x-systemd.device-timeout=infinity"
  if [ "$unlock" = keyfile ]; then
    key=$key_file
  else
    crypt_options+=",_netdev"
    mount_options+=",_netdev"
  fi
  set_table_entry "$etc_dir/crypttab" 1 "$mapper_name" "$mapper_name UUID=$uuid $key $crypt_options"
  set_table_entry "$etc_dir/fstab" 2 "$data_dir" "$mapper $data_dir ext4 $mount_options 0 2"
  if command -v systemctl >/dev/null; then
    run systemctl daemon-reload || echo "$prog: systemctl daemon-reload failed; reboot to apply" >&2
    if [ "$unlock" = tang ]; then
      run systemctl enable clevis-luks-askpass.path || echo "$prog: could not enable clevis-luks-askpass.path" >&2
    fi
  fi
}

# Moves the old directory aside (kept, never deleted) and mounts the drive in its place.
switch_to_drive() {
  local owner group access
  read -r owner group access < <(stat -c '%u %g %a' "$data_dir")
  backup=
  if [ -n "$(ls -A "$data_dir")" ]; then backup=$data_dir.before-encryption-$(date +%Y%m%dT%H%M%S); fi
  if [ "$dry_run" = 1 ]; then
    if [ -n "$backup" ]; then say "would move $data_dir to $backup"; fi
    say "would mount $mapper on $data_dir"
    return
  fi
  if [ -n "$backup" ]; then mv "$data_dir" "$backup"; else rmdir "$data_dir"; fi
  switched=1
  # The directory under the mount point is root's and closed: with the drive missing,
  # nothing can write check-ins there by mistake.
  if mkdir -m 000 "$data_dir" && mount --fstab "$etc_dir/fstab" "$data_dir"; then
    [ "$(readlink -f "$(mount_field SOURCE "$data_dir")")" = "$(readlink -f "$mapper")" ] ||
      die "$data_dir is mounted, but not from $mapper: check $etc_dir/fstab"
    return
  fi
  rmdir "$data_dir" 2>/dev/null || true
  if [ -n "$backup" ]; then mv "$backup" "$data_dir"; else install -d -o "$owner" -g "$group" -m "$access" "$data_dir"; fi
  switched=0
  die "could not mount $mapper on $data_dir; the data directory is back as it was"
}

# --- main --------------------------------------------------------------------------------

check_device
check_data_dir
check_tools
[ "$dry_run" = 1 ] || [ "$(id -u)" = 0 ] || die "run as root (sudo $prog ...)"
# The passphrase is written only to /run, which is in RAM: never to the SD card.
if [ "$dry_run" = 1 ]; then work=$(mktemp -d); else work=$(mktemp -d "/run/$prog.XXXXXX"); fi
mkdir "$work/mnt"

if [ "$mode" = format ]; then
  confirm_erase
  recovery=$(new_recovery_passphrase)
  if [ "$dry_run" = 1 ]; then recovery="<recovery passphrase>"; fi
  printf '%s' "$recovery" >"$work/recovery"
  show_recovery_passphrase
  stop_kiosk
  encrypt_device
  open_device
  run mkfs.ext4 -q -F -L "$mapper_name" "$mapper"
else
  say "Attaching $device ($(describe_device)); nothing on it is erased."
  uuid=$(cryptsetup luksUUID "$device")
  if [ "$unlock" = keyfile ]; then
    read_recovery_passphrase
    reattach_key_file
  elif ! grep -q tang <<<"$(clevis luks list -d "$device" 2>/dev/null)"; then
    die "$device has no tang binding: use --attach --key-file (it asks for the recovery passphrase)"
  fi
  stop_kiosk
  open_device
fi

fill_drive
write_boot_configuration
switch_to_drive

if [ "$dry_run" = 1 ]; then
  say "Dry run: nothing was changed."
  exit 0
fi
say ""
say "Done: $data_dir is now on $device (LUKS2, UUID $uuid), unlocked at boot by $(
  if [ "$unlock" = keyfile ]; then echo "the key file $key_file"; else echo "the tang server ${tang_url:-it is bound to}"; fi)."
if [ -n "${backup:-}" ]; then
  say "The data as it was before is kept in $backup. Once the kiosk works (scan a test pass),"
  say "delete it: sudo rm -rf $backup (see POWER-AND-PRIVACY.md about what an SD card keeps)."
fi
say "Reboot once now to see the drive unlock by itself: sudo reboot"
