// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A camera made of image files: plays one image, or a folder of them sorted by name, in a
// loop at a given frame rate. For the demo, headless runs and tests.
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "checkin/core/error.hpp"
#include "checkin/platform/frame_source.hpp"

namespace checkin::platform {

struct ReplayOptions {
  double frames_per_second = 5.0;  // 0: a frame whenever one is asked for (tests)
  bool loop = true;                // false: after the last image, no more frames
  // Monotonic time for pacing and frame stamps; monotonic_now() when empty. Tests pass
  // their own and call next_frame with a zero timeout, so nothing waits.
  std::function<Millis()> now = {};
};

// Image files a replay of `folder` plays: .png, .jpg, .jpeg, .pgm, .ppm (any case), sorted
// by name. Other files (expected-text files beside the images, say) are skipped.
Result<std::vector<std::filesystem::path>> list_replay_images(const std::filesystem::path& folder);

// The images, loaded once and shared by every source opened from them.
struct ReplayImages {
  std::string origin;  // the file or folder they came from
  std::vector<qr::GrayImage> images;
};

// Loads a file or a folder. A folder without images, or an image that cannot be read, is an
// error naming the path.
Result<std::shared_ptr<const ReplayImages>> load_replay_images(const std::filesystem::path& file_or_folder);

class ReplaySource final : public FrameSource {
 public:
  ReplaySource(std::shared_ptr<const ReplayImages> images, ReplayOptions options = {});

  // Waits (interruptibly) until the next frame is due, then hands out a copy of the next
  // image. If we are behind, the next frame is due at once, without a burst to catch up.
  Result<std::optional<Frame>> next_frame(Millis timeout) override;
  void interrupt() override;
  std::string describe() const override;

 private:
  Millis now() const;

  std::shared_ptr<const ReplayImages> images_;
  ReplayOptions options_;
  Millis interval_{0};
  std::size_t next_index_ = 0;
  std::uint64_t frames_delivered_ = 0;
  std::optional<Millis> next_due_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool interrupted_ = false;
};

// Opens a replay of a file or folder.
Result<std::unique_ptr<FrameSource>> open_replay(const std::filesystem::path& file_or_folder,
                                                 ReplayOptions options = {});

// A factory for the scan worker. The images are loaded on the first call that succeeds and
// reused afterwards.
FrameSourceFactory replay_factory(std::filesystem::path file_or_folder, ReplayOptions options = {});

}  // namespace checkin::platform
