// SPDX-License-Identifier: AGPL-3.0-or-later
#include <fmt/format.h>

#include "checkin/core/pass.hpp"
#include "checkin/qr/encode.hpp"
#include "commands.hpp"
#include "files.hpp"

namespace checkin::cli {

namespace {

WallTime now_utc() { return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()); }

// "2027-06-30" (valid to the end of that day, UTC) or "2027-06-30T18:00:00Z".
bool parse_expiry(const std::string& text, WallTime& out) {
  if (parse_utc(text, out)) return true;
  if (text.size() == 10 && parse_utc(text + "T00:00:00Z", out)) {
    out += std::chrono::days{1};
    return true;
  }
  return false;
}

struct IssueArgs {
  std::filesystem::path key;
  std::string pass_id;
  std::string expires;
  int days = 365;
  std::filesystem::path png, svg;
  int scale = 8;
};

int issue(const IssueArgs& args) {
  auto key = load_signing_key(args.key);
  if (!key) {
    fmt::print(stderr, "checkin pass issue: {}\n", key.error().message);
    return kExitError;
  }
  WallTime expires = now_utc() + std::chrono::days{args.days};
  if (!args.expires.empty() && !parse_expiry(args.expires, expires)) {
    fmt::print(stderr, "checkin pass issue: --expires '{}' is not a date (YYYY-MM-DD) or UTC time (YYYY-MM-DDTHH:MM:SSZ)\n",
               args.expires);
    return kExitError;
  }
  if (expires <= now_utc()) {
    fmt::print(stderr, "checkin pass issue: the expiry {} is in the past\n", format_utc(expires));
    return kExitError;
  }
  std::string pass_id = args.pass_id.empty() ? new_pass_id() : args.pass_id;
  auto text = issue_pass(*key, pass_id, expires);
  if (!text) {
    fmt::print(stderr, "checkin pass issue: {}\n", text.error().message);
    return kExitError;
  }
  auto matrix = qr::encode(*text);
  if (!matrix) {
    fmt::print(stderr, "checkin pass issue: {}\n", matrix.error().message);
    return kExitError;
  }
  if (!args.png.empty())
    if (auto ok = qr::render_png(*matrix, args.png, args.scale); !ok) {
      fmt::print(stderr, "checkin pass issue: {}\n", ok.error().message);
      return kExitError;
    }
  if (!args.svg.empty())
    if (auto ok = write_text_file(args.svg, qr::render_svg(*matrix, args.scale)); !ok) {
      fmt::print(stderr, "checkin pass issue: {}\n", ok.error().message);
      return kExitError;
    }
  fmt::print("pass id  {}\nexpires  {}\ntext     {}\n", pass_id, format_utc(expires), *text);
  if (!args.png.empty()) fmt::print("png      {}\n", args.png.string());
  if (!args.svg.empty()) fmt::print("svg      {}\n", args.svg.string());
  return kExitOk;
}

struct VerifyArgs {
  std::string text;
  std::vector<std::filesystem::path> public_keys;
  std::filesystem::path revocations;
  std::string at;
};

int verify(const VerifyArgs& args) {
  auto verifier = load_verifier(args.public_keys, args.revocations);
  if (!verifier) {
    fmt::print(stderr, "checkin pass verify: {}\n", verifier.error().message);
    return kExitError;
  }
  WallTime when = now_utc();
  if (!args.at.empty() && !parse_utc(args.at, when)) {
    fmt::print(stderr, "checkin pass verify: --at '{}' is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)\n", args.at);
    return kExitError;
  }
  auto claims = verifier->verify(args.text, when);
  if (!claims) {
    fmt::print("invalid: {} ({})\n", to_string(claims.error().problem), claims.error().detail);
    return kExitNegative;
  }
  fmt::print("valid\npass id  {}\nkey id   {}\nexpires  {}\n", claims->pass_id, claims->key_id,
             format_utc(claims->expires));
  return kExitOk;
}

}  // namespace

void add_pass_commands(CLI::App& app, int& exit_status) {
  auto* pass = app.add_subcommand("pass", "Issue and verify signed passes");
  pass->require_subcommand(1);

  auto in = std::make_shared<IssueArgs>();
  auto* issue_cmd = pass->add_subcommand("issue", "Issue a signed pass and write it as a QR code");
  issue_cmd->add_option("--key", in->key, "Signing key file (from 'checkin keys new')")->required();
  issue_cmd->add_option("--pass-id", in->pass_id, "Pass id, 32 hex digits (default: random)");
  issue_cmd->add_option("--expires", in->expires, "Last valid day YYYY-MM-DD, or a UTC time");
  issue_cmd->add_option("--days", in->days, "Valid for this many days (when --expires is not given)")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  issue_cmd->add_option("--png", in->png, "Write the QR code as PNG");
  issue_cmd->add_option("--svg", in->svg, "Write the QR code as SVG");
  issue_cmd->add_option("--scale", in->scale, "Pixels per module")->capture_default_str()->check(CLI::Range(1, 64));
  issue_cmd->callback([in, &exit_status] { exit_status = issue(*in); });

  auto v = std::make_shared<VerifyArgs>();
  auto* verify_cmd = pass->add_subcommand("verify", "Verify a pass's text offline");
  verify_cmd->add_option("text", v->text, "The pass text (CK1:...)")->required();
  verify_cmd->add_option("--public-key", v->public_keys, "Public key file (up to 3)")->required();
  verify_cmd->add_option("--revoked", v->revocations, "File of revoked pass ids, one per line");
  verify_cmd->add_option("--at", v->at, "Judge at this UTC time instead of now");
  verify_cmd->callback([v, &exit_status] { exit_status = verify(*v); });
}

}  // namespace checkin::cli
