// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/base45.hpp"

#include <array>

namespace checkin {

namespace {
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

constexpr std::array<std::int8_t, 256> make_reverse() {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (std::size_t i = 0; i < kAlphabet.size(); ++i)
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
  return table;
}
constexpr auto kReverse = make_reverse();
}  // namespace

std::string base45_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() / 2 * 3 + 2);
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    unsigned n = bytes[i] * 256u + bytes[i + 1];
    out += kAlphabet[n % 45];
    out += kAlphabet[n / 45 % 45];
    out += kAlphabet[n / (45 * 45)];
  }
  if (i < bytes.size()) {
    unsigned n = bytes[i];
    out += kAlphabet[n % 45];
    out += kAlphabet[n / 45];
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> base45_decode(std::string_view text) {
  if (text.size() % 3 == 1) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() / 3 * 2 + 1);
  auto digit = [&](std::size_t i) { return kReverse[static_cast<unsigned char>(text[i])]; };
  for (std::size_t i = 0; i < text.size(); i += 3) {
    std::size_t group = std::min<std::size_t>(3, text.size() - i);
    unsigned n = 0, weight = 1;
    for (std::size_t k = 0; k < group; ++k) {
      int d = digit(i + k);
      if (d < 0) return std::nullopt;
      n += static_cast<unsigned>(d) * weight;
      weight *= 45;
    }
    if (group == 3) {
      if (n > 0xFFFF) return std::nullopt;
      out.push_back(static_cast<std::uint8_t>(n >> 8));
      out.push_back(static_cast<std::uint8_t>(n & 0xFF));
    } else {
      if (n > 0xFF) return std::nullopt;
      out.push_back(static_cast<std::uint8_t>(n));
    }
  }
  return out;
}

}  // namespace checkin
