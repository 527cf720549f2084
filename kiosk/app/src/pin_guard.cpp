// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/app/pin_guard.hpp"

#include <sodium.h>

#include <algorithm>

namespace checkin::app {

namespace {
bool is_pin(std::string_view pin) {
  return pin.size() >= 4 && pin.size() <= 8 && std::ranges::all_of(pin, [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

Result<std::string> PinGuard::hash(std::string_view pin) {
  if (!is_pin(pin)) return fail(Errc::invalid_input, "a staff PIN is 4 to 8 digits");
  if (sodium_init() < 0) return fail(Errc::io, "libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, pin.data(), pin.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return fail(Errc::io, "not enough memory to hash the PIN");
  return std::string(out);
}

Millis PinGuard::lockout_after(int failures) const {
  if (failures < kFreePinTries) return Millis{0};
  // 30 s after the fifth wrong try, doubling each time, at most 15 minutes.
  int doublings = std::min(failures - kFreePinTries, 5);
  return std::min(Millis{30'000} * (1 << doublings), Millis{15 * 60'000});
}

int PinGuard::seconds_locked(const Instant& now) const {
  Millis wait = lockout_after(failures_);
  if (wait.count() == 0) return 0;
  // Measured on the monotonic clock; after a reboot (new boot id) the full wait applies again.
  Millis since = last_failure_.boot_id == now.boot_id ? now.monotonic - last_failure_.monotonic : Millis{0};
  if (since >= wait) return 0;
  return static_cast<int>((wait - since).count() + 999) / 1000;
}

PinGuard::Verdict PinGuard::check(std::string_view pin, const Instant& now) {
  if (hash_.empty()) return Verdict::not_set;
  if (last_failure_.boot_id.empty() && failures_ >= kFreePinTries) last_failure_ = now;  // restarted while locked
  if (seconds_locked(now) > 0) return Verdict::locked;
  std::string candidate(pin);
  if (is_pin(pin) && crypto_pwhash_str_verify(hash_.c_str(), candidate.c_str(), candidate.size()) == 0) {
    failures_ = 0;
    return Verdict::accepted;
  }
  ++failures_;
  last_failure_ = now;
  return Verdict::wrong;
}

}  // namespace checkin::app
