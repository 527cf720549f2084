#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# A throwaway PostgreSQL cluster for tests and benchmarks.
#   postgres.sh start DIR   initialise (once) and start a cluster in DIR
#   postgres.sh stop DIR    stop it and remove DIR
# The server listens only on the unix socket DIR/.s.PGSQL.5432 (no TCP), trusts local
# connections and has the superuser "postgres":
#   postgresql:///postgres?host=DIR&user=postgres
# start reuses a cluster already running in DIR and recovers one left behind by a killed
# run. PostgreSQL refuses to run as root: as root, the cluster runs as the "postgres" user.
# Prints nothing unless something fails.
set -eu

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd -P)
data=$dir/data

pg_bin=${PG_BIN:-}
if [ -z "$pg_bin" ]; then
  for candidate in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -Vr); do
    if [ -x "$candidate/pg_ctl" ]; then pg_bin=$candidate; break; fi
  done
fi
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/pg_ctl" ]; then
  echo "postgres.sh: no PostgreSQL server found in /usr/lib/postgresql/*/bin (install the postgresql package: deploy/install-deps.sh)" >&2
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "postgres.sh: running as root needs the 'postgres' system user (from the postgresql package)" >&2
    exit 1
  fi
  as_owner() { runuser -u postgres -- "$@" 9>&-; }
else
  as_owner() { "$@" 9>&-; }
fi

# The server creates its socket and lock file in DIR; a unix socket path has at most 107 bytes.
socket=$dir/.s.PGSQL.5432
if [ ${#socket} -gt 107 ]; then
  echo "postgres.sh: socket path $socket is longer than 107 bytes: choose a shorter DIR" >&2
  exit 1
fi

running() { as_owner "$pg_bin/pg_ctl" status -D "$data" >/dev/null 2>&1; }

# A postmaster.pid or socket lock whose process is gone (a killed run, a reboot) would
# stop the server from starting.
remove_stale_locks() {
  for lock in "$data/postmaster.pid" "$socket.lock"; do
    [ -f "$lock" ] || continue
    pid=$(head -n 1 "$lock" 2>/dev/null || true)
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then rm -f "$lock"; fi
  done
}

start() {
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    # The postgres user must be able to reach DIR: open up any parent it cannot traverse.
    parent=$(dirname "$dir")
    while [ "$parent" != / ]; do
      runuser -u postgres -- test -x "$parent" || chmod o+x "$parent"
      parent=$(dirname "$parent")
    done
  fi
  if [ -f "$data/PG_VERSION" ] && running; then return 0; fi
  if [ ! -f "$data/PG_VERSION" ]; then
    # An initdb interrupted half-way leaves a directory it will not reuse.
    rm -rf "$data"
    if ! as_owner "$pg_bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
        --no-instructions >"$dir/initdb.log" 2>&1; then
      echo "postgres.sh: initdb failed:" >&2
      cat "$dir/initdb.log" >&2
      exit 1
    fi
    # fsync and synchronous_commit stay on: the benchmarks measure this cluster.
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0777
fsync = on
synchronous_commit = on
max_connections = 200
shared_buffers = 32MB
max_wal_size = 256MB
logging_collector = off
log_min_messages = warning
CONF
  fi
  remove_stale_locks
  if ! as_owner "$pg_bin/pg_ctl" start -D "$data" -l "$dir/server.log" -w -t 60 -s >/dev/null 2>"$dir/pg_ctl.log"; then
    echo "postgres.sh: the server in $dir did not start:" >&2
    cat "$dir/pg_ctl.log" >&2
    tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
    exit 1
  fi
}

stop() {
  if [ -f "$data/PG_VERSION" ] && running; then
    if ! as_owner "$pg_bin/pg_ctl" stop -D "$data" -m fast -w -t 60 -s >/dev/null 2>"$dir/pg_ctl.log"; then
      echo "postgres.sh: the server in $dir did not stop:" >&2
      cat "$dir/pg_ctl.log" >&2
      exit 1
    fi
  fi
  rm -rf "$dir"
}

# One start or stop at a time per DIR (tests and benchmarks may race to start it). The
# server must not inherit the lock: as_owner closes descriptor 9 for what it runs.
exec 9>"$dir/.lock"
flock 9
case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
