// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Applies retention (ServerStore::apply_retention) once at start and then every `every`
// on its own thread, so discreet programs' attendance is reduced on time even when nobody
// opens the dashboard. Logs counts, never names. Stops (and joins) when destroyed.
// Several servers sharing one database may each run one: apply_retention is idempotent.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "checkin/core/clock.hpp"
#include "checkin/server/store.hpp"

namespace checkin::server {

class RetentionTimer {
 public:
  RetentionTimer(ServerStore& store, const Clock& clock, Millis every = std::chrono::hours{1});
  ~RetentionTimer();
  RetentionTimer(const RetentionTimer&) = delete;
  RetentionTimer& operator=(const RetentionTimer&) = delete;

  // Runs so far (finished, successful or not): for tests.
  int runs() const;

 private:
  void loop();

  ServerStore& store_;
  const Clock& clock_;
  Millis every_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int runs_ = 0;
  std::thread thread_;  // last: starts once the rest is set
};

}  // namespace checkin::server
