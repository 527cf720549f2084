#!/usr/bin/env bash
# SPDX-License-Identifier: AGPL-3.0-or-later
# checkin-kiosk as it runs on a device, without the device: headless, on the demo
# organisation, scripted through every screen in English and Spanish at the smallest and
# the largest supported sizes. Checks the words on each screen (written beside each
# screenshot), that discreet names never show, that a pass seen by the camera is
# decodable from the screen's live preview, and that bad configuration is a clear message.
set -uo pipefail
kiosk=$1
checkin=$2
source "$(dirname "$0")/../support/checks.sh"

shot() { ls "$1"/$(printf '%03d' "$2")-*.txt 2>/dev/null | head -n 1; }

day_script() {  # the steps; $1 = demo folder
  cat <<SCRIPT
replay $1/passes/ben.png
advance 6s
scan-pass ana
tap session:sess-peer
tap dismiss
scan-pass revoked
tap dismiss
tap anonymous
tap session:sess-lunch
tap dismiss
tap no_pass
tap key:s
tap key:a
tap key:m
tap confirm
tap dismiss
advance 40min
scan-pass ana
tap feedback:4
tap dismiss
scan-pass vic
advance 3h
scan-pass vic
tap dismiss
tap staff
tap pin:1
tap pin:1
tap pin:1
tap pin:1
tap pin:ok
tap pin:2
tap pin:4
tap pin:6
tap pin:8
tap pin:ok
SCRIPT
}

