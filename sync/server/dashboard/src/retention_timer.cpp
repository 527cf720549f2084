// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/server/retention_timer.hpp"

#include "checkin/core/log.hpp"

namespace checkin::server {

namespace {
constexpr std::string_view kLog = "retention";
}

RetentionTimer::RetentionTimer(ServerStore& store, const Clock& clock, Millis every)
    : store_(store), clock_(clock), every_(every), thread_([this] { loop(); }) {}

RetentionTimer::~RetentionTimer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

int RetentionTimer::runs() const {
  std::lock_guard lock(mutex_);
  return runs_;
}

void RetentionTimer::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    // Nothing may escape a thread: the store answers errors as values; anything else is logged.
    try {
      auto run = store_.apply_retention(clock_.now().wall);
      if (!run) log_error(kLog, "could not apply retention: {} (will try again)", run.error().message);
      else if (run->sessions_reduced > 0 || run->events_deidentified > 0)
        log_info(kLog, "{} discreet sessions reduced to counts, {} events de-identified", run->sessions_reduced,
                 run->events_deidentified);
    } catch (const std::exception& e) {
      log_error(kLog, "applying retention failed: {}", e.what());
    }
    lock.lock();
    ++runs_;
    wake_.wait_for(lock, every_, [this] { return stopping_; });
  }
}

}  // namespace checkin::server
