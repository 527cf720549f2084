// SPDX-License-Identifier: AGPL-3.0-or-later
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>

#include <fstream>
#include <thread>

#include "checkin/core/log.hpp"
#include "checkin/server/dashboard.hpp"
#include "checkin/server/retention_timer.hpp"
#include "checkin/server/http.hpp"
#include "checkin/server/store.hpp"
#include "commands.hpp"
#include "database_watchdog.hpp"

namespace checkin::server {

Result<ServerConfig> GlobalOptions::load() const {
  std::vector<ConfigOverride> overrides;
  for (const auto& text : set) {
    auto o = parse_override(text);
    if (!o) return std::unexpected(o.error());
    overrides.push_back(*o);
  }
  // The direct flags are shorthands for keys, applied last.
  auto shorthand = [&](const std::string& value, const char* key) {
    if (!value.empty()) overrides.push_back({key, value});
  };
  shorthand(db, "database.url");
  shorthand(listen, "server.listen");
  shorthand(tls_cert, "server.tls_cert");
  shorthand(tls_key, "server.tls_key");
  if (allow_plain_http) overrides.push_back({"server.allow_plain_http", "true"});
  return load_config(config_file, overrides);
}

namespace {

// Written whole, then renamed: a test polling for the file never reads half a number.
bool write_port_file(const std::filesystem::path& path, int port) {
  auto temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out.flush()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  return !ec;
}

}  // namespace

int serve(const ServerConfig& config, const GlobalOptions& options) {
  // Block the stop signals before any thread exists, so every thread inherits the mask and
  // only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGUSR1);  // the serving thread ended on its own
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto pin = enrolment_pin(config);
  if (!pin) {
    log_error("server", "{}", pin.error().message);
    return kExitUsage;
  }
  if (!config.tls_pin_cert.empty()) log_info("server", "enrolment codes pin the proxy's certificate key sha256 {}", *pin);

  auto store = ServerStore::open(config.database, static_cast<std::size_t>(config.connections));
  if (!store) {
    log_error("server", "cannot open the database: {}", store.error().message);
    return kExitFailed;
  }
  SystemClock clock;
  auto api = ApiServer::create(**store, clock, api_options(config));
  if (!api) {
    log_error("server", "{}", api.error().message);
    return kExitUsage;
  }
  auto port = (*api)->bind();
  if (!port) {
    log_error("server", "{}", port.error().message);
    return kExitFailed;
  }
  // The dashboard is served for every path outside /api/. Enrolment codes it shows carry
  // the address kiosks use (known once bound) and the TLS key's pin.
  DashboardOptions dashboard_options;
  dashboard_options.public_url = config.public_url.empty() ? (*api)->url() : config.public_url;
  dashboard_options.public_key_sha256 = *pin;
  dashboard_options.secure_cookies = use_secure_cookies(config);
  dashboard_options.sessions = web_session_policy(config);
  dashboard_options.organisation_name = config.organisation_name;
  Dashboard dashboard(**store, clock, std::move(dashboard_options));
  (*api)->mount(dashboard);
  // Discreet programs' attendance is reduced to counts on time, dashboard open or not.
  RetentionTimer retention(**store, clock);
  // A check-in at one door wakes the other doors' long polls, whichever server process on
  // the same database took it.
  ApiServer* api_server = api->get();
  (*store)->on_site_attendance([api_server](const Id& site_id) { api_server->site_changed(site_id); });

  if (!options.port_file.empty() && !write_port_file(options.port_file, *port)) {
    log_error("server", "cannot write the port file {}", options.port_file.string());
    return kExitFailed;
  }

  pthread_t main_thread = pthread_self();
  Result<void> served;
  std::thread serving([&] {
    served = (*api)->run();
    pthread_kill(main_thread, SIGUSR1);
  });
  // Under systemd (Type=notify): ready now that the port is bound, alive while the database
  // answers.
  platform::ServiceNotifier service;
  const std::string running = fmt::format("serving on {}", (*api)->url());
  service.ready(running);
  DatabaseWatchdog watchdog(**store, service, running);
  int received = 0;
  sigwait(&stop_signals, &received);
  if (received != SIGUSR1) log_info("server", "signal {}: stopping after the requests in flight", received);
  service.stopping();
  (*api)->stop();  // closes the listening socket; the worker pool drains before run() returns
  serving.join();
  (*store)->on_site_attendance({});  // nothing rings the server's bell once it is gone
  if (!served) {
    log_error("server", "{}", served.error().message);
    return kExitFailed;
  }
  log_info("server", "stopped");
  return kExitOk;
}

}  // namespace checkin::server
