// SPDX-License-Identifier: AGPL-3.0-or-later
// checkin: passes, keys and QR codes from the command line.
#include <CLI/CLI.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"checkin: signed passes, QR codes and check-ins for community programs"};
  app.require_subcommand(1);
  int exit_status = checkin::cli::kExitOk;
  checkin::cli::add_decode_command(app, exit_status);
  checkin::cli::add_key_commands(app, exit_status);
  checkin::cli::add_pass_commands(app, exit_status);
  checkin::cli::add_demo_command(app, exit_status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : checkin::cli::kExitError;
  }
  return exit_status;
}
