// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/pass.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "checkin/core/base45.hpp"
#include "checkin/core/ids.hpp"

namespace checkin {

namespace {

// Binary layout, all big-endian: version(1) key_id(4) pass_id(16) expires_unix_s(4) | sig(64)
constexpr std::size_t kKeyIdBytes = 4;
constexpr std::size_t kPassIdBytes = 16;
constexpr std::size_t kPayloadBytes = 1 + kKeyIdBytes + kPassIdBytes + 4;
constexpr std::size_t kSignedBytes = kPayloadBytes + crypto_sign_BYTES;
constexpr std::string_view kSeedHeader = "checkin-ed25519-seed-v1 ";

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::array<std::uint8_t, kKeyIdBytes> key_id_bytes(const PublicKey& key) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), key.bytes.data(), key.bytes.size());
  std::array<std::uint8_t, kKeyIdBytes> id{};
  std::copy_n(digest.begin(), kKeyIdBytes, id.begin());
  return id;
}

}  // namespace

std::string PublicKey::key_id() const { return checkin::to_hex(key_id_bytes(*this)); }
std::string PublicKey::to_hex() const { return checkin::to_hex(bytes); }

Result<PublicKey> PublicKey::from_hex(std::string_view hex) {
  PublicKey key;
  if (!checkin::from_hex(hex, key.bytes)) return fail(Errc::invalid_input, "a public key is 64 hex digits");
  return key;
}

SigningKey SigningKey::generate() {
  if (!sodium_ready()) throw std::runtime_error("libsodium failed to initialise");
  SigningKey key;
  randombytes_buf(key.seed_.data(), key.seed_.size());
  crypto_sign_seed_keypair(key.public_.bytes.data(), key.secret_.data(), key.seed_.data());
  return key;
}

Result<SigningKey> SigningKey::from_text(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  if (!text.starts_with(kSeedHeader))
    return fail(Errc::invalid_input, "not a checkin signing key (expected a 'checkin-ed25519-seed-v1' line)");
  if (!sodium_ready()) return fail(Errc::io, "libsodium failed to initialise");
  SigningKey key;
  if (!from_hex(text.substr(kSeedHeader.size()), key.seed_))
    return fail(Errc::invalid_input, "signing key: expected 64 hex digits after the header");
  crypto_sign_seed_keypair(key.public_.bytes.data(), key.secret_.data(), key.seed_.data());
  return key;
}

std::string SigningKey::to_text() const { return std::string(kSeedHeader) + to_hex(seed_) + "\n"; }

std::array<std::uint8_t, 64> SigningKey::sign(std::span<const std::uint8_t> message) const {
  std::array<std::uint8_t, 64> sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

std::string new_pass_id() {
  if (!sodium_ready()) throw std::runtime_error("libsodium failed to initialise");
  std::array<std::uint8_t, kPassIdBytes> id{};
  randombytes_buf(id.data(), id.size());
  return to_hex(id);
}

Result<std::string> issue_pass(const SigningKey& key, std::string_view pass_id, WallTime expires) {
  std::array<std::uint8_t, kSignedBytes> buf{};
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count();
  if (seconds <= 0 || seconds > 0xFFFFFFFFLL) return fail(Errc::invalid_input, "pass expiry out of range");
  buf[0] = kPassFormatVersion;
  auto kid = key_id_bytes(key.public_key());
  std::copy(kid.begin(), kid.end(), buf.begin() + 1);
  if (!from_hex(pass_id, std::span(buf).subspan(1 + kKeyIdBytes, kPassIdBytes)))
    return fail(Errc::invalid_input, "a pass id is 32 hex digits");
  auto exp = static_cast<std::uint32_t>(seconds);
  for (int i = 0; i < 4; ++i) buf[kPayloadBytes - 4 + i] = static_cast<std::uint8_t>(exp >> (24 - 8 * i));
  auto sig = key.sign(std::span(buf).first(kPayloadBytes));
  std::copy(sig.begin(), sig.end(), buf.begin() + kPayloadBytes);
  return std::string(kPassPrefix) + base45_encode(buf);
}

const char* to_string(PassProblem problem) {
  switch (problem) {
    case PassProblem::not_ours: return "not_ours";
    case PassProblem::unknown_key: return "unknown_key";
    case PassProblem::bad_signature: return "bad_signature";
    case PassProblem::revoked: return "revoked";
    case PassProblem::expired: return "expired";
  }
  return "unknown";
}

Result<void> KeyRing::add(const PublicKey& key) {
  if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) return {};
  if (keys_.size() >= kMaxActiveKeys)
    return fail(Errc::limit_exceeded, fmt::format("at most {} pass keys can be active at once", kMaxActiveKeys));
  keys_.push_back(key);
  key_ids_.push_back(key.key_id());
  return {};
}

const PublicKey* KeyRing::find(std::string_view key_id) const {
  auto it = std::find(key_ids_.begin(), key_ids_.end(), key_id);
  return it == key_ids_.end() ? nullptr : &keys_[static_cast<std::size_t>(it - key_ids_.begin())];
}

std::expected<PassClaims, PassRejection> PassVerifier::verify(std::string_view code, WallTime now) const {
  auto reject = [](PassProblem p, std::string detail, std::string pass_id = {}) {
    return std::unexpected(PassRejection{p, std::move(detail), std::move(pass_id)});
  };
  if (code.size() > kMaxCodeLength) return reject(PassProblem::not_ours, "code too long");
  if (!code.starts_with(kPassPrefix)) return reject(PassProblem::not_ours, "no CK1 prefix");
  auto bytes = base45_decode(code.substr(kPassPrefix.size()));
  if (!bytes) return reject(PassProblem::not_ours, "not base45");
  if (bytes->size() != kSignedBytes)
    return reject(PassProblem::not_ours, fmt::format("wrong length {} bytes", bytes->size()));
  const auto& b = *bytes;
  if (b[0] != kPassFormatVersion) return reject(PassProblem::not_ours, fmt::format("unknown format {}", b[0]));

  PassClaims claims;
  claims.key_id = to_hex(std::span(b).subspan(1, kKeyIdBytes));
  claims.pass_id = to_hex(std::span(b).subspan(1 + kKeyIdBytes, kPassIdBytes));
  std::uint32_t exp = 0;
  for (int i = 0; i < 4; ++i) exp = exp << 8 | b[kPayloadBytes - 4 + i];
  claims.expires = WallTime{std::chrono::seconds{exp}};

  // The pass id is only trusted after the signature checks; until then it is not reported.
  const PublicKey* key = keys_.find(claims.key_id);
  if (!key) return reject(PassProblem::unknown_key, "signed by unknown key " + claims.key_id);
  if (!sodium_ready() || crypto_sign_verify_detached(b.data() + kPayloadBytes, b.data(), kPayloadBytes,
                                                     key->bytes.data()) != 0)
    return reject(PassProblem::bad_signature, "signature does not verify");
  if (revoked_.contains(claims.pass_id)) return reject(PassProblem::revoked, "pass revoked", claims.pass_id);
  if (now >= claims.expires)
    return reject(PassProblem::expired, "pass expired " + format_utc(claims.expires), claims.pass_id);
  return claims;
}

}  // namespace checkin
