// SPDX-License-Identifier: AGPL-3.0-or-later
#include "cli_input.hpp"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "checkin/server/local_time.hpp"

namespace checkin::server {

namespace {

std::string without_line_end(std::string line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// Typing a password at a terminal: no echo, the prompt on stderr so stdout stays the id.
std::string read_from_terminal() {
  fmt::print(stderr, "Password: ");
  termios saved{};
  bool echo_off = tcgetattr(STDIN_FILENO, &saved) == 0;
  if (echo_off) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (echo_off) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  fmt::print(stderr, "\n");
  return line;
}

}  // namespace

Result<std::string> read_password(const std::filesystem::path& file) {
  std::string line;
  if (file.empty()) {
    if (isatty(STDIN_FILENO)) line = read_from_terminal();
    else std::getline(std::cin, line);
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return fail(Errc::io, fmt::format("cannot read the password file {}", file.string()));
    std::getline(in, line);
  }
  line = without_line_end(std::move(line));
  if (line.empty())
    return fail(Errc::invalid_input, file.empty() ? "no password on standard input (one line; or use --password-file)"
                                                  : fmt::format("no password in {} (its first line)", file.string()));
  return line;
}

Result<std::string> read_file(const std::filesystem::path& file, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(Errc::io, fmt::format("cannot read {}", file.string()));
  std::string bytes;
  bytes.resize(max_bytes + 1);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.bad()) return fail(Errc::io, fmt::format("cannot read {}", file.string()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() > max_bytes)
    return fail(Errc::limit_exceeded, fmt::format("{} is larger than {} bytes", file.string(), max_bytes));
  return bytes;
}

std::optional<WallTime> parse_cli_time(std::string_view text) {
  WallTime t{};
  if (parse_utc(text, t)) return t;
  return parse_local_datetime(text);
}

Result<DateRange> parse_date_range(std::string_view from, std::string_view to) {
  auto first = parse_local_date(from);
  auto last = parse_local_date(to);
  if (!first || !last) return fail(Errc::invalid_input, "--from and --to are dates like 2026-11-01 (--to included)");
  if (*last < *first) return fail(Errc::invalid_input, "--to is before --from");
  return DateRange{*first, next_local_day(*last)};
}

}  // namespace checkin::server
