#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Runs browser tests: Debian's chromium (headless) driven by playwright-core from npm.
#   tests/browser/run.sh --server PATH --kiosk PATH --out DIR TEST.mjs [TEST.mjs...]
# Installs what is missing first: chromium through deploy/install-deps.sh, and the npm
# packages of package-lock.json into tests/browser/node_modules (`npm ci`, only when the
# lockfile changed since the last install, so a machine offline reuses what it has).
# Each test runs as `node TEST.mjs` with CHECKIN_SERVER, CHECKIN_KIOSK and
# CHECKIN_BROWSER_OUT (screenshots, logs) in its environment; see lib.mjs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

server="" kiosk="" out=""
tests=()
while [ $# -gt 0 ]; do
  case $1 in
    --server) server=$2; shift 2 ;;
    --kiosk) kiosk=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    *) tests+=("$1"); shift ;;
  esac
done
if [ ${#tests[@]} -eq 0 ] || [ -z "$server" ]; then
  echo "usage: run.sh --server CHECKIN_SERVER [--kiosk CHECKIN_KIOSK] [--out DIR] TEST.mjs..." >&2
  exit 2
fi
[ -x "$server" ] || { echo "run.sh: no checkin-server at $server" >&2; exit 2; }
out=${out:-$(pwd)/browser-out}
mkdir -p "$out"

if [ ! -x /usr/bin/chromium ] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "run.sh: chromium or node missing: running deploy/install-deps.sh" >&2
  "$repo/deploy/install-deps.sh"
fi

# npm ci only when package-lock.json differs from the one node_modules was installed from.
# Tests run in parallel share node_modules: one installs, the others wait on the lock.
install_node_modules() {
  local stamp=$here/node_modules/.installed-from-lock
  local want
  want=$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)
  exec 9<"$here/package-lock.json"
  flock 9
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exec 9<&-
    return 0
  fi
  echo "run.sh: npm ci in $here" >&2
  if ! (cd "$here" && npm ci --no-audit --no-fund --prefer-offline >&2); then
    echo "run.sh: npm ci failed; see above. The first run needs the npm registry (later runs reuse" >&2
    echo "  node_modules); behind a TLS-inspecting proxy, point NODE_EXTRA_CA_CERTS at the proxy's CA." >&2
    exec 9<&-
    return 1
  fi
  echo "$want" >"$stamp"
  exec 9<&-
}
install_node_modules

export CHECKIN_SERVER=$server CHECKIN_KIOSK=$kiosk CHECKIN_BROWSER_OUT=$out
# No display: chromium runs headless whatever the environment says.
unset DISPLAY WAYLAND_DISPLAY
status=0
for test in "${tests[@]}"; do
  case $test in /*) ;; *) test=$here/$test ;; esac
  node "$test" || status=1
done
exit $status
