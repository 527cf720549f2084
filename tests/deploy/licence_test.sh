#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The licence, checked where it can drift: LICENSE is Debian's unmodified AGPL-3.0 text;
# every source file (C++, scripts, CMake, JavaScript, CSS of the project; not test data
# or generated files) carries the SPDX line in its header; deploy/packaging/copyright is
# in Debian's machine-readable format, with the AGPL text equal to LICENSE and a licence
# paragraph for every licence it names.
#   licence_test.sh [SOURCE_DIR]        check
#   licence_test.sh --add [SOURCE_DIR]  add the SPDX line where it is missing, then check
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
add=no
if [ "${1:-}" = --add ]; then add=yes; shift; fi
src=$(cd "${1:-$here/../..}" && pwd)
# shellcheck source-path=SCRIPTDIR source=../support/checks.sh
source "$here/../support/checks.sh"

spdx='SPDX-License-Identifier: AGPL-3.0-or-later'
# Debian 13's base-files ships this exact text as /usr/share/common-licenses/AGPL-3.0.
licence_sha256=0d96a4ff68ad6d4b6f1f30f713b18d5184912ba8dd389f86aa7710db079abcb0

# The project's source files: build folders, git's and npm's are not the project's.
source_files() {
  find "$src" \( -name .git -o -name node_modules -o -path "$src/build*" \) -prune -o -type f \
    \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' -o -name '*.c' -o -name '*.sh' \
       -o -name '*.mjs' -o -name '*.js' -o -name '*.css' -o -name '*.cmake' -o -name CMakeLists.txt \
       -o -path "$src/.ci/run" -o -path "$src/deploy/packaging/checkin-kiosk-set-pin" \
       -o -path "$src/deploy/packaging/*/postinst" -o -path "$src/deploy/packaging/*/prerm" \
       -o -path "$src/deploy/packaging/*/postrm" \) -print | sort
}

comment_for() {  # the SPDX line in the file's own comment syntax
  case "$1" in
    *.cpp|*.hpp|*.h|*.c|*.mjs|*.js) echo "// $spdx" ;;
    *.css) echo "/* $spdx */" ;;
    *) echo "# $spdx" ;;
  esac
}

# The header: the first lines, after a #! line if there is one.
has_spdx() { head -n 3 "$1" | grep -qF "$spdx"; }

add_spdx() {
  local line; line=$(comment_for "$1")
  if head -n 1 "$1" | grep -q '^#!'; then sed -i "1a $line" "$1"; else sed -i "1i $line" "$1"; fi
}

count=0
while IFS= read -r f; do
  count=$((count + 1))
  if ! has_spdx "$f" && [ $add = yes ]; then add_spdx "$f"; fi
  if has_spdx "$f"; then pass; else failed "${f#"$src"/}: no '$spdx' in its first lines"; fi
done < <(source_files)
[ "$count" -gt 300 ] && pass || failed "only $count source files found under $src"

# --- LICENSE -----------------------------------------------------------------------------------
if [ "$(sha256sum < "$src/LICENSE" | cut -d' ' -f1)" = $licence_sha256 ]; then pass; else
  failed "LICENSE is not Debian's unmodified AGPL-3.0 text"; fi

# --- deploy/packaging/copyright ----------------------------------------------------------------
copyright=$src/deploy/packaging/copyright
[ "$(head -n 1 "$copyright")" = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" ] \
  && pass || failed "copyright: the first line is not the machine-readable format's Format field"
grep -qzP 'Files: \*\nCopyright: [^\n]+\nLicense: AGPL-3\.0-or-later\n' "$copyright" \
  && pass || failed "copyright: no 'Files: *' paragraph under AGPL-3.0-or-later"
grep -q 'none-chosen' "$copyright" && failed "copyright: still says none-chosen" || pass

# A paragraph is separated by an empty line; continuation lines start with a space.
awk '/^$/ {exit} /^\S/ && !/^(Format|Upstream-Name|Upstream-Contact|Source|License|Comment|Copyright|Disclaimer|Upstream-Contact):/ {print "unknown header field: " $0}' \
  "$copyright" > "$tmp/fields"
[ -s "$tmp/fields" ] && failed "copyright: $(cat "$tmp/fields")" || pass

# The AGPL paragraph's body, unfolded, ends with LICENSE's text.
awk '/^License: AGPL-3.0-or-later$/ {n++} n == 3 && /^ / {print} n == 3 && /^$/ {exit}' "$copyright" \
  | sed -e 's/^ //' -e 's/^\.$//' > "$tmp/agpl"
if tail -n "$(wc -l < "$src/LICENSE")" "$tmp/agpl" | diff -q - <(sed 's/[ \t]*$//' "$src/LICENSE") >/dev/null; then
  pass; else failed "copyright: the AGPL-3.0-or-later paragraph does not hold LICENSE's text"; fi

# Every licence named (in the Comment's parentheses or a License field) has a standalone
# paragraph with a body.
standalone() { awk -v name="$1" '$0 == "License: " name {getline; if ($0 ~ /^ /) found=1} END {exit !found}' "$copyright"; }
{ awk '/^$/ {exit} {print}' "$copyright" | grep -oP '\(\K[^)]+(?=\))' | sed -e 's/, header-only//'
  grep -oP '^License: \K.*' "$copyright"; } | sed 's/ or /\n/g' | sort -u > "$tmp/named"
while IFS= read -r name; do
  standalone "$name" && pass || failed "copyright: no standalone 'License: $name' paragraph"
done < "$tmp/named"
for name in Zlib Expat LGPL-2.1+ Apache-2.0 public-domain ISC curl BSD-3-clause PostgreSQL; do
  grep -qx "$name" "$tmp/named" && pass || failed "copyright: $name (a linked library's licence) not named"
done

report