for lang in en es; do
  for size in 800x480 1920x1080; do
    run="$tmp/$lang-$size"
    mkdir -p "$run"
    day_script "$run/demo" >"$run/day.script"
    "$kiosk" --headless --demo "$run/demo" --script "$run/day.script" --screenshots "$run/shots" \
      --set "kiosk.language=$lang" --set "display.width=${size%x*}" --set "display.height=${size#*x}" \
      >"$run/log" 2>&1
    check "$lang $size script" 0 $?
    [ -f "$run/shots/035-admin-pin-ok.png" ]; check "$lang $size: a screenshot per step" 0 $?
    s=$run/shots
    if [ "$lang" = en ]; then
      contains "$lang $size camera check-in" "$(shot "$s" 1)" "Welcome, Ben"
      contains "$lang $size ready" "$(shot "$s" 2)" "Show your pass to the camera"
      contains "$lang $size two sessions fit: asked" "$(shot "$s" 3)" "Which session are you here for?"
      contains "$lang $size discreet check-in" "$(shot "$s" 4)" "Welcome"
      contains "$lang $size refusal" "$(shot "$s" 6)" "Please see a volunteer"
      contains "$lang $size walk-in" "$(shot "$s" 15)" "Welcome, Sam"
      contains "$lang $size shift" "$(shot "$s" 21)" "Vic"
      contains "$lang $size shift hours" "$(shot "$s" 23)" "3"
    else
      contains "$lang $size camera check-in" "$(shot "$s" 1)" "Ben"
      contains "$lang $size ready" "$(shot "$s" 2)" "Muestre su pase a la cámara"
      contains "$lang $size refusal" "$(shot "$s" 6)" "voluntari"
      contains "$lang $size walk-in" "$(shot "$s" 15)" "Sam"
    fi
    lacks "$lang $size discreet program name" "Tuesday peer support" "$s"/*.txt
    lacks "$lang $size discreet person" "Ana" "$s"/*.txt
    lacks "$lang $size refusal reason" "revoked" "$s"/00[6-7]*.txt
    # The camera's live preview shows the pass it saw, readable from the screen itself.
    "$checkin" decode "$(shot "$s" 2 | sed 's/txt$/png/')" --public-key "$run/demo/keys/signing.pub" >"$run/decoded" 2>&1
    check "$lang $size preview decodable" 0 $?
    contains "$lang $size preview shows a valid pass" "$run/decoded" "verdict: valid pass"
  done
done

# No camera (none on this machine): Ready contains so, and a USB scanner still checks people in.
printf 'advance 3s\ntype-pass ben\n' >"$tmp/nocam.script"
"$kiosk" --headless --demo "$tmp/nocam" --script "$tmp/nocam.script" --screenshots "$tmp/nocam-shots" \
  --set camera.source=v4l2 --set camera.device=/dev/video-none >"$tmp/nocam.log" 2>&1
check "no camera" 0 $?
contains "no camera: Ready contains so" "$(shot "$tmp/nocam-shots" 1)" "You can still use the scanner"
contains "no camera: the scanner works" "$(shot "$tmp/nocam-shots" 2)" "Welcome, Ben"
contains "no camera is logged" "$tmp/nocam.log" "camera missing"

# How long results stay: kiosk.result_seconds for a welcome; a refusal until tapped, or
# kiosk.refusal_seconds.
printf 'scan-pass ben\nadvance 2s\nadvance 2s\nscan-pass revoked\nadvance 30s\nadvance 31s\n' >"$tmp/times.script"
"$kiosk" --headless --demo "$tmp/times" --script "$tmp/times.script" --screenshots "$tmp/times-shots" \
  --set kiosk.result_seconds=3 >"$tmp/times.log" 2>&1
check "result times" 0 $?
contains "a welcome is still up before result_seconds" "$(shot "$tmp/times-shots" 2)" "Welcome, Ben"
contains "and gone after" "$(shot "$tmp/times-shots" 3)" "Show your pass"
contains "a refusal is still up after 30 s" "$(shot "$tmp/times-shots" 5)" "Please see a volunteer"
contains "and gone after refusal_seconds (60)" "$(shot "$tmp/times-shots" 6)" "Show your pass"

# Arguments are checked before anything happens: a screenshots path that is a file.
touch "$tmp/a-file"
"$kiosk" --headless --demo "$tmp/args" --script "$tmp/times.script" --screenshots "$tmp/a-file" \
  >"$tmp/args.log" 2>&1
check "--screenshots naming a file is bad usage" 2 $?
contains "and says so" "$tmp/args.log" "--screenshots"
[ ! -e "$tmp/args/kiosk.db" ]; check "nothing was started before the check" 0 $?

# Sync without a server: an enrolment code at the public screen does not enrol and its
# token is never written anywhere; on the admin Sync tab, staff enrol (here against a closed
# port, so it fails with the reason on screen).
token=S3CRETtoken0123456789
code="checkin-enrol:v1?url=http%3A%2F%2F127.0.0.1%3A9&token=$token&sha256="
cat >"$tmp/enrol.script" <<SCRIPT
scan $code
tap dismiss
tap staff
tap pin:2
tap pin:4
tap pin:6
tap pin:8
tap pin:ok
tap admin.tab:sync
tap enrol
scan-pass ben
scan checkin-enrol:v1?url=ftp%3A%2F%2Fx&token=$token
scan $code
advance 1s
SCRIPT
"$kiosk" --headless --demo "$tmp/enrol" --script "$tmp/enrol.script" --screenshots "$tmp/enrol-shots" >"$tmp/enrol.log" 2>&1
check "enrolment script" 0 $?
e=$tmp/enrol-shots
contains "an enrolment code at Ready: see a volunteer" "$(shot "$e" 1)" "Please see a volunteer"
contains "the Sync tab" "$(shot "$e" 9)" "This kiosk is not enrolled yet"
contains "enrol mode asks for the code" "$(shot "$e" 10)" "Show the enrolment QR code to the camera or scanner"
contains "a pass in enrol mode is not checked in" "$(shot "$e" 11)" "That was a check-in pass, not an enrolment code"
contains "a malformed code is explained" "$(shot "$e" 12)" "That enrolment code could not be read"
contains "a failed enrolment says why" "$(shot "$e" 14)" "Enrolment did not work"
contains "the log says an enrolment code was seen" "$tmp/enrol.log" "enrolment code was shown on the public screen"
lacks "the token is not in the log" "$token" "$tmp/enrol.log"
lacks "the token is not on the screen" "$token" "$e"/*.txt
ls "$e" | grep -q "$token"; check "the token is in no file name" 1 $?

# wait-sync fails clearly when the kiosk cannot sync; sync.enabled = false never starts it.
printf 'wait-sync 2s\n' >"$tmp/wait.script"
"$kiosk" --headless --demo "$tmp/wait" --script "$tmp/wait.script" --screenshots "$tmp/wait-shots" >"$tmp/wait.log" 2>&1
check "wait-sync on a kiosk that is not enrolled" 1 $?
contains "and says so" "$tmp/wait.log" "wait-sync: this kiosk is not enrolled"
"$kiosk" --headless --demo "$tmp/off" --script "$tmp/wait.script" --screenshots "$tmp/off-shots" --set sync.enabled=false \
  >"$tmp/off.log" 2>&1
check "wait-sync with sync turned off" 1 $?
contains "sync turned off is logged" "$tmp/off.log" "sync is turned off"
lacks "no sync worker when turned off" "sync worker started" "$tmp/off.log"

# Bad configuration: a clear message on screen and in the log, exit status 2.
printf '[kiosk]\nvolume = 300\n' >"$tmp/bad.toml"
"$kiosk" --headless --config "$tmp/bad.toml" --screenshots "$tmp/problem" >"$tmp/problem.log" 2>&1
check "bad configuration" 2 $?
contains "bad configuration is logged" "$tmp/problem.log" "kiosk.volume"
[ -f "$tmp/problem/problem.png" ]; check "bad configuration is on screen" 0 $?
"$kiosk" --headless --set kiosk.database=/nonexistent/dir/k.db --screenshots "$tmp/problem2" >"$tmp/problem2.log" 2>&1
check "missing database folder" 2 $?
contains "missing database folder is logged" "$tmp/problem2.log" "/nonexistent/dir"
printf 'tap nowhere\n' >"$tmp/bad.script"
"$kiosk" --headless --demo "$tmp/d3" --script "$tmp/bad.script" --screenshots "$tmp/s3" >"$tmp/s3.log" 2>&1
check "a script tapping a missing button fails" 1 $?
contains "and contains which buttons there are" "$tmp/s3.log" "no_pass"

report
