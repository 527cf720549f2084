#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Cross-builds the kiosk and the server for arm64 (Raspberry Pi OS 64-bit) of one Debian
# release on an amd64 machine, runs the unit tests under qemu-user and makes the arm64 .debs.
#
#   deploy/cross-build-arm64.sh [--in-root] [bookworm|trixie] [BUILD_DIR]
#       release: default this machine's; BUILD_DIR: default build-arm64-RELEASE/ in the repository
#
# For a release other than this machine's, the whole build runs inside a root of that release
# made with debootstrap (deploy/release-root.sh; Raspberry Pi OS trixie from a Debian 12
# machine, for example); --in-root does the same for this machine's release, leaving this
# machine's dpkg and libraries as they are. There, or here: adds the arm64 architecture to dpkg, installs the
# aarch64 cross compiler, qemu-user-static and the project's libraries as :arm64 packages
# (this upgrades some amd64 libraries to the newest point release: multiarch twins must have
# equal versions), then configures with deploy/cross/aarch64-linux-gnu.cmake, builds, tests
# and packages. Safe to run again: installed packages are kept and the build is incremental.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=release-root.sh
. "$root/deploy/release-root.sh"
in_root=0
if [ "${1:-}" = --in-root ]; then in_root=1; shift; fi
release=$(host_release)
if [ $# -gt 0 ] && [[ " ${release_names[*]} " == *" $1 "* ]]; then release=$1; shift; fi
release_check "$release"
build=$(realpath -m "${1:-$root/build-arm64-$release}")
toolchain=$root/deploy/cross/aarch64-linux-gnu.cmake
extra=$build/arm64-extra

say() { printf '\ncross-build-arm64: %s\n' "$*"; }
die() { printf 'cross-build-arm64: error: %s\n' "$*" >&2; exit 1; }
elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

[ "$(dpkg --print-architecture)" = amd64 ] || die "this script runs on an amd64 machine"
if [ "$release" != "$(host_release)" ] || [ "$in_root" = 1 ]; then
  [ "$(id -u)" -eq 0 ] || die "the $release build runs in a $release root: run as root (sudo $0 $release)"
  case $build in "$root"/*) ;; *) die "in a $release root the build directory must be inside $root" ;; esac
  build_root=$(release_build_root "$release")
  say "building for $release inside $build_root"
  release_mount "$build_root" "$root"
  trap 'release_unmount "$build_root" "$root"' EXIT
  release_run "$build_root" "$root" deploy/cross-build-arm64.sh "$release" "$build"
  exit
fi
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi

# --- Packages ---------------------------------------------------------------------------
# Build tools run on amd64. Catch2, nlohmann-json and CLI11 are headers (plus CMake files)
# only, marked Multi-Arch: foreign or Architecture: all, so their amd64 packages serve the
# arm64 build too (the project does not link Catch2's prebuilt, amd64-only main).
native=(g++-aarch64-linux-gnu qemu-user-static cmake make dpkg-dev file openssl
        nlohmann-json3-dev libcli11-dev)
# Compiled libraries: the arm64 build of each (Multi-Arch: same, installed beside amd64's).
arm64=(libsodium-dev libqrencode-dev libzxing-dev libsqlite3-dev libstb-dev libfmt-dev
       libtomlplusplus-dev libsdl2-dev libimgui-dev libcairo2-dev zlib1g-dev
       libcurl4-openssl-dev libssl-dev libmicrohttpd-dev libcpp-httplib-dev libsystemd-dev libpq5 pkgconf)
# No Multi-Arch: same (libpqxx; Debian 13's Catch2 3, a compiled library), or dependencies
# without it (libzbar-dev needs ImageMagick's -dev packages): installing their arm64 builds
# would remove the amd64 ones that the native build needs. They are unpacked into $extra
# instead (see the toolchain file).
case $release in
  bookworm)
    native+=(catch2)  # Catch2 2: headers only
    arm64+=(libzbar0)
    pqxx_runtime=libpqxx-6.4
    unpacked=(libpqxx-dev libpq-dev libzbar-dev) ;;
  trixie)
    arm64+=(libzbar0t64)
    pqxx_runtime=libpqxx-7.10
    unpacked=(libpqxx-dev libpq-dev libzbar-dev libcatch2-dev) ;;
esac
unpacked=("$pqxx_runtime" "${unpacked[@]}")

wanted=("${native[@]}" "${arm64[@]/%/:arm64}")
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  say "adding the arm64 architecture to dpkg"
  "${sudo[@]}" dpkg --add-architecture arm64
  "${sudo[@]}" apt-get update -q
fi
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -q
  # Manual pages are left out: an arm64 -dev package rebuilt since its amd64 twin (a binNMU,
  # libpsl-dev on Debian 13) ships one that differs, and dpkg refuses the shared file.
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends \
    -o "DPkg::Options::=--path-exclude=/usr/share/man/*" "${missing[@]}" \
    || die "apt-get could not install the packages above"
else
  say "all ${#wanted[@]} packages already installed"
fi

if [ -f "$build/CMakeCache.txt" ] && ! grep -q "^CMAKE_TOOLCHAIN_FILE:.*=$toolchain$" "$build/CMakeCache.txt"; then
  die "$build holds a build that is not this cross build: give another directory or remove it"
fi

# --- Unpacked arm64 packages ------------------------------------------------------------
# Unpacked again only when a version changes (new files would relink everything).
versions=$(for p in "${unpacked[@]}"; do
  v=$(apt-cache show --no-all-versions "$p:arm64" 2>/dev/null | sed -n 's/^Version: //p')
  [ -n "$v" ] || die "apt knows no arm64 package $p (run apt-get update?)"
  echo "$p $v"
done)
if [ "$(cat "$extra/versions" 2>/dev/null)" != "$versions" ]; then
  say "unpacking ${unpacked[*]} (arm64) into $extra"
  rm -rf "$extra" && mkdir -p "$extra/debs"
  (cd "$extra/debs" && apt-get download -q -o APT::Sandbox::User=root "${unpacked[@]/%/:arm64}") \
    || die "apt-get could not download ${unpacked[*]}"
  for deb in "$extra"/debs/*.deb; do dpkg-deb -x "$deb" "$extra"; done
  # dpkg-shlibdeps reads the runtime library's shlibs/symbols from the DEBIAN directory above it.
  dpkg-deb -e "$extra"/debs/"$pqxx_runtime"_*.deb "$extra/DEBIAN"
  libdir=$extra/usr/lib/aarch64-linux-gnu
  # Development links whose library is installed system-wide (libzbar0:arm64, libpq5:arm64)
  # point there instead.
  for link in "$libdir"/*.so; do
    [ -e "$link" ] && continue
    target=/usr/lib/aarch64-linux-gnu/$(readlink "$link")
    [ -e "$target" ] || die "$link points to $target, which is not installed"
    ln -sfn "$target" "$link"
  done
  # The .pc files name /usr; they describe $extra/usr here.
  sed -i "s|/usr\b|$extra/usr|g" "$libdir"/pkgconfig/*.pc
  echo "$versions" > "$extra/versions"
fi

# --- Configure, build -------------------------------------------------------------------
say "configuring $build"
start=$SECONDS
cmake -S "$root" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCHECKIN_CROSS_EXTRA_ROOT="$extra" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/configure.log" 2>&1 \
  || { cat "$build/configure.log" >&2; die "configure failed (log: $build/configure.log)"; }
configure_time=$((SECONDS - start))
# Nothing may come from the amd64 library directory: the linker would only say "skipping
# incompatible" and fail far from the cause.
if leaks=$(grep -rlE --include=link.txt --include=flags.make "x86_64-linux-gnu| /usr/lib/libCatch2" "$build"); then
  die "the arm64 build names amd64 libraries or headers in: $leaks"
fi

say "building (this takes a while on a small machine)"
start=$SECONDS
cmake --build "$build" -j"$(nproc)" || die "build failed"
build_time=$((SECONDS - start))
file "$build/kiosk/app/checkin-kiosk" | grep -q "ARM aarch64" || die "checkin-kiosk is not an arm64 program"

# --- Test under qemu --------------------------------------------------------------------
say "running the unit tests under qemu-aarch64-static"
start=$SECONDS
# Emulated, generating the QR blackbox images alone takes minutes: a generous timeout.
(cd "$build" && ctest --output-on-failure -j"$(nproc)" --timeout 1800) || die "tests failed under qemu"
test_time=$((SECONDS - start))

# --- Package ----------------------------------------------------------------------------
say "making the arm64 packages"
rm -f "$build"/*.deb
(cd "$build" && cpack -G DEB) || die "cpack failed"
for deb in "$build"/*.deb; do
  echo "== $deb"
  dpkg-deb -f "$deb" Package Version Architecture Depends
  [ "$(dpkg-deb -f "$deb" Architecture)" = arm64 ] || die "$deb is not an arm64 package"
  echo "$(dpkg-deb -c "$deb" | grep -vc '/$') files; programs: $(dpkg-deb -c "$deb" | grep -oE '/usr/s?bin/[^ ]+$' | tr '\n' ' ')"
done

say "done: configure $(elapsed $configure_time), build $(elapsed $build_time), tests $(elapsed $test_time)"
