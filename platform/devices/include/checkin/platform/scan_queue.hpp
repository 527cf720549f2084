// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Where scans from every source meet: the camera's scan worker, a keyboard-wedge scanner,
// a headless script. Producers push from any thread; the UI thread takes them. Nothing
// else is shared between the threads.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "checkin/core/clock.hpp"

namespace checkin::platform {

enum class ScanSource { camera, wedge_scanner, script };
const char* to_string(ScanSource source);

struct ScanEvent {
  std::string text;  // the code's content, as read; untrusted
  ScanSource source = ScanSource::camera;
  Millis seen_at{0};               // monotonic: frame arrival, or the scanner's Enter key
  std::uint64_t frame_number = 0;  // camera scans only
};

class ScanQueue {
 public:
  // `wake` is called (from the pushing thread, outside any lock) after every push() and
  // notify(), e.g. to push an SDL user event that wakes the UI thread's SDL_WaitEvent. It
  // must be thread-safe and quick. When more than `capacity` events wait, the oldest is
  // dropped (and counted).
  explicit ScanQueue(std::function<void()> wake = {}, std::size_t capacity = 64);

  ScanQueue(const ScanQueue&) = delete;
  ScanQueue& operator=(const ScanQueue&) = delete;

  // Any thread.
  void push(ScanEvent event);
  void push(std::string text, ScanSource source, Millis seen_at);
  // Wakes the consumer without an event: something else it polls changed (camera status).
  void notify();

  // Consumer side.
  std::optional<ScanEvent> try_pop();
  std::vector<ScanEvent> take_all();
  // Blocks until an event is waiting or notify() was called since the last wait returned,
  // or until the timeout. True if woken by either. For consumers without an event loop of
  // their own (headless runs, tests); the SDL app uses the wake callback instead.
  bool wait(Millis timeout);

  std::size_t size() const;
  std::uint64_t dropped() const;

 private:
  void wake_consumer();

  std::function<void()> wake_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ScanEvent> events_;
  bool notified_ = false;
  std::uint64_t dropped_ = 0;
};

}  // namespace checkin::platform
