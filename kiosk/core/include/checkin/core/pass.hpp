// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Signed passes. A pass is "CK1:" + base45(payload || Ed25519 signature), where the
// payload holds only a format version, the signing key's id, a random 128-bit pass id
// and an expiry: a photographed pass reveals nothing about its holder.
#include <array>
#include <expected>
#include <span>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"

namespace checkin {

inline constexpr std::string_view kPassPrefix = "CK1:";
inline constexpr std::uint8_t kPassFormatVersion = 1;
inline constexpr std::size_t kMaxCodeLength = 512;  // anything longer is not ours; not parsed
inline constexpr std::size_t kMaxActiveKeys = 3;    // key rotation: old, current, next

struct PublicKey {
  std::array<std::uint8_t, 32> bytes{};

  std::string key_id() const;  // hex of the first 4 bytes of SHA-256(bytes)
  std::string to_hex() const;
  static Result<PublicKey> from_hex(std::string_view hex);
  bool operator==(const PublicKey&) const = default;
};

class SigningKey {
 public:
  static SigningKey generate();
  // The key file's text: "checkin-ed25519-seed-v1 <64 hex digits>".
  static Result<SigningKey> from_text(std::string_view text);
  std::string to_text() const;
  const PublicKey& public_key() const { return public_; }
  std::array<std::uint8_t, 64> sign(std::span<const std::uint8_t> message) const;

 private:
  std::array<std::uint8_t, 32> seed_{};
  std::array<std::uint8_t, 64> secret_{};
  PublicKey public_;
};

// What a valid pass says.
struct PassClaims {
  std::string pass_id;  // 32 hex digits
  std::string key_id;
  WallTime expires{};
};

std::string new_pass_id();  // 128 random bits as hex
Result<std::string> issue_pass(const SigningKey& key, std::string_view pass_id, WallTime expires);

enum class PassProblem {
  not_ours,       // no CK1 prefix, too long, not base45, wrong size or version
  unknown_key,    // signed by a key this kiosk does not trust
  bad_signature,  // altered or forged
  revoked,
  expired,
};
const char* to_string(PassProblem problem);

struct PassRejection {
  PassProblem problem;
  std::string detail;  // for the admin screen and the log; never shown to the public
  std::string pass_id; // when the pass parsed far enough to have one
};

// The public keys a kiosk trusts, at most kMaxActiveKeys.
class KeyRing {
 public:
  Result<void> add(const PublicKey& key);
  const PublicKey* find(std::string_view key_id) const;
  const std::vector<PublicKey>& keys() const { return keys_; }

 private:
  std::vector<PublicKey> keys_;
  std::vector<std::string> key_ids_;  // computed once: every scan looks a key up
};

using Revocations = std::unordered_set<std::string>;  // revoked pass ids (hex)

// Offline verification: everything a kiosk needs to judge a code without the network.
class PassVerifier {
 public:
  PassVerifier() = default;
  PassVerifier(KeyRing keys, Revocations revoked) : keys_(std::move(keys)), revoked_(std::move(revoked)) {}

  std::expected<PassClaims, PassRejection> verify(std::string_view code, WallTime now) const;

  KeyRing& keys() { return keys_; }
  Revocations& revocations() { return revoked_; }

 private:
  KeyRing keys_;
  Revocations revoked_;
};

}  // namespace checkin
