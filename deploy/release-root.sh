# SPDX-License-Identifier: AGPL-3.0-or-later
# Debian releases the project builds for, and roots of them made with debootstrap, so that
# a Debian 12 machine can build, test and package for Debian 13 and the other way round.
# Sourced by package.sh, cross-build-arm64.sh, test-release.sh and verify-packages.sh.
#
#   release_check NAME            dies unless NAME is a release we build for
#   release_number NAME           bookworm -> 12, trixie -> 13
#   host_release                  this machine's release (VERSION_CODENAME)
#   release_base NAME             a minimal root of NAME, made once, never changed (echoes its path)
#   release_fresh_root NAME DIR   DIR becomes a fresh copy of that base
#   release_build_root NAME       a root of NAME that keeps the project's packages between runs
#   release_mount ROOT [DIR]      /proc, /sys, /dev (and DIR at its own path) inside ROOT
#   release_unmount ROOT [DIR]
#   release_run ROOT DIR CMD...   runs CMD as root inside ROOT, in DIR
#   release_processes ROOT        "PID COMMAND" of every process running inside ROOT
#   release_stop_processes ROOT   ends them (TERM, then KILL after 5 s)
#
# Roots live in $CHECKIN_ROOTS (default /var/tmp/checkin-roots). Needs root and debootstrap.

release_names=(bookworm trixie)
CHECKIN_ROOTS=${CHECKIN_ROOTS:-/var/tmp/checkin-roots}

release_die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

release_check() {
  local name
  for name in "${release_names[@]}"; do [ "$1" = "$name" ] && return 0; done
  release_die "unknown release '$1' (one of: ${release_names[*]})"
}

release_number() {
  case $1 in
    bookworm) echo 12 ;;
    trixie) echo 13 ;;
    *) release_die "unknown release '$1'" ;;
  esac
}

host_release() { (. /etc/os-release && echo "${VERSION_CODENAME:-unknown}"); }

# This machine's Debian mirror, or Debian's own.
release_mirror() {
  local mirror
  mirror=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -oE 'https?://[^ ]+/debian$' | head -1)
  [ -n "$mirror" ] || mirror=$(grep -hoE '^deb https?://[^ ]+/debian ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -1)
  echo "${mirror:-http://deb.debian.org/debian}"
}

release_base() {
  local name=$1 base=$CHECKIN_ROOTS/$1-base
  if [ ! -x "$base/bin/bash" ]; then
    [ "$(id -u)" -eq 0 ] || release_die "making a Debian root needs root: run with sudo"
    command -v debootstrap >/dev/null || { apt-get update -q && apt-get install -y -q debootstrap; } >&2
    local mirror
    mirror=$(release_mirror)
    mkdir -p "$CHECKIN_ROOTS" && rm -rf "$base" "$base.partial"
    echo "release-root: debootstrap $name from $mirror into $base (once; log: $base.log)" >&2
    debootstrap --variant=minbase "$name" "$base.partial" "$mirror" >"$base.log" 2>&1 \
      || release_die "debootstrap $name failed; the end of $base.log: $(tail -n 5 "$base.log")"
    # The release, its updates and its security fixes, as a Debian installer sets them up.
    printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s-security %s-security main\n' \
      "$mirror" "$name" "$mirror" "$name" "$mirror" "$name" >"$base.partial/etc/apt/sources.list"
    mv "$base.partial" "$base"
  fi
  echo "$base"
}

release_fresh_root() {
  local base
  base=$(release_base "$1")
  release_unmount "$2"
  rm -rf "$2" && mkdir -p "$(dirname "$2")" && cp -a "$base" "$2"
  cp /etc/resolv.conf "$2/etc/resolv.conf"
}

release_build_root() {
  local root=$CHECKIN_ROOTS/$1-build
  [ -x "$root/bin/bash" ] || release_fresh_root "$1" "$root" >&2
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  echo "$root"
}

release_mount() {
  local root=$1 dir=${2:-}
  release_unmount "$root" "$dir"
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
  mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
  if [ -n "$dir" ]; then
    mkdir -p "$root$dir" && mount --bind "$dir" "$root$dir"
  fi
}

release_unmount() {
  local root=$1 dir=${2:-} m
  [ -d "$root" ] || return 0
  # Nothing mounted there is fine (under set -e a failed umount would end the caller).
  if [ -n "$dir" ]; then umount -l "$root$dir" 2>/dev/null || true; fi
  for m in proc sys dev; do umount -l "$root/$m" 2>/dev/null || true; done
  return 0
}

release_run() {
  local root=$1 dir=$2
  shift 2
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    TERM="${TERM:-dumb}" bash -c 'cd "$1" && shift && exec "$@"' run "$dir" "$@"
}

release_processes() {
  local proc
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/root" 2>/dev/null)" = "$1" ] && echo "${proc#/proc/} $(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null)"
  done
  return 0
}

release_stop_processes() {
  local pid _ i
  while read -r pid _; do kill "$pid" 2>/dev/null; done < <(release_processes "$1")
  for i in $(seq 50); do
    [ -z "$(release_processes "$1")" ] && return 0
    sleep 0.1
  done
  while read -r pid _; do kill -KILL "$pid" 2>/dev/null; done < <(release_processes "$1")
  return 0
}
