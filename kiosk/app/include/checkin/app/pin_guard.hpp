// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The staff PIN that guards the admin screen: stored only as an Argon2id hash, and
// slowed down after repeated wrong tries (5 free tries, then a delay that doubles).
#include <algorithm>
#include <string>
#include <string_view>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"

namespace checkin::app {

inline constexpr int kFreePinTries = 5;

class PinGuard {
 public:
  // A PIN is 4 to 8 digits.
  static Result<std::string> hash(std::string_view pin);

  // `failures` carries wrong tries over a restart, so rebooting does not reset the lockout.
  explicit PinGuard(std::string hash, int failures = 0) : hash_(std::move(hash)), failures_(failures) {}

  enum class Verdict { accepted, wrong, locked, not_set };
  Verdict check(std::string_view pin, const Instant& now);

  int seconds_locked(const Instant& now) const;  // 0 when a try is allowed
  int failures() const { return failures_; }
  void carry_over_failures(int failures) { failures_ = std::max(0, failures); }
  bool is_set() const { return !hash_.empty(); }

 private:
  Millis lockout_after(int failures) const;

  std::string hash_;
  int failures_ = 0;
  Instant last_failure_{};
};

}  // namespace checkin::app
