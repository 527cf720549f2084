// SPDX-License-Identifier: AGPL-3.0-or-later
// checkin-kiosk: the fullscreen check-in kiosk. This file builds the object graph from
// the configuration (the one place that does) and hands it to the main loop.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "checkin/app/config.hpp"
#include "checkin/app/pin_guard.hpp"
#include "checkin/core/log.hpp"
#include "kiosk_app.hpp"

namespace {

using namespace checkin;

// Reads a PIN from the terminal without echo and prints its Argon2id hash.
int hash_pin() {
  bool tty = isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    std::cerr << "Staff PIN (4 to 8 digits): ";
  }
  std::string pin;
  std::getline(std::cin, pin);
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  }
  auto hash = app::PinGuard::hash(pin);
  if (!hash) {
    std::cerr << "checkin-kiosk: " << hash.error().message << "\n";
    return 2;
  }
  std::cout << "admin_pin_hash = \"" << *hash << "\"\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto process_start = std::chrono::steady_clock::now();
  CLI::App cli{"checkin-kiosk: the check-in kiosk for community programs"};
  app::LaunchOptions launch;
  launch.process_start = process_start;
  std::vector<std::string> sets;
  std::string windowed;
  bool want_hash_pin = false;
  cli.add_option("--config", launch.config_file, "Configuration file (see deploy/kiosk.example.toml)");
  cli.add_option("--set", sets, "Override a setting: section.key=value (repeatable)");
  cli.add_option("--windowed", windowed, "Run in a window of this size, e.g. 1280x720");
  cli.add_flag("--headless", launch.headless, "No screen: SDL's dummy driver and the software renderer");
  cli.add_option("--script", launch.script, "Headless: run these steps, a screenshot after each");
  cli.add_option("--screenshots", launch.screenshots, "Headless: write screenshots into this folder");
  cli.add_option("--run-for", launch.run_for_seconds, "Stop after this many seconds (headless demo runs)");
  cli.add_option("--demo", launch.demo_dir, "Demo mode: make a demo organisation and camera in this folder");
  cli.add_option("--enrol", launch.enrol,
                 "Enrol this kiosk with the server before starting: the enrolment code's text, or @FILE to read it "
                 "from a file (checkin-server enrol-token create prints one). Replaces an earlier enrolment. "
                 "A failure is shown on screen and exits with status 2");
  cli.add_option("--start-time", launch.start_time, "Scripts: the clock starts at this UTC time (YYYY-MM-DDTHH:MM:SSZ)");
  cli.add_flag("--hash-pin", want_hash_pin, "Read a staff PIN and print its hash for the configuration file");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  if (want_hash_pin) return hash_pin();

  for (const auto& text : sets) {
    auto o = app::parse_override(text);
    if (!o) {
      std::cerr << "checkin-kiosk: " << o.error().message << "\n";
      return 2;
    }
    launch.overrides.push_back(*o);
  }
  if (!windowed.empty()) {
    int w = 0, h = 0;
    if (std::sscanf(windowed.c_str(), "%dx%d", &w, &h) != 2) {
      std::cerr << "checkin-kiosk: --windowed '" << windowed << "': expected WIDTHxHEIGHT, e.g. 1280x720\n";
      return 2;
    }
    launch.overrides.push_back({"display.mode", "windowed"});
    launch.overrides.push_back({"display.width", std::to_string(w)});
    launch.overrides.push_back({"display.height", std::to_string(h)});
  }
  if (launch.headless) launch.overrides.push_back({"display.mode", "headless"});
  if (!launch.script.empty() && !launch.headless) {
    std::cerr << "checkin-kiosk: --script needs --headless\n";
    return 2;
  }
  // Paths are checked before anything happens (an enrolment, a demo made, a database opened).
  if (std::error_code ec; !launch.screenshots.empty() && std::filesystem::exists(launch.screenshots, ec) &&
                          !std::filesystem::is_directory(launch.screenshots, ec)) {
    std::cerr << "checkin-kiosk: --screenshots " << launch.screenshots.string() << ": not a folder\n";
    return 2;
  }
  if (std::error_code ec; !launch.script.empty() && !std::filesystem::is_regular_file(launch.script, ec)) {
    std::cerr << "checkin-kiosk: --script " << launch.script.string() << ": no such file\n";
    return 2;
  }
  platform::ServiceNotifier service;  // systemd's notification socket and watchdog, when started by it
  try {
    return app::run_kiosk(launch, service);
  } catch (const std::exception& e) {
    // Start-up failures that leave nothing to show; the service manager restarts us.
    log_error("kiosk", "fatal: {}", e.what());
    return 1;
  }
}
