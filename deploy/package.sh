#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Builds the Debian packages checkin-kiosk and checkin-server of one Debian release for this
# machine's architecture (arm64 from an amd64 machine: cross-build-arm64.sh).
#
#   deploy/package.sh [bookworm|trixie]        (default: this machine's release)
#
# For this machine's release: from build/ into build/packages/. For the other one: inside a
# root of that release made with debootstrap (deploy/release-root.sh; needs root), from
# build-RELEASE/ into build-RELEASE/packages/. Each package depends on its release's
# libraries, and its version names the release: 0.2.0~deb12u1, 0.2.0~deb13u1.
# Install them with: sudo apt install ./build/packages/checkin-server_*.deb
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=release-root.sh
. "$root/deploy/release-root.sh"
release=${1:-$(host_release)}
release_check "$release"

if [ "$release" != "$(host_release)" ]; then
  [ "$(id -u)" -eq 0 ] || release_die "packages for $release are built in a $release root: run as root (sudo $0 $release)"
  build_root=$(release_build_root "$release")
  echo "package: building for $release inside $build_root"
  release_mount "$build_root" "$root"
  trap 'release_unmount "$build_root" "$root"' EXIT
  release_run "$build_root" "$root" env CHECKIN_BUILD_DIR="$root/build-$release" deploy/package.sh "$release"
  exit
fi

build=${CHECKIN_BUILD_DIR:-$root/build}
CHECKIN_BUILD_DIR=$build "$root/deploy/build.sh" checkin-kiosk checkin checkin-server
rm -rf "$build/packages"
(cd "$build" && cpack -G DEB -B "$build/packages" >"$build/cpack.log" 2>&1) || {
  echo "package: cpack failed; its log:" >&2
  cat "$build/cpack.log" >&2
  exit 1
}
rm -rf "$build/packages/_CPack_Packages"
for deb in "$build"/packages/*.deb; do
  echo "$deb: $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version) $(dpkg-deb -f "$deb" Architecture)"
  echo "  Depends: $(dpkg-deb -f "$deb" Depends)"
done
