#!/usr/bin/env bash
# A consistent copy of checkin-server's database while the server keeps running.
#   checkin-server-backup.sh DATABASE OUT_DIR
# DATABASE is what server.toml's database.url says: a SQLite file path, or a
# postgresql://... URL. Writes OUT_DIR/checkin-server-<UTC time>.sqlite (SQLite's online
# backup: a consistent snapshot even with the server writing) or .pgdump (pg_dump's
# custom format), then checks the copy can be read. Keep copies somewhere else than the
# server, and protect them like the server: they hold the pass-signing keys.
#
# Restore (with the server stopped):
#   SQLite:     cp checkin-server-<time>.sqlite /var/lib/checkin-server/server.db
#               (remove server.db-wal and server.db-shm first), chown to checkin-server
#   PostgreSQL: pg_restore --clean --if-exists --no-owner -d postgresql://... checkin-server-<time>.pgdump
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 DATABASE OUT_DIR   (DATABASE: a SQLite file or a postgresql:// URL)" >&2
  exit 2
fi
database=$1
out_dir=$2
mkdir -p "$out_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
umask 077
case "$database" in
  postgres://* | postgresql://*)
    out="$out_dir/checkin-server-$stamp.pgdump"
    pg_dump --format=custom --file="$out.partial" "$database"
    pg_restore --list "$out.partial" >/dev/null
    ;;
  *)
    if [ ! -f "$database" ]; then
      echo "$0: no database file at $database" >&2
      exit 1
    fi
    out="$out_dir/checkin-server-$stamp.sqlite"
    sqlite3 "$database" ".timeout 10000" ".backup '$out.partial'"
    check=$(sqlite3 "$out.partial" "PRAGMA integrity_check")
    if [ "$check" != ok ]; then
      echo "$0: the copy failed its integrity check: $check" >&2
      exit 1
    fi
    ;;
esac
mv "$out.partial" "$out"
echo "$out"
