// SPDX-License-Identifier: AGPL-3.0-or-later
// The pass parser and verifier (kiosk/core pass.hpp) on any text a camera or a scanner can
// hand it: never a crash, and what verifies says a well-formed pass id. The seed corpus
// holds passes signed with the harness's fixed key, so signatures, expiry and revocation
// are reached too.
#include <cstddef>
#include <cstdint>
#include <chrono>
#include <string>
#include <string_view>

#include "checkin/core/pass.hpp"

namespace {

const checkin::PassVerifier& verifier() {
  static const checkin::PassVerifier instance = [] {
    // A fixed key, so a crash found once reproduces.
    auto key = checkin::SigningKey::from_text("checkin-ed25519-seed-v1 " + std::string(64, '7'));
    checkin::KeyRing keys;
    if (key) (void)keys.add(key->public_key());
    return checkin::PassVerifier(std::move(keys), {"00112233445566778899aabbccddeeff"});
  }();
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view code(reinterpret_cast<const char*>(data), size);
  const auto now = checkin::WallTime{std::chrono::milliseconds{1'800'000'000'000}};
  auto verdict = verifier().verify(code, now);
  if (verdict && (verdict->pass_id.size() != 32 || verdict->expires <= now)) __builtin_trap();
  return 0;
}
