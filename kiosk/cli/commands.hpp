// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The subcommands of `checkin`. Each registers itself on the app and returns the exit
// status through the callback it sets.
#include <CLI/CLI.hpp>

namespace checkin::cli {

// Exit statuses: 0 success, 1 the thing asked about was not found or is invalid (nothing
// decoded, a pass that does not verify), 2 bad usage or input (CLI11's own errors too).
inline constexpr int kExitOk = 0;
inline constexpr int kExitNegative = 1;
inline constexpr int kExitError = 2;

void add_decode_command(CLI::App& app, int& exit_status);
void add_key_commands(CLI::App& app, int& exit_status);
void add_pass_commands(CLI::App& app, int& exit_status);
void add_demo_command(CLI::App& app, int& exit_status);

}  // namespace checkin::cli
