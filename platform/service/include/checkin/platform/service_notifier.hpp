// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Tells the service manager (systemd, through sd_notify(3)) how the program is doing:
// ready, stopping, a one-line status, and the watchdog's keep-alive. Outside systemd (no
// NOTIFY_SOCKET) every call does nothing, so programs call it unconditionally.
//
// `systemctl status` shows the status line to anyone on the machine: ids, counts and
// addresses only, never a person's name.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace checkin::platform {

class ServiceNotifier {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID once. The watchdog is on when
  // systemd set WATCHDOG_USEC for this process (WATCHDOG_PID unset or ours).
  ServiceNotifier();
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  // Started by systemd with Type=notify (or anything else that set NOTIFY_SOCKET).
  bool active() const { return active_; }
  // How often keep_alive sends: half of WatchdogSec, the margin sd_watchdog_enabled(3)
  // recommends. Empty when the watchdog is off.
  std::optional<std::chrono::microseconds> keep_alive_every() const { return keep_alive_every_; }

  // READY=1: start-up is complete (systemd starts the watchdog now).
  void ready(std::string_view status);
  // STOPPING=1: a clean exit has begun.
  void stopping(std::string_view status = {});
  // STATUS=: what `systemctl status` shows. Line breaks become spaces.
  void status(std::string_view text);

  // Once every keep_alive_every() (the first call at once) asks `healthy`, and sends
  // WATCHDOG=1 when it says yes; in between it does nothing. So a main loop calls it on
  // every iteration, and its health check runs once a period, healthy or not. Returns
  // whether it sent. Call it from one thread only.
  bool keep_alive(TimePoint now, const std::function<bool()>& healthy);
  bool keep_alive(TimePoint now) {
    return keep_alive(now, [] { return true; });
  }
  // How long a loop may sleep and still call keep_alive in time (zero when due now);
  // `idle` when the watchdog is off.
  std::chrono::milliseconds time_to_keep_alive(TimePoint now, std::chrono::milliseconds idle) const;

 private:
  bool send(const std::string& message);

  bool active_ = false;
  std::optional<std::chrono::microseconds> keep_alive_every_;
  std::optional<TimePoint> last_due_;
  std::atomic<bool> failure_logged_{false};
};

}  // namespace checkin::platform
