// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include <random>

#include "checkin/core/base45.hpp"

using checkin::base45_decode;
using checkin::base45_encode;

namespace {
std::vector<std::uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("base45 matches the RFC 9285 examples") {
  CHECK(base45_encode(bytes_of("AB")) == "BB8");
  CHECK(base45_encode(bytes_of("Hello!!")) == "%69 VD92EX0");
  CHECK(base45_encode(bytes_of("base-45")) == "UJCLQE7W581");
  CHECK(base45_decode("QED8WEX0") == bytes_of("ietf!"));
  CHECK(base45_encode({}) == "");
  CHECK(base45_decode("") == std::vector<std::uint8_t>{});
}

TEST_CASE("base45 rejects malformed text") {
  CHECK_FALSE(base45_decode("GGW"));    // 65536 does not fit two bytes
  CHECK_FALSE(base45_decode("A"));      // a dangling single character
  CHECK_FALSE(base45_decode("ABCD"));   // 4 = 3 + 1 dangling
  CHECK_FALSE(base45_decode("ab8"));    // lower case is not in the alphabet
  CHECK_FALSE(base45_decode("::"));     // 44 + 44*45 > 255 for a final pair
  CHECK_FALSE(base45_decode(std::string_view("\0\0\0", 3)));
  CHECK_FALSE(base45_decode("\xff\xfe\xfd"));
}

TEST_CASE("base45 round-trips random bytes of every small length") {
  std::mt19937 rng(45);
  for (std::size_t len = 0; len < 200; ++len) {
    std::vector<std::uint8_t> data(len);
    for (auto& b : data) b = static_cast<std::uint8_t>(rng());
    auto text = base45_encode(data);
    INFO("length " << len);
    REQUIRE(base45_decode(text) == data);
  }
}
