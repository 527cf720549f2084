// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk program's start-up and main loop.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "checkin/app/config.hpp"
#include "checkin/platform/service_notifier.hpp"

namespace checkin::app {

struct LaunchOptions {
  std::filesystem::path config_file;
  std::vector<ConfigOverride> overrides;
  bool headless = false;
  std::filesystem::path script;       // headless: steps to run, a screenshot after each
  std::filesystem::path screenshots;  // headless: where screenshots go
  double run_for_seconds = 0;         // > 0: stop after this long
  std::filesystem::path demo_dir;     // demo mode
  std::string enrol;                  // enrol before starting: an enrolment code, or @FILE holding one
  std::string start_time;             // headless: the clock's start (UTC)
  std::chrono::steady_clock::time_point process_start = std::chrono::steady_clock::now();
};

// Returns the process exit status: 0 after a normal exit, 1 when a script step failed,
// 2 for a configuration or start-up problem (also shown on screen). Tells `service` when
// the kiosk is ready, alive and stopping.
int run_kiosk(const LaunchOptions& launch, platform::ServiceNotifier& service);

}  // namespace checkin::app
