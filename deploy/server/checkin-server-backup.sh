#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# A consistent copy of checkin-server's database while the server keeps running.
#   checkin-server-backup.sh [--keep N] DATABASE OUT_DIR
# DATABASE is what server.toml's database.url says: a SQLite file path, or a
# postgresql://... URL. Writes OUT_DIR/checkin-server-<UTC time>.sqlite (SQLite's VACUUM
# INTO: one read transaction, so a consistent snapshot however busy the server is) or
# .pgdump (pg_dump's custom format), checks the copy can be read, and prints its path.
# --keep N then deletes all but the N newest copies in OUT_DIR. Keep copies somewhere else
# than the server too, and protect them like the server: they hold the pass-signing keys
# and the people's names.
#
# Restore: deploy/server/README.md ("Backups and restore").
set -euo pipefail
usage() {
  echo "usage: $0 [--keep N] DATABASE OUT_DIR   (DATABASE: a SQLite file or a postgresql:// URL)" >&2
  exit 2
}
keep=
if [ "${1:-}" = --keep ]; then
  [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "$0: --keep needs a number of copies, 1 or more" >&2; exit 2; }
  keep=$2
  shift 2
fi
[ $# -eq 2 ] || usage
database=$1
out_dir=$2

umask 077
mkdir -p "$out_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
case "$database" in
  postgres://* | postgresql://*) out="$out_dir/checkin-server-$stamp.pgdump" ;;
  *) out="$out_dir/checkin-server-$stamp.sqlite" ;;
esac
partial="$out.partial"
trap 'rm -f "$partial"' EXIT
rm -f "$partial"

case "$database" in
  postgres://* | postgresql://*)
    pg_dump --format=custom --file="$partial" "$database"
    pg_restore --list "$partial" >/dev/null
    ;;
  *)
    if [ ! -f "$database" ]; then
      echo "$0: no database file at $database" >&2
      exit 1
    fi
    # Not the shell's .backup: it restarts whenever the server writes mid-copy.
    sqlite3 "$database" ".timeout 10000" "VACUUM INTO '${partial//\'/\'\'}'"
    check=$(sqlite3 "$partial" "PRAGMA integrity_check")
    if [ "$check" != ok ]; then
      echo "$0: the copy failed its integrity check: $check" >&2
      exit 1
    fi
    ;;
esac
mv "$partial" "$out"
echo "$out"

if [ -n "$keep" ]; then
  # Names sort by time; only this script's copies are ever deleted.
  find "$out_dir" -maxdepth 1 -type f -regextype posix-extended \
      -regex '.*/checkin-server-[0-9]{8}T[0-9]{6}Z\.(sqlite|pgdump)' -printf '%f\n' |
    sort -r | tail -n +"$((keep + 1))" |
    while read -r old; do rm -f -- "$out_dir/$old"; done
fi
