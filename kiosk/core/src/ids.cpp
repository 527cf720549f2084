// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/ids.hpp"

#include <sodium.h>

#include <array>
#include <cctype>

namespace checkin {

std::string make_uuid_v7(WallTime now) {
  std::array<std::uint8_t, 16> b{};
  randombytes_buf(b.data(), b.size());
  auto ms = static_cast<std::uint64_t>(now.time_since_epoch().count());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<std::uint8_t>(0x70 | (b[6] & 0x0F));  // version 7
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3F));  // RFC variant
  std::string hex = to_hex(b);
  return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
         hex.substr(16, 4) + '-' + hex.substr(20);
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::optional<WallTime> uuid_v7_time(std::string_view text) {
  if (!is_uuid(text) || text[14] != '7') return std::nullopt;
  const std::string hex = std::string(text.substr(0, 8)) + std::string(text.substr(9, 4));
  std::array<std::uint8_t, 6> b{};
  if (!from_hex(hex, b)) return std::nullopt;
  std::uint64_t ms = 0;
  for (auto byte : b) ms = ms << 8 | byte;
  return WallTime{Millis{static_cast<std::int64_t>(ms)}};
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto byte : bytes) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0x0F];
  }
  return out;
}

bool from_hex(std::string_view hex, std::span<std::uint8_t> out) {
  if (hex.size() != out.size() * 2) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace checkin
