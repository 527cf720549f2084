// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/scan_filters.hpp"

#include <algorithm>
#include <cstdlib>

namespace checkin::platform {

qr::GrayImage downscale_for_preview(qr::ImageView frame, int max_width) {
  if (!frame.valid()) return {};
  max_width = std::max(max_width, 1);
  const int factor = (frame.width + max_width - 1) / max_width;
  if (factor <= 1) return qr::GrayImage::copy_of(frame);
  const int width = frame.width / factor;
  const int height = std::max(frame.height / factor, 1);
  if (width < 1) return {};
  // Two sample positions per block side: at a quarter and three quarters of the block
  // (for a factor of 2, that is every pixel).
  const int near = factor / 4;
  const int far = std::max(near + 1, (3 * factor) / 4);
  qr::GrayImage small(width, height);
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* top = frame.row(std::min(y * factor + near, frame.height - 1));
    const std::uint8_t* bottom = frame.row(std::min(y * factor + far, frame.height - 1));
    std::uint8_t* out = small.row(y);
    for (int x = 0; x < width; ++x) {
      const int left = x * factor + near;
      const int right = x * factor + far;
      out[x] = static_cast<std::uint8_t>((top[left] + top[right] + bottom[left] + bottom[right] + 2) / 4);
    }
  }
  return small;
}

namespace {

constexpr int kGridWidth = 32;
constexpr int kGridHeight = 24;
constexpr int kSamplesPerSide = 4;  // 16 pixels per cell: enough to average out sensor noise

std::vector<int> grid_signature(qr::ImageView frame) {
  std::vector<int> cells(kGridWidth * kGridHeight);
  for (int cy = 0; cy < kGridHeight; ++cy) {
    for (int cx = 0; cx < kGridWidth; ++cx) {
      int sum = 0;
      for (int sy = 0; sy < kSamplesPerSide; ++sy) {
        const int y = ((cy * kSamplesPerSide + sy) * 2 + 1) * frame.height / (2 * kGridHeight * kSamplesPerSide);
        const std::uint8_t* row = frame.row(y);
        for (int sx = 0; sx < kSamplesPerSide; ++sx) {
          const int x = ((cx * kSamplesPerSide + sx) * 2 + 1) * frame.width / (2 * kGridWidth * kSamplesPerSide);
          sum += row[x];
        }
      }
      cells[static_cast<std::size_t>(cy * kGridWidth + cx)] = sum / (kSamplesPerSide * kSamplesPerSide);
    }
  }
  return cells;
}

}  // namespace

MotionGate::MotionGate(MotionGateOptions options) : options_(options) {}

bool MotionGate::should_decode(qr::ImageView frame, Millis at) {
  if (!options_.enabled) return true;
  if (!frame.valid()) return false;

  auto cells = grid_signature(frame);
  if (baseline_.empty() || frame.width != baseline_width_ || frame.height != baseline_height_) {
    changed_ = true;
  } else {
    std::size_t differing = 0;
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (std::abs(cells[i] - baseline_[i]) > options_.cell_threshold) ++differing;
    changed_ = static_cast<double>(differing) >= options_.changed_fraction * static_cast<double>(cells.size());
  }
  if (changed_) last_change_ = at;

  const bool active = last_change_ && at - *last_change_ <= options_.active_hold;
  const bool idle_turn = !last_decode_ || at - *last_decode_ >= options_.idle_interval;
  if (!active && !idle_turn) return false;
  baseline_ = std::move(cells);
  baseline_width_ = frame.width;
  baseline_height_ = frame.height;
  last_decode_ = at;
  return true;
}

std::vector<std::string> RepeatFilter::new_in_sight(std::vector<std::string> texts, Millis at) {
  auto in_frame = [&](const std::string& text) { return std::find(texts.begin(), texts.end(), text) != texts.end(); };
  // Codes not in this frame: their absence starts now, or goes on; forget the long gone.
  for (auto it = known_.begin(); it != known_.end();) {
    auto& missing_since = it->second.missing_since;
    if (!in_frame(it->first) && !missing_since) missing_since = at;
    if (missing_since && !in_frame(it->first) && at - *missing_since >= gap_)
      it = known_.erase(it);
    else
      ++it;
  }
  std::vector<std::string> fresh;
  for (auto& text : texts) {
    auto found = known_.find(text);
    if (found == known_.end()) {
      known_.emplace(text, Sighting{});
      fresh.push_back(std::move(text));
      continue;
    }
    auto& missing_since = found->second.missing_since;
    const bool back_after_gap = missing_since && at - *missing_since >= gap_;
    missing_since.reset();
    if (back_after_gap) fresh.push_back(std::move(text));
  }
  return fresh;
}

}  // namespace checkin::platform
