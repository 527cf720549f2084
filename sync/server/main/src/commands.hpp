// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// checkin-server's subcommands. Each registers itself on the CLI11 app; its callback only
// records what to run (the global options are complete once parsing is), and main runs it.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "server_config.hpp"

namespace checkin::server {

// Exit statuses: 0 done; 1 the operation failed (unknown id, database down, a clash);
// 2 bad usage or configuration.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// The options every subcommand shares.
struct GlobalOptions {
  std::filesystem::path config_file;
  std::vector<std::string> set;
  std::string db, listen, tls_cert, tls_key;
  bool allow_plain_http = false;
  std::filesystem::path port_file;
  bool quiet = false;

  Result<ServerConfig> load() const;
};

using Action = std::function<int(const ServerConfig&)>;

int serve(const ServerConfig& config, const GlobalOptions& options);
// Registers the coordinator commands (site, program, session, shift, person, keys, pass,
// kiosk-setting); the chosen one is stored in `action`.
void add_coordinator_commands(CLI::App& app, const GlobalOptions& options, Action& action);
// Registers `person export`, `person erase` and `person inactive` on the `person` command (a
// person's own data, and who may be gone).
void add_person_data_commands(CLI::App& person, const GlobalOptions& options, Action& action);
// Registers `enrol-token` and `device` (kiosks: enrol, list, rename, revoke).
void add_device_commands(CLI::App& app, const GlobalOptions& options, Action& action);
// Registers `attendance` (list; corrections: undo, move, add), each correction audited.
void add_attendance_commands(CLI::App& app, const GlobalOptions& options, Action& action);
// Registers `account` (dashboard accounts; passwords from stdin or a file).
void add_account_commands(CLI::App& app, const GlobalOptions& options, Action& action);
// Registers `report` (CSV exports), `review` (auto-closed shifts) and `retention`.
void add_report_commands(CLI::App& app, const GlobalOptions& options, Action& action);
// Registers `demo`: the demo community centre in an empty database, with its passes, camera
// frames for a kiosk's replay camera and an enrolment code.
void add_demo_command(CLI::App& app, const GlobalOptions& options, Action& action);

}  // namespace checkin::server
