// SPDX-License-Identifier: AGPL-3.0-or-later
// Random tokens, hashes and the URL-safe base64 the tokens and cursors use.
#include <sodium.h>

#include <array>
#include <chrono>
#include <stdexcept>

#include "checkin/core/ids.hpp"
#include "store_internal.hpp"

namespace checkin::server::detail {

namespace {

constexpr std::size_t kTokenBytes = 32;

void require_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string new_server_id() {
  return make_uuid_v7(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()));
}

std::string random_token() {
  require_sodium();
  std::array<std::uint8_t, kTokenBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string token = base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  sodium_memzero(bytes.data(), bytes.size());
  return token;
}

std::string sha256_hex(std::string_view data) {
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(digest);
}

bool secrets_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string base64url_encode(std::string_view data) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(data.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                    kVariant);
  out.resize(out.size() - 1);  // the terminating NUL sodium counts in
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out(text.size(), '\0');  // base64 never decodes to more bytes than characters
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &length, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
    return std::nullopt;
  if (end != text.data() + text.size()) return std::nullopt;  // trailing garbage
  out.resize(length);
  return out;
}

bool text_too_long(std::string_view value, std::size_t limit) { return value.size() > limit; }

Result<void> check_length(std::string_view field, std::string_view value, std::size_t limit) {
  if (text_too_long(value, limit))
    return fail(Errc::invalid_input,
                std::string(field) + " is longer than " + std::to_string(limit) + " bytes");
  return {};
}

}  // namespace checkin::server::detail
