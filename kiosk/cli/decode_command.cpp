// SPDX-License-Identifier: AGPL-3.0-or-later
#include <fmt/format.h>

#include <cstdio>

#include "checkin/core/pass.hpp"
#include "checkin/qr/decode.hpp"
#include "checkin/qr/image.hpp"
#include "commands.hpp"
#include "files.hpp"

namespace checkin::cli {

namespace {

struct DecodeArgs {
  std::vector<std::filesystem::path> images;
  std::vector<std::filesystem::path> public_keys;
  std::filesystem::path revocations;
};

std::string verdict(const PassVerifier& verifier, bool have_keys, std::string_view text) {
  if (!text.starts_with(kPassPrefix)) return "not a CK1 pass";
  if (!have_keys) return "CK1 pass, signature not checked (give --public-key to verify)";
  auto now = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  auto claims = verifier.verify(text, now);
  if (!claims) return fmt::format("{} ({})", to_string(claims.error().problem), claims.error().detail);
  return fmt::format("valid pass {}, key {}, expires {}", claims->pass_id, claims->key_id, format_utc(claims->expires));
}

int run(const DecodeArgs& args) {
  auto verifier = load_verifier(args.public_keys, args.revocations);
  if (!verifier) {
    fmt::print(stderr, "checkin decode: {}\n", verifier.error().message);
    return kExitError;
  }
  int found = 0;
  bool unreadable = false;
  for (const auto& path : args.images) {
    if (args.images.size() > 1) fmt::print("==> {} <==\n", path.string());
    auto image = qr::load_image(path);
    if (!image) {
      // Corrupt, not an image, or too large to decode safely: the others are still read.
      fmt::print(stderr, "checkin decode: {}\n", image.error().message);
      unreadable = true;
      continue;
    }
    auto codes = qr::decode(image->view(), {.effort = qr::Effort::photo});
    if (codes.empty()) fmt::print(stderr, "checkin decode: no QR code found in {}\n", path.string());
    for (const auto& code : codes) {
      ++found;
      // The text as the code's encoding says, in UTF-8, newlines and all (Shift_JIS or
      // GB2312 codes would be mojibake as raw bytes); the verdict, which reads the exact
      // bytes, on its own line after it.
      std::fwrite(code.utf8_text.data(), 1, code.utf8_text.size(), stdout);
      fmt::print("\nverdict: {}\n", verdict(*verifier, !args.public_keys.empty(), code.text));
    }
  }
  if (unreadable) return kExitError;  // as documented: unreadable input is 2, whatever else decoded
  return found > 0 ? kExitOk : kExitNegative;
}

}  // namespace

void add_decode_command(CLI::App& app, int& exit_status) {
  auto args = std::make_shared<DecodeArgs>();
  auto* cmd = app.add_subcommand("decode", "Find QR codes in images (PNG, JPEG, PGM) and print their text");
  cmd->add_option("images", args->images, "Image files")->required()->check(CLI::ExistingFile);
  cmd->add_option("--public-key", args->public_keys, "Public key file to verify passes with (up to 3)");
  cmd->add_option("--revoked", args->revocations, "File of revoked pass ids, one per line")->check(CLI::ExistingFile);
  cmd->footer("Prints each code's text in UTF-8 (converted from the code's own encoding, e.g. Shift_JIS), then a "
              "'verdict:' line. Exit status 1 when nothing decodes, 2 when an image cannot be read (corrupt, not an "
              "image, or over 40 megapixels).");
  cmd->callback([args, &exit_status] { exit_status = run(*args); });
}

}  // namespace checkin::cli
