// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Identifiers made on the kiosk.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "checkin/core/clock.hpp"

namespace checkin {

// UUIDv7 (RFC 9562): 48-bit Unix milliseconds then random bits, so ids sort by time
// and never collide between kiosks.
std::string make_uuid_v7(WallTime now);
bool is_uuid(std::string_view text);
// When a UUIDv7 was made (its first 48 bits); nullopt for any other text.
std::optional<WallTime> uuid_v7_time(std::string_view text);

std::string to_hex(std::span<const std::uint8_t> bytes);
bool from_hex(std::string_view hex, std::span<std::uint8_t> out);  // exact length, any case

}  // namespace checkin
