// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Running a headless script (script.hpp): each step through the host, the screen let
// settle, then a screenshot and the words on it (NNN-label.png + .txt). The program
// (kiosk_app.cpp) is the host, with the real display, camera path, scanner detector, clock
// and sync worker; tests can be hosts too.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/app/script.hpp"
#include "checkin/core/error.hpp"

namespace checkin::app {

class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  virtual void scan(std::string code) = 0;  // a decoded code, as from the camera or a scanner
  virtual Result<void> show_image(const std::filesystem::path& image) = 0;  // through the camera path
  virtual void type(std::string_view text, Millis gap) = 0;                 // a keyboard-wedge scanner
  virtual Result<void> tap(std::string_view button) = 0;  // invalid_input lists the buttons there are
  virtual void move_clock(Millis by) = 0;
  virtual void set_language(std::string code) = 0;
  virtual Result<void> wait_sync(Millis most) = 0;
  virtual Result<void> wait_learned(std::size_t events, Millis most) = 0;
  virtual WallTime clock_now() = 0;
  virtual void settle() = 0;  // draws until taps and screen changes have settled
  virtual std::string screen_name() = 0;
  // Writes a screenshot to `png` and the words on screen beside it (`.txt`).
  virtual Result<void> screenshot(const std::filesystem::path& png) = 0;
};

struct ScriptRun {
  std::string name;                           // the script's file, for messages
  std::filesystem::path screenshots;          // where the shots go
  std::map<std::string, std::string> passes;  // demo pass labels -> pass texts (scan-pass, type-pass)
};

// Runs the steps in order; the first failing step ends the run with its error, which names
// the script's line.
Result<void> run_script(const std::vector<ScriptStep>& steps, ScriptHost& host, const ScriptRun& run);

}  // namespace checkin::app
