#!/usr/bin/env bash
# Builds the Debian packages checkin-kiosk and checkin-server for this machine's
# architecture into build/packages/ (arm64 from an amd64 machine: cross-build-arm64.sh).
# Install them with: sudo apt install ./build/packages/checkin-server_*.deb
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/deploy/build.sh" checkin-kiosk checkin checkin-server
rm -rf "$root/build/packages"
(cd "$root/build" && cpack -G DEB -B "$root/build/packages" >"$root/build/cpack.log" 2>&1) || {
  echo "package: cpack failed; its log:" >&2
  cat "$root/build/cpack.log" >&2
  exit 1
}
rm -rf "$root/build/packages/_CPack_Packages"
for deb in "$root"/build/packages/*.deb; do
  echo "$deb: $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version) $(dpkg-deb -f "$deb" Architecture)"
done
