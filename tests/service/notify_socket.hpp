// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A stand-in for systemd's end of sd_notify(3): a unix datagram socket that a test names
// in NOTIFY_SOCKET, and reads what the program under test sends to it, one datagram per
// notification ("READY=1\nSTATUS=running", "WATCHDOG=1", ...). Also a scoped environment
// variable, for the variables sd_notify and sd_watchdog_enabled read.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace checkin::testing {

class NotifySocket {
 public:
  explicit NotifySocket(std::filesystem::path path);  // binds it; throws when it cannot
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // A datagram already sent, without waiting; empty when there is none. sd_notify's send
  // has queued its datagram here by the time it returns.
  std::optional<std::string> take();
  // The next datagram, waiting at most `limit` for it (so that a test fails rather than
  // hangs); empty when none came.
  std::optional<std::string> receive(std::chrono::milliseconds limit);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

// Whether the notification holds this assignment as one of its lines ("READY=1").
bool has_line(std::string_view datagram, std::string_view line);

class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::optional<std::string>& value);  // empty: unset
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> before_;
};

}  // namespace checkin::testing
