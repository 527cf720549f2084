// SPDX-License-Identifier: AGPL-3.0-or-later
// checkin-server: the central server (sync API for kiosks) and the coordinator's commands.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "checkin/server/local_time.hpp"
#include "commands.hpp"

using namespace checkin::server;

int main(int argc, char** argv) {
  CLI::App app{"checkin-server: the central server of the community check-in kiosks.\n"
               "Without a subcommand it serves (like `serve`)."};
  app.footer(
      "Output: a command that makes something prints its id alone on the first line (the enrolment code for\n"
      "enrol-token create), then 'name value' lines unless --quiet; list commands print tab-separated rows under a\n"
      "header. Times printed are UTC, like 2026-11-26T18:00:00Z; times given may also be local, like 2026-11-26T18:00\n"
      "(server.timezone). Passwords are read from standard input or --password-file, never from the command line.\n"
      "Exit status: 0 done, 1 the operation failed (unknown id, database down), 2 bad usage or configuration.\n"
      "Every configuration key is documented in deploy/server.example.toml.");
  app.require_subcommand(0, 1);
  app.fallthrough();  // global options may come after the subcommand too
  GlobalOptions options;
  app.add_option("--config", options.config_file, "TOML configuration file (see deploy/server.example.toml)")
      ->check(CLI::ExistingFile);
  app.add_option("--set", options.set, "Override a configuration key: section.key=value (repeatable)");
  app.add_option("--db", options.db, "Database: a SQLite file path or postgresql://... (database.url)");
  app.add_option("--listen", options.listen, "Listen address HOST:PORT; port 0 picks a free one (server.listen)");
  app.add_option("--tls-cert", options.tls_cert, "PEM certificate for HTTPS (server.tls_cert)");
  app.add_option("--tls-key", options.tls_key, "PEM private key for HTTPS (server.tls_key)");
  app.add_flag("--allow-plain-http", options.allow_plain_http,
               "serve: allow plain HTTP on a non-loopback address, behind a TLS reverse proxy (server.allow_plain_http)");
  app.add_option("--port-file", options.port_file, "serve: write the port listened on to this file");
  app.add_flag("-q,--quiet", options.quiet, "Print only the new id (or the enrolment code), one line, for scripts");

  Action action;
  auto* serve_command = app.add_subcommand("serve", "Serve the kiosks' sync API (the default)");
  serve_command->callback([&] { action = nullptr; });
  add_coordinator_commands(app, options, action);
  add_device_commands(app, options, action);
  add_attendance_commands(app, options, action);
  add_account_commands(app, options, action);
  add_report_commands(app, options, action);
  add_demo_command(app, options, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  auto config = options.load();
  if (!config) {
    fmt::print(stderr, "checkin-server: {}\n", config.error().message);
    return kExitUsage;
  }
  // Before any thread: local times (dashboard, commands, reports) are in this zone.
  if (!config->timezone.empty() && !use_time_zone(config->timezone)) {
    fmt::print(stderr, "checkin-server: server.timezone: '{}' is not a time zone this system knows\n", config->timezone);
    return kExitUsage;
  }
  if (!action) return serve(*config, options);
  return action(*config);
}
