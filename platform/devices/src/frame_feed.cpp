// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/frame_feed.hpp"

#include "checkin/platform/system_clock.hpp"

namespace checkin::platform {

class FeedSource final : public FrameSource {
 public:
  // Made with the feed's mutex held.
  explicit FeedSource(std::shared_ptr<FrameFeed> feed) : feed_(std::move(feed)) { ++feed_->open_sources_; }
  ~FeedSource() override {
    std::lock_guard lock(feed_->mutex_);
    --feed_->open_sources_;
  }
  FeedSource(const FeedSource&) = delete;
  FeedSource& operator=(const FeedSource&) = delete;

  Result<std::optional<Frame>> next_frame(Millis timeout) override {
    std::unique_lock lock(feed_->mutex_);
    feed_->changed_.wait_for(lock, timeout, [&] { return !feed_->items_.empty() || interrupted_; });
    if (interrupted_) {
      interrupted_ = false;
      return std::optional<Frame>{};
    }
    if (feed_->items_.empty()) return std::optional<Frame>{};
    auto item = std::move(feed_->items_.front());
    feed_->items_.pop_front();
    if (!item.image) return fail(Errc::io, item.error);
    return std::optional<Frame>{Frame{std::move(*item.image), item.captured_at, ++frames_}};
  }

  void interrupt() override {
    {
      std::lock_guard lock(feed_->mutex_);
      interrupted_ = true;
    }
    feed_->changed_.notify_all();
  }

  std::string describe() const override { return feed_->description_; }

 private:
  std::shared_ptr<FrameFeed> feed_;
  bool interrupted_ = false;  // guarded by the feed's mutex
  std::uint64_t frames_ = 0;
};

std::shared_ptr<FrameFeed> FrameFeed::create(std::string description) {
  return std::shared_ptr<FrameFeed>(new FrameFeed(std::move(description)));
}

void FrameFeed::show(qr::GrayImage image, std::optional<Millis> captured_at) {
  {
    std::lock_guard lock(mutex_);
    if (unplugged_) return;  // no camera to see it
    items_.push_back(Item{std::move(image), captured_at.value_or(monotonic_now()), {}});
  }
  changed_.notify_all();
}

void FrameFeed::unplug(std::string why) {
  {
    std::lock_guard lock(mutex_);
    unplugged_ = why;
    if (open_sources_ > 0) items_.push_back(Item{std::nullopt, Millis{0}, std::move(why)});
  }
  changed_.notify_all();
}

void FrameFeed::plug_in() {
  std::lock_guard lock(mutex_);
  unplugged_.reset();
}

FrameSourceFactory FrameFeed::factory() {
  return [feed = shared_from_this()]() -> Result<std::unique_ptr<FrameSource>> {
    std::lock_guard lock(feed->mutex_);
    if (feed->unplugged_) return fail(Errc::not_found, *feed->unplugged_);
    return std::unique_ptr<FrameSource>(std::make_unique<FeedSource>(feed));
  };
}

}  // namespace checkin::platform
