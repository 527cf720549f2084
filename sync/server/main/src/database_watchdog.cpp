// SPDX-License-Identifier: AGPL-3.0-or-later
#include "database_watchdog.hpp"

#include "checkin/core/log.hpp"

namespace checkin::server {

DatabaseWatchdog::DatabaseWatchdog(ServerStore& store, platform::ServiceNotifier& service, std::string running_status)
    : store_(store), service_(service), running_status_(std::move(running_status)) {
  if (service_.keep_alive_every()) thread_ = std::thread([this] { loop(); });
}

DatabaseWatchdog::~DatabaseWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DatabaseWatchdog::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    service_.keep_alive(std::chrono::steady_clock::now(), [this] { return database_answers(); });
    lock.lock();
    // Until the next keep-alive is due, as the notifier counts it (never a turn too early).
    const auto until_due = service_.time_to_keep_alive(
        std::chrono::steady_clock::now(), std::chrono::ceil<std::chrono::milliseconds>(*service_.keep_alive_every()));
    wake_.wait_for(lock, until_due, [this] { return stopping_; });
  }
}

bool DatabaseWatchdog::database_answers() {
  // Any small read proves the database answers; the sites are a handful of rows.
  auto sites = store_.sites();
  if (!sites) {
    log_warn("server", "the database does not answer, so the watchdog is not told: {}", sites.error().message);
    service_.status("the database does not answer (watchdog not told)");
    failing_ = true;
    return false;
  }
  if (failing_) {
    log_info("server", "the database answers again");
    service_.status(running_status_);
    failing_ = false;
  }
  return true;
}

}  // namespace checkin::server
