#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Installs every Debian package that the build, the demo and the tests need, on Debian 12
# (bookworm) or Debian 13 (trixie; Raspberry Pi OS of today). Idempotent: packages already
# present are left alone. Works as root or through sudo.
set -euo pipefail
release=$(. /etc/os-release && echo "${VERSION_CODENAME:-unknown}")
# Package names that differ between the releases. Catch2 3 (Debian 13) is a compiled library
# in libcatch2-dev; its "catch2" is only a transitional package.
case $release in
  bookworm) catch2=catch2 ;;
  trixie) catch2=libcatch2-dev ;;
  *) echo "install-deps: this is ${release}; the project is built on Debian 12 (bookworm) and 13 (trixie)" >&2
     catch2=libcatch2-dev ;;
esac

packages=(
  # toolchain
  build-essential cmake pkg-config git ca-certificates
  # libraries (see ../shared/STACK.md for why each one is here)
  libsodium-dev libqrencode-dev libzxing-dev libzbar-dev libsqlite3-dev sqlite3
  libstb-dev libcli11-dev libfmt-dev libtomlplusplus-dev nlohmann-json3-dev
  libsdl2-dev libimgui-dev libcairo2-dev zlib1g-dev
  fonts-dejavu-core
  libcurl4-openssl-dev libmicrohttpd-dev libssl-dev libpqxx-dev
  libsystemd-dev
  # tests: cpp-httplib as the HTTP client of the server's tests and the kiosk's fake server
  libcpp-httplib-dev
  # tests: Catch2, a real PostgreSQL server (started by the tests in a temp dir), openssl
  # for throwaway TLS certificates
  "$catch2" postgresql openssl
  # packages (deploy/package.sh, tests/deploy): file for CPack's dependency scan, and
  # systemd-analyze to verify the units
  file systemd
  # tests: the example reverse proxy (deploy/server/nginx-checkin.conf) run for real, and
  # curl to talk to it. Where systemd runs, Debian's nginx starts its default site on port 80.
  nginx curl
  # tests: the dashboard in a real browser (Debian's chromium, headless, driven by
  # playwright-core, which tests/browser/run.sh installs from npm)
  chromium nodejs
)
# tests: the libFuzzer harnesses (tests/fuzz, built by tests/fuzz/build.sh). Debian 12's
# clang-14 cannot compile libstdc++ 12's <expected>; clang-16 can. Debian 13's clang (19) can.
if [ "$release" = bookworm ]; then
  packages+=(clang-16 libclang-rt-16-dev)
else
  packages+=(clang libclang-rt-dev)
fi
# Debian's nodejs comes without npm; NodeSource's nodejs (on some build machines) carries
# its own npm and conflicts with Debian's package.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
