// SPDX-License-Identifier: AGPL-3.0-or-later
#include <algorithm>

#include "checkin/sync/client.hpp"

namespace checkin::sync {

Backoff::Backoff(Millis base, Millis cap, std::uint64_t seed)
    : base_(std::max(base, Millis{1})), cap_(std::max(cap, base_)), random_(seed) {}

Millis Backoff::next(std::optional<Millis> retry_after) {
  // The ceiling doubles per failure so far: the first retry waits up to one base.
  Millis ceiling = base_;
  for (int i = 0; i < failures_ && ceiling < cap_; ++i) ceiling *= 2;  // stops before it can overflow
  ceiling = std::min(ceiling, cap_);
  if (failures_ < 1'000'000) ++failures_;
  // The server knows its load better than any formula.
  if (retry_after) return std::max(*retry_after, Millis{0});
  // Full jitter: kiosks that failed together (a server restart) do not return together.
  std::uniform_int_distribution<Millis::rep> delay(0, ceiling.count());
  return Millis{delay(random_)};
}

}  // namespace checkin::sync
