// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/scan_queue.hpp"

#include <algorithm>

#include "checkin/core/log.hpp"

namespace checkin::platform {

const char* to_string(ScanSource source) {
  switch (source) {
    case ScanSource::camera: return "camera";
    case ScanSource::wedge_scanner: return "scanner";
    case ScanSource::script: return "script";
  }
  return "?";
}

ScanQueue::ScanQueue(std::function<void()> wake, std::size_t capacity)
    : wake_(std::move(wake)), capacity_(std::max<std::size_t>(capacity, 1)) {}

void ScanQueue::push(ScanEvent event) {
  bool dropped_one = false;
  {
    std::lock_guard lock(mutex_);
    if (events_.size() >= capacity_) {
      events_.pop_front();
      dropped_one = ++dropped_ == 1 || dropped_ % 100 == 0;
    }
    events_.push_back(std::move(event));
  }
  if (dropped_one) log_warn("scan", "scan queue full: dropped the oldest scan (the UI is not taking them)");
  wake_consumer();
}

void ScanQueue::push(std::string text, ScanSource source, Millis seen_at) {
  push(ScanEvent{std::move(text), source, seen_at, 0});
}

void ScanQueue::notify() {
  {
    std::lock_guard lock(mutex_);
    notified_ = true;
  }
  wake_consumer();
}

void ScanQueue::wake_consumer() {
  changed_.notify_all();
  if (wake_) wake_();
}

std::optional<ScanEvent> ScanQueue::try_pop() {
  std::lock_guard lock(mutex_);
  if (events_.empty()) return std::nullopt;
  ScanEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::vector<ScanEvent> ScanQueue::take_all() {
  std::lock_guard lock(mutex_);
  std::vector<ScanEvent> all(std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.end()));
  events_.clear();
  return all;
}

bool ScanQueue::wait(Millis timeout) {
  std::unique_lock lock(mutex_);
  const bool woken = changed_.wait_for(lock, timeout, [this] { return notified_ || !events_.empty(); });
  notified_ = false;
  return woken;
}

std::size_t ScanQueue::size() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

std::uint64_t ScanQueue::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace checkin::platform
