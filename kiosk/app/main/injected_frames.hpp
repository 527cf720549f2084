#pragma once
// A camera for headless scripts: `replay IMAGE` steps hand it an image, and it goes
// through the same scan worker and decoder as a real camera's frames.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "checkin/platform/frame_source.hpp"
#include "checkin/platform/system_clock.hpp"

namespace checkin::app {

// The frames waiting; shared between the script (which adds) and the source the scan
// worker opens (which takes).
class InjectedFrames {
 public:
  void inject(qr::GrayImage image) {
    {
      std::lock_guard lock(mutex_);
      pending_.push_back(std::move(image));
    }
    changed_.notify_all();
  }

  Result<std::optional<platform::Frame>> next_frame(Millis timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return !pending_.empty() || interrupted_; });
    interrupted_ = false;
    if (pending_.empty()) return std::optional<platform::Frame>{};
    platform::Frame frame{std::move(pending_.front()), platform::monotonic_now(), ++number_};
    pending_.pop_front();
    return std::optional<platform::Frame>{std::move(frame)};
  }

  void interrupt() {
    {
      std::lock_guard lock(mutex_);
      interrupted_ = true;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<qr::GrayImage> pending_;
  bool interrupted_ = false;
  std::uint64_t number_ = 0;
};

// What the scan worker opens: a view of the shared frames.
class InjectedFrameSource final : public platform::FrameSource {
 public:
  explicit InjectedFrameSource(std::shared_ptr<InjectedFrames> frames) : frames_(std::move(frames)) {}
  Result<std::optional<platform::Frame>> next_frame(Millis timeout) override { return frames_->next_frame(timeout); }
  void interrupt() override { frames_->interrupt(); }
  std::string describe() const override { return "frames from the script"; }

 private:
  std::shared_ptr<InjectedFrames> frames_;
};

}  // namespace checkin::app
