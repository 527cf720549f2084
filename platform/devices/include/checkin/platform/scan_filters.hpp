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

// A small copy for the live preview: the frame shrunk by a whole factor (averaging each
// block of pixels) until it is at most `max_width` wide. Frames already small are copied.
qr::GrayImage downscale_for_preview(qr::ImageView frame, int max_width = 320);

struct MotionGateOptions {
  bool enabled = true;             // false: decode every frame
  int cell_threshold = 12;         // a cell changed if its mean moved by more than this (0..255)
  double changed_fraction = 0.02;  // motion if at least this share of the cells changed
  Millis active_hold{2000};        // after motion, decode every frame this long (a held-up phone settles)
  Millis idle_interval{1000};      // with nothing moving, still decode one frame this often
};

// Decoding every frame of an empty hallway is most of a kiosk's idle CPU. The gate
// compares each frame with the one before on a coarse grid (32x24 cells, sampled) and lets
// through every frame while something moves, and one now and then otherwise.
class MotionGate {
 public:
  explicit MotionGate(MotionGateOptions options = {});
  // `at` is the frame's monotonic time. Call for every frame, in order.
  bool should_decode(qr::ImageView frame, Millis at);
  // True if the last frame given to should_decode differed from the one before.
  bool moving() const { return moving_; }

 private:
  MotionGateOptions options_;
  std::vector<int> previous_;
  int previous_width_ = 0;
  int previous_height_ = 0;
  std::optional<Millis> last_motion_;
  std::optional<Millis> last_decode_;
  bool moving_ = false;
};

// A code held in front of the camera is read on frame after frame. Report it once, and
// again only after it was out of sight for `gap` (the domain's repeat rules decide what a
// repeat means; this only keeps the queue from filling with copies).
class RepeatFilter {
 public:
  explicit RepeatFilter(Millis gap = Millis{3000}) : gap_(gap) {}
  // `at` is the frame's monotonic time, never decreasing.
  bool should_report(std::string_view text, Millis at);

 private:
  Millis gap_;
  std::map<std::string, Millis, std::less<>> last_seen_;
};

}  // namespace checkin::platform
