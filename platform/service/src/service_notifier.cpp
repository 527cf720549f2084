// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/service_notifier.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <cstring>

#include "checkin/core/log.hpp"

namespace checkin::platform {

namespace {

constexpr std::string_view kLog = "service";

// One line: a newline in the text would start another assignment (WATCHDOG=1, ...).
std::string status_line(std::string_view text) {
  std::string line(text);
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  return "STATUS=" + line;
}

std::string with_status(std::string message, std::string_view status) {
  if (!status.empty()) message += "\n" + status_line(status);
  return message;
}

}  // namespace

ServiceNotifier::ServiceNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket && *socket;
  if (!active_) return;
  std::uint64_t usec = 0;
  int enabled = sd_watchdog_enabled(/*unset_environment=*/0, &usec);
  if (enabled < 0)
    log_warn(kLog, "the watchdog settings from systemd cannot be read ({}): not sending keep-alives",
             std::strerror(-enabled));
  else if (enabled > 0 && usec > 0)
    keep_alive_every_ = std::chrono::microseconds(static_cast<std::int64_t>(usec / 2));
}

void ServiceNotifier::ready(std::string_view status) { send(with_status("READY=1", status)); }

void ServiceNotifier::stopping(std::string_view status) { send(with_status("STOPPING=1", status)); }

void ServiceNotifier::status(std::string_view text) { send(status_line(text)); }

bool ServiceNotifier::keep_alive(TimePoint now, const std::function<bool()>& healthy) {
  if (!keep_alive_every_) return false;
  if (last_due_ && now - *last_due_ < *keep_alive_every_) return false;
  last_due_ = now;
  return healthy() && send("WATCHDOG=1");
}

std::chrono::milliseconds ServiceNotifier::time_to_keep_alive(TimePoint now, std::chrono::milliseconds idle) const {
  using std::chrono::milliseconds;
  if (!keep_alive_every_) return idle;
  if (!last_due_) return milliseconds{0};
  // Rounded up: a loop that wakes early would find nothing due and spin until it is.
  auto left = std::chrono::ceil<milliseconds>(*last_due_ + *keep_alive_every_ - now);
  return std::max(milliseconds{0}, left);
}

bool ServiceNotifier::send(const std::string& message) {
  if (!active_) return false;
  int sent = sd_notify(/*unset_environment=*/0, message.c_str());
  // Once: a service manager that went away would otherwise fill the log.
  if (sent < 0 && !failure_logged_.exchange(true))
    log_warn(kLog, "cannot notify the service manager: {}", std::strerror(-sent));
  return sent > 0;
}

}  // namespace checkin::platform
