// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Base45 (RFC 9285): bytes as text from the QR alphanumeric alphabet, so a pass fits
// the compact alphanumeric QR mode.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace checkin {

std::string base45_encode(std::span<const std::uint8_t> bytes);
// nullopt for any character outside the alphabet, a dangling single character, or a
// group whose value does not fit.
std::optional<std::vector<std::uint8_t>> base45_decode(std::string_view text);

}  // namespace checkin
