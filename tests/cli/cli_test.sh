#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# The `checkin` tool as a user runs it: keys, passes, decoding, verification, the demo,
# and clear errors with the documented exit statuses for bad input.
set -uo pipefail
checkin=$1
make_qr_png=$2
source "$(dirname "$0")/../support/checks.sh"

cd "$tmp"

# keys
"$checkin" keys new --out keys >out 2>err; check "keys new" 0 $?
contains "keys new" out "key id"
[ "$(stat -c %a keys/signing.key)" = 600 ]; check "signing key is private" 0 $?
"$checkin" keys new --out keys >out 2>err; check "keys new refuses to overwrite" 2 $?
contains "keys new refuses to overwrite" err "already exists"

# issue, decode, verify
"$checkin" pass issue --key keys/signing.key --png pass.png --svg pass.svg --days 30 >out 2>err; check "pass issue" 0 $?
text=$(sed -n 's/^text *//p' out)
pass_id=$(sed -n 's/^pass id *//p' out)
[[ $text == CK1:* ]]; check "pass text has the CK1 prefix" 0 $?
contains "svg written" pass.svg "<svg"
"$checkin" decode pass.png --public-key keys/signing.pub >out 2>err; check "decode a pass" 0 $?
[ "$(head -n 1 out)" = "$text" ]; check "decode prints the pass text first" 0 $?
contains "decode verdict" out "verdict: valid pass $pass_id"
"$checkin" decode pass.png >out 2>err; check "decode without keys" 0 $?
contains "decode without keys" out "signature not checked"
"$checkin" pass verify "$text" --public-key keys/signing.pub >out 2>err; check "verify" 0 $?
contains "verify" out "$pass_id"
"$checkin" pass verify "${text%?}" --public-key keys/signing.pub >out 2>err; check "verify truncated" 1 $?
contains "verify truncated" out "invalid: not_ours"
echo "$pass_id" >revoked.txt
"$checkin" pass verify "$text" --public-key keys/signing.pub --revoked revoked.txt >out 2>err; check "verify revoked" 1 $?
contains "verify revoked" out "invalid: revoked"
"$checkin" pass verify "$text" --public-key keys/signing.pub --at 2099-01-01T00:00:00Z >out 2>err; check "verify expired" 1 $?
contains "verify expired" out "invalid: expired"
"$checkin" keys new --out other >/dev/null 2>&1
"$checkin" pass verify "$text" --public-key other/signing.pub >out 2>err; check "verify with the wrong key" 1 $?
contains "verify with the wrong key" out "unknown_key"

# raw, unescaped text: newlines and all, for any QR code
printf 'line one\nline two\ttabbed "quoted" \\n not an escape' >multi.txt
"$make_qr_png" multi.txt multi.png
"$checkin" decode multi.png >out 2>err; check "decode multi-line" 0 $?
head -c "$(stat -c %s multi.txt)" out | cmp -s - multi.txt; check "decoded text is raw" 0 $?
contains "foreign code verdict" out "verdict: not a CK1 pass"

# text in Shift_JIS (no ECI designator) prints in UTF-8, not as raw bytes
printf '\x8e\xf3\x95\x74\x82\xcd\x8e\x4f\x8a\x4b\x82\xc5\x82\xb7' >sjis.bin
"$make_qr_png" sjis.bin sjis.png
"$checkin" decode sjis.png >out 2>err; check "decode Shift_JIS" 0 $?
[ "$(head -n 1 out)" = "受付は三階です" ]; check "Shift_JIS text printed as UTF-8" 0 $?

# several images, one without a code
"$make_qr_png" multi.txt second.png
"$checkin" decode pass.png second.png >out 2>err; check "decode several" 0 $?
contains "decode several" out "==> pass.png <=="
contains "decode several" out "==> second.png <=="

# bad input: clear errors and the documented exit statuses
head -c 3000 /dev/urandom >noise.png
"$checkin" decode noise.png >out 2>err; check "decode a corrupt image (unreadable input: 2)" 2 $?
contains "decode a corrupt image" err "noise.png"
"$checkin" decode pass.png noise.png >out 2>err; check "decode a good and a corrupt image: 2" 2 $?
contains "decode a good and a corrupt image: the good one still decodes" out "verdict:"
# An image bomb: 21 bytes of JPEG header claiming 11000x11000 pixels, refused from its
# header at once instead of 10 s and 468 MB of decoding.
printf '\377\330\377\300\000\021\010\052\370\052\370\003\001\021\000\002\021\000\003\021\000' >bomb.jpg
started=$(date +%s%N)
"$checkin" decode bomb.jpg >out 2>err; check "decode an image bomb: unreadable input" 2 $?
took_ms=$(( ($(date +%s%N) - started) / 1000000 ))
contains "decode an image bomb: says why" err "11000x11000 pixels is over the limit of 40.0 megapixels"
[ "$took_ms" -lt 1000 ]; check "decode an image bomb: refused in under a second (${took_ms} ms)" 0 $?
printf 'P5\n64 64\n255\n' >blank.pgm; head -c 4096 /dev/zero | tr '\0' '\377' >>blank.pgm
"$checkin" decode blank.pgm >out 2>err; check "decode an image without a code" 1 $?
contains "decode an image without a code" err "no QR code found"
"$checkin" decode does-not-exist.png >out 2>err; check "decode a missing file" 2 $?
"$checkin" pass issue --key pass.svg >out 2>err; check "issue with a bad key file" 2 $?
contains "issue with a bad key file" err "not a checkin signing key"
"$checkin" pass issue --key keys/signing.key --expires 2001-01-01 >out 2>err; check "issue expired" 2 $?
contains "issue expired" err "in the past"
"$checkin" pass issue --key keys/signing.key --expires tomorrow >out 2>err; check "issue bad date" 2 $?
"$checkin" pass verify "$text" --public-key pass.svg >out 2>err; check "verify with a bad key file" 2 $?
printf 'not-a-pass-id\n' >bad-revoked.txt
"$checkin" pass verify "$text" --public-key keys/signing.pub --revoked bad-revoked.txt >out 2>err
check "bad revocation list" 2 $?
contains "bad revocation list" err "line 1"
"$checkin" >out 2>err; check "no subcommand" 2 $?

# the demo: every step through the real pipeline, discreet names never shown
"$checkin" demo --dir demo >out 2>err; check "demo" 0 $?
contains "demo" out "Welcome, Ben! You are checked in. (Community lunch"
contains "demo" out "Welcome — you are checked in."
contains "demo" out "Please see a volunteer."
contains "demo" out "Thanks for volunteering, Vic!"
contains "demo" out "You volunteered 3 h"
contains "demo" out "ignored"
contains "demo" out "integrity ok"
lacks "demo hides the discreet program" "Tuesday peer support" out
lacks "demo hides Ana's name" "Welcome, Ana" out
[ -f demo/passes/ana.png ] && [ -f demo/kiosk.db ]; check "demo files" 0 $?

report
