// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Scripts for the headless kiosk (`checkin-kiosk --headless --script FILE --screenshots DIR`):
// one step per line, each followed by a screenshot. Used by tests, the demo and anyone
// checking a screen without a display.
//
//   # a comment
//   scan CK1:...             a decoded code arrives (as from the camera or a scanner)
//   scan-pass ana            the demo pass with that label (demo mode)
//   replay path/to/photo.png an image goes through the camera path: decoded off the UI thread
//   type CK1:... [gap 20ms]  a USB scanner types the text and Enter (keyboard wedge)
//   type-pass vic            a USB scanner types that demo pass (demo mode)
//   tap no_pass              tap the button with that name
//   advance 6s               the clock moves on (ms, s, min, h)
//   at 2026-12-07T19:35:00Z  the clock moves on to this time (never back); separate runs
//                            of scripts share one timeline, so time passed between them counts
//   language es              the screens' language, as the language button would
//   shot name                only a screenshot, with this name
//   wait-sync [30s]          wait (real time) for a sync pass that starts now to finish with
//                            nothing waiting to be sent (it reads the site feed too); fails
//                            with the sync state and its last error when it does not
//   wait-learned N [30s]     wait (real time) until this kiosk has learned N events from the
//                            site's other doors since it started (the live site feed)
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"

namespace checkin::app {

struct ScriptStep {
  enum class Kind { scan, scan_pass, replay, type, type_pass, tap, advance, at, language, shot, wait_sync, wait_learned };
  Kind kind;
  std::string argument;
  Millis duration{0};  // advance; type: the gap between keys; wait-*: the most to wait
  int line = 0;
  WallTime time{};     // at
  std::size_t count = 0;  // wait-learned
};

Result<std::vector<ScriptStep>> parse_script(std::string_view text, std::string_view file_name = "script");
Result<std::vector<ScriptStep>> load_script(const std::filesystem::path& file);
Result<Millis> parse_duration(std::string_view text);  // "250ms", "6s", "2min", "1h"

inline constexpr Millis kDefaultWaitSync = std::chrono::seconds{30};

}  // namespace checkin::app
