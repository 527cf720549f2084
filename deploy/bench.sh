#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Benchmarks (not tests): each prints its figures and a ratio against a baseline
# measured in the same run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh"
bench="$root/build/tests/bench"
work=$(mktemp -d)
chmod 755 "$work"  # the PostgreSQL cluster inside runs as the postgres user
trap 'sh "$root/tests/support/postgres.sh" stop "$work/pg" 2>/dev/null || true; rm -rf "$work"' EXIT
# The decoder: per-frame cost, then frames until found over the blackbox samples.
"$root/build/tests/qr/qr_generate_samples" "$work/qr-samples" >/dev/null
"$bench/decode_bench" 60 "$work/qr-samples"
echo
"$bench/store_bench" 2000 "$work"
echo
"$bench/kiosk_bench" 200 "$work/kiosk" 2>/dev/null
echo
bash "$root/tests/bench/kiosk_idle.sh" "$root/build/kiosk/app/checkin-kiosk" "$work/kiosk/empty-scene" 30
echo
# Sync: a real checkin-server on 127.0.0.1, on SQLite and on a throwaway PostgreSQL.
sh "$root/tests/support/postgres.sh" start "$work/pg"
export CHECKIN_TEST_POSTGRES="$work/pg"
"$bench/sync_bench" ingest 50 2000 sqlite "$work/ingest-sqlite" 2>/dev/null
echo
"$bench/sync_bench" ingest 50 2000 postgresql "$work/ingest-pg" 2>/dev/null
echo
"$bench/sync_bench" download 20000 2000 1000 sqlite "$work/download" 2>/dev/null
echo
# One site's doors: a check-in reaching the other doors through the site feed, and what
# following the feed costs the server with 50 kiosks.
"$bench/doors_bench" latency 2 100 sqlite "$work/doors-2" 2>/dev/null
echo
"$bench/doors_bench" latency 10 100 sqlite "$work/doors-10" 2>/dev/null
echo
"$bench/doors_bench" latency 10 100 postgresql "$work/doors-10-pg" 2>/dev/null
echo
"$bench/doors_bench" load 50 20 sqlite "$work/doors-load" 2>/dev/null
echo
# Coordinator reports: a year at three sites, the store's report, the dashboard's CSV,
# the live board and a sign-in, on SQLite and on PostgreSQL.
"$bench/report_bench" report 3 52 sqlite "$work/report-sqlite" 2>/dev/null
echo
"$bench/report_bench" report 3 52 postgresql "$work/report-pg" 2>/dev/null
