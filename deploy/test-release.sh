#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# Runs the whole test suite the way a new user would on a fresh machine of one Debian
# release: a brand-new root of it (debootstrap; deploy/release-root.sh), a clean clone of
# this repository's last commit, and the README's ./deploy/test.sh inside it (which installs
# the packages, builds and runs every test).
#
#   sudo ./deploy/test-release.sh trixie       (Debian 13; or bookworm, Debian 12)
#
# Work folder: /var/tmp/checkin-test-RELEASE (or $CHECKIN_TEST_RELEASE_DIR), replaced on
# every run and kept afterwards for its logs: the clone is ROOT/root/checkin, CTest's log in
# its build/Testing/Temporary. Needs root and Debian's mirror (and the npm registry once).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=release-root.sh
. "$root/deploy/release-root.sh"
[ $# -eq 1 ] || { echo "usage: sudo $0 bookworm|trixie" >&2; exit 2; }
release=$1
release_check "$release"
[ "$(id -u)" -eq 0 ] || release_die "making and entering a Debian root needs root: sudo $0 $release"
work=${CHECKIN_TEST_RELEASE_DIR:-/var/tmp/checkin-test-$release}
target=$work/root

release_fresh_root "$release" "$target"
git clone -q "$root" "$target/root/checkin"
echo "test-release: $(git -C "$target/root/checkin" log -1 --format='%h %s')"
echo "test-release: in a fresh Debian $(release_number "$release") ($release) root at $target"
[ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] ||
  echo "test-release: note: uncommitted changes in $root are not in the clone" >&2
# The root trusts the certificate authorities this machine trusts (for the npm registry).
cp /etc/ssl/certs/ca-certificates.crt "$target/root/host-ca.crt"

release_mount "$target"
trap 'release_stop_processes "$target"; release_unmount "$target"' EXIT
start=$SECONDS
status=0
release_run "$target" /root/checkin env NODE_EXTRA_CA_CERTS=/root/host-ca.crt ./deploy/test.sh || status=$?
echo "test-release: $release: ./deploy/test.sh exited with $status after $(((SECONDS - start) / 60)) min"
exit "$status"
