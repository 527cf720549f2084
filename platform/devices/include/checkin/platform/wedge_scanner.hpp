// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// USB barcode scanners in keyboard mode ("keyboard wedge") type the code, a character every
// few milliseconds, then press Enter. WedgeScannerDetector tells that burst from a person
// at a keyboard by speed alone: it is fed the window's key events with their monotonic
// timestamps (SDL_TEXTINPUT text, SDL_KEYDOWN of Return/keypad Enter) and returns the
// scanned text. The on-screen keyboard produces no key events and never reaches it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "checkin/core/clock.hpp"

namespace checkin::platform {

struct WedgeScannerOptions {
  Millis max_key_gap{35};       // every gap between keys, Enter included, at most this
  std::size_t min_length = 6;   // characters before Enter; shorter bursts are typing
  std::size_t max_length = 1024;  // longer bursts are dropped (hostile input is capped)
};

class WedgeScannerDetector {
 public:
  explicit WedgeScannerDetector(WedgeScannerOptions options = {});

  // Typed text (UTF-8, usually one character). A pause longer than max_key_gap since the
  // previous key starts a new burst with this text.
  void on_text(std::string_view text, Millis at);
  // Return or keypad Enter: the burst if it was a scan, else nothing. Either way the burst
  // ends here.
  std::optional<std::string> on_enter(Millis at);
  // A key held down auto-repeats at scanner-like speed: that is a person. Call it for
  // SDL_KEYDOWN events with `repeat` set.
  void on_key_repeat(Millis at);
  void reset();

  // Characters are arriving at scanner speed right now (a burst of at least two keys).
  bool in_burst(Millis now) const;

 private:
  WedgeScannerOptions options_;
  std::string burst_;
  std::size_t burst_chars_ = 0;
  std::size_t burst_keys_ = 0;
  bool overflowed_ = false;
  Millis last_key_{0};
};

}  // namespace checkin::platform
