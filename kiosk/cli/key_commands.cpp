// SPDX-License-Identifier: AGPL-3.0-or-later
#include <fmt/format.h>

#include "checkin/core/pass.hpp"
#include "commands.hpp"
#include "files.hpp"

namespace checkin::cli {

namespace {

int new_key(const std::filesystem::path& dir, bool force) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    fmt::print(stderr, "checkin keys new: cannot create {}: {}\n", dir.string(), ec.message());
    return kExitError;
  }
  auto secret = dir / "signing.key", pub = dir / "signing.pub";
  if (!force && std::filesystem::exists(secret)) {
    // Overwriting a signing key would invalidate every pass it signed.
    fmt::print(stderr, "checkin keys new: {} already exists (use --force to replace it)\n", secret.string());
    return kExitError;
  }
  auto key = SigningKey::generate();
  if (auto ok = write_text_file(secret, key.to_text(), /*private_file=*/true); !ok) {
    fmt::print(stderr, "checkin keys new: {}\n", ok.error().message);
    return kExitError;
  }
  if (auto ok = write_text_file(pub, key.public_key().to_hex() + "\n"); !ok) {
    fmt::print(stderr, "checkin keys new: {}\n", ok.error().message);
    return kExitError;
  }
  fmt::print("signing key  {} (keep it secret)\npublic key   {}\nkey id       {}\n", secret.string(), pub.string(),
             key.public_key().key_id());
  return kExitOk;
}

}  // namespace

void add_key_commands(CLI::App& app, int& exit_status) {
  auto* keys = app.add_subcommand("keys", "Pass-signing keys");
  keys->require_subcommand(1);
  auto dir = std::make_shared<std::filesystem::path>("keys");
  auto force = std::make_shared<bool>(false);
  auto* create = keys->add_subcommand("new", "Create an Ed25519 signing key (signing.key) and its public key (signing.pub)");
  create->add_option("--out", *dir, "Directory for the key files")->capture_default_str();
  create->add_flag("--force", *force, "Replace an existing key");
  create->callback([dir, force, &exit_status] { exit_status = new_key(*dir, *force); });
}

}  // namespace checkin::cli
