// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/wedge_scanner.hpp"

namespace checkin::platform {

namespace {

std::size_t count_characters(std::string_view utf8) {
  std::size_t count = 0;
  for (unsigned char c : utf8)
    if ((c & 0xc0) != 0x80) ++count;  // every byte but UTF-8 continuation bytes starts a character
  return count;
}

}  // namespace

WedgeScannerDetector::WedgeScannerDetector(WedgeScannerOptions options) : options_(options) {}

void WedgeScannerDetector::on_text(std::string_view text, Millis at) {
  if (text.empty()) return;
  if (burst_keys_ > 0 && at - last_key_ > options_.max_key_gap) reset();
  const std::size_t characters = count_characters(text);
  if (overflowed_ || burst_chars_ + characters > options_.max_length) {
    // Too long for a code: swallow the rest of this burst.
    overflowed_ = true;
    burst_.clear();
    burst_chars_ = 0;
  } else {
    burst_.append(text);
    burst_chars_ += characters;
  }
  ++burst_keys_;
  last_key_ = at;
}

std::optional<std::string> WedgeScannerDetector::on_enter(Millis at) {
  std::optional<std::string> scanned;
  const bool fast = burst_keys_ > 0 && at - last_key_ <= options_.max_key_gap;
  if (fast && !overflowed_ && burst_chars_ >= options_.min_length) scanned = std::move(burst_);
  reset();
  return scanned;
}

void WedgeScannerDetector::on_key_repeat(Millis) { reset(); }

void WedgeScannerDetector::reset() {
  burst_.clear();
  burst_chars_ = 0;
  burst_keys_ = 0;
  overflowed_ = false;
}

bool WedgeScannerDetector::in_burst(Millis now) const {
  return burst_keys_ >= 2 && now - last_key_ <= options_.max_key_gap;
}

}  // namespace checkin::platform
