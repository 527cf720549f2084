// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Small file helpers shared by the commands.
#include <filesystem>
#include <string>
#include <vector>

#include "checkin/core/error.hpp"
#include "checkin/core/ids.hpp"
#include "checkin/core/pass.hpp"

namespace checkin::cli {

Result<std::string> read_text_file(const std::filesystem::path& path);
// Writes atomically (temporary file + rename); `private_file` makes it readable by the owner only.
Result<void> write_text_file(const std::filesystem::path& path, const std::string& text, bool private_file = false);

Result<SigningKey> load_signing_key(const std::filesystem::path& path);
// A public key file holds the key as 64 hex digits; a signing key file is accepted too.
Result<PublicKey> load_public_key(const std::filesystem::path& path);
Result<PassVerifier> load_verifier(const std::vector<std::filesystem::path>& public_keys,
                                   const std::filesystem::path& revocations_file);

}  // namespace checkin::cli
