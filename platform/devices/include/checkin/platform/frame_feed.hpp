// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A camera the program feeds: frames shown from any thread come out of the source in
// order. For headless scripted runs ("show this image to the camera") and for tests of
// whatever consumes frames; it can also be unplugged and plugged in again.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "checkin/platform/frame_source.hpp"

namespace checkin::platform {

class FrameFeed : public std::enable_shared_from_this<FrameFeed> {
 public:
  static std::shared_ptr<FrameFeed> create(std::string description = "scripted camera");

  // Queues a frame. `captured_at` defaults to monotonic_now(). Ignored while unplugged.
  void show(qr::GrayImage image, std::optional<Millis> captured_at = std::nullopt);
  // An open source fails with `why` once the frames shown before are taken, and opening
  // fails with it until plug_in().
  void unplug(std::string why = "camera unplugged");
  void plug_in();

  // Opens a source on this feed (what a ScanWorker is given).
  FrameSourceFactory factory();

 private:
  explicit FrameFeed(std::string description) : description_(std::move(description)) {}
  friend class FeedSource;

  struct Item {
    std::optional<qr::GrayImage> image;  // empty: the unplug error
    Millis captured_at{0};
    std::string error;
  };

  std::string description_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> items_;
  std::optional<std::string> unplugged_;
  int open_sources_ = 0;
};

}  // namespace checkin::platform
