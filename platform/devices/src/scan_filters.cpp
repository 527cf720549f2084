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
  qr::GrayImage small(width, height);
  const int rows = std::min(factor, frame.height);
  const int area = rows * factor;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      int sum = 0;
      for (int dy = 0; dy < rows; ++dy) {
        const std::uint8_t* in = frame.row(std::min(y * factor + dy, frame.height - 1)) + x * factor;
        for (int dx = 0; dx < factor; ++dx) sum += in[dx];
      }
      small.at(x, y) = static_cast<std::uint8_t>((sum + area / 2) / area);
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
  if (previous_.empty() || frame.width != previous_width_ || frame.height != previous_height_) {
    moving_ = true;
  } else {
    std::size_t changed = 0;
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (std::abs(cells[i] - previous_[i]) > options_.cell_threshold) ++changed;
    moving_ = static_cast<double>(changed) >= options_.changed_fraction * static_cast<double>(cells.size());
  }
  previous_ = std::move(cells);
  previous_width_ = frame.width;
  previous_height_ = frame.height;
  if (moving_) last_motion_ = at;

  const bool active = last_motion_ && at - *last_motion_ <= options_.active_hold;
  const bool idle_turn = !last_decode_ || at - *last_decode_ >= options_.idle_interval;
  if (!active && !idle_turn) return false;
  last_decode_ = at;
  return true;
}

bool RepeatFilter::should_report(std::string_view text, Millis at) {
  // Forget codes out of sight for longer than the gap, so the map stays small.
  std::erase_if(last_seen_, [&](const auto& entry) { return at - entry.second > gap_; });
  auto found = last_seen_.find(text);
  if (found != last_seen_.end()) {
    found->second = at;
    return false;
  }
  last_seen_.emplace(std::string(text), at);
  return true;
}

}  // namespace checkin::platform
