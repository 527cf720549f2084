// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Camera frames through one interface, whatever produces them: a V4L2 camera, a replay of
// image files, a test.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"
#include "checkin/qr/image.hpp"

namespace checkin::platform {

struct Frame {
  qr::GrayImage image;       // 8-bit luma
  Millis captured_at{0};     // monotonic_now() when the frame arrived
  std::uint64_t number = 0;  // counts up from 1 in each opened source
};

class FrameSource {
 public:
  virtual ~FrameSource() = default;

  // Waits up to `timeout` for the next frame. Returns
  //   a frame;
  //   std::nullopt when none came in time (or interrupt() was called): call again;
  //   an error when the source is gone (camera unplugged, device error): the caller
  //   drops this source and opens a new one later.
  // Called from one thread at a time.
  virtual Result<std::optional<Frame>> next_frame(Millis timeout) = 0;

  // Makes the current or the next next_frame() return promptly without a frame. Safe to
  // call from any thread while another thread is inside next_frame().
  virtual void interrupt() = 0;

  // For logs and the admin screen, e.g. "V4L2 /dev/video0 (HD Webcam) YUYV 1280x720".
  virtual std::string describe() const = 0;
};

// Opens a source. The scan worker calls it at start and again, every few seconds, after
// the camera went missing.
using FrameSourceFactory = std::function<Result<std::unique_ptr<FrameSource>>()>;

}  // namespace checkin::platform
