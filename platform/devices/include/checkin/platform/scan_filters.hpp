// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The scan worker's per-frame decisions, as pure logic on frames and timestamps.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/qr/image.hpp"

namespace checkin::platform {

// A small copy for the live preview: the frame shrunk by a whole factor until it is at
// most `max_width` wide, each pixel the mean of up to 2x2 samples inside its block (cheap
// enough for every frame; the preview only helps people aim). Small frames are copied.
qr::GrayImage downscale_for_preview(qr::ImageView frame, int max_width = 320);

struct MotionGateOptions {
  bool enabled = true;             // false: decode every frame
  int cell_threshold = 12;         // a cell changed if its mean moved by more than this (0..255)
  double changed_fraction = 0.02;  // the picture changed if at least this share of cells did
  Millis active_hold{3000};        // after a change, decode every frame this long (a held-up phone settles)
  Millis idle_interval{5000};      // with nothing changing, still decode one frame this often
};

// Decoding frames of an empty hallway is most of a kiosk's idle CPU (tens of milliseconds
// for a 1280x720 frame with no code in it). The gate compares each frame, on a coarse grid
// (32x24 cells, sampled), with the last frame that was decoded, and lets frames through
// while the picture changes and for a while after; otherwise one now and then. Comparing
// with the last decoded frame, not the previous one, means slow changes add up.
class MotionGate {
 public:
  explicit MotionGate(MotionGateOptions options = {});
  // `at` is the frame's monotonic time. Call for every frame, in order.
  bool should_decode(qr::ImageView frame, Millis at);
  // True if the last frame given to should_decode differed from the last decoded one.
  bool changed() const { return changed_; }

 private:
  MotionGateOptions options_;
  std::vector<int> baseline_;  // grid of the last decoded frame
  int baseline_width_ = 0;
  int baseline_height_ = 0;
  std::optional<Millis> last_change_;
  std::optional<Millis> last_decode_;
  bool changed_ = false;
};

// A code held in front of the camera is read on frame after frame. Report it once, and
// again only after decoded frames went without it for `gap` (the domain's repeat rules
// decide what a repeat means; this only keeps the queue from filling with copies). Frames
// the motion gate skipped do not count as absence.
class RepeatFilter {
 public:
  explicit RepeatFilter(Millis gap = Millis{3000}) : gap_(gap) {}
  // The texts read in one decoded frame at `at` (monotonic, never decreasing); returns
  // those to report, in the same order.
  std::vector<std::string> new_in_sight(std::vector<std::string> texts, Millis at);

 private:
  struct Sighting {
    std::optional<Millis> missing_since;  // first decoded frame without it
  };
  Millis gap_;
  std::map<std::string, Sighting, std::less<>> known_;
};

}  // namespace checkin::platform
