// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Feeds systemd's watchdog from a thread of its own while the database answers. Every
// keep-alive period it makes one small read through the store (as /healthz does) and sends
// WATCHDOG=1 only when that worked; when it did not, it logs why and puts it in the
// service's status instead. A server whose database stays silent for WatchdogSec is thus
// restarted by systemd. Does nothing when the watchdog is off. Stops (and joins) when
// destroyed.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "checkin/platform/service_notifier.hpp"
#include "checkin/server/store.hpp"

namespace checkin::server {

class DatabaseWatchdog {
 public:
  // `running_status` is the status line while all is well (it returns there on recovery).
  DatabaseWatchdog(ServerStore& store, platform::ServiceNotifier& service, std::string running_status);
  ~DatabaseWatchdog();
  DatabaseWatchdog(const DatabaseWatchdog&) = delete;
  DatabaseWatchdog& operator=(const DatabaseWatchdog&) = delete;

 private:
  void loop();
  bool database_answers();

  ServerStore& store_;
  platform::ServiceNotifier& service_;
  std::string running_status_;
  bool failing_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is set
};

}  // namespace checkin::server
