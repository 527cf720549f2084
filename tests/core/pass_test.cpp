// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include <random>

#include "checkin/core/base45.hpp"
#include "checkin/core/pass.hpp"

using namespace checkin;
using namespace std::chrono;

namespace {

const WallTime kNow = sys_days{2026y / November / 26} + 10h;
const WallTime kExpiry = kNow + days{365};

struct Fixture {
  SigningKey key = SigningKey::generate();
  std::string pass_id = new_pass_id();
  std::string text = issue_pass(key, pass_id, kExpiry).value();
  PassVerifier verifier;
  Fixture() { REQUIRE(verifier.keys().add(key.public_key())); }
};

PassProblem problem_of(const PassVerifier& v, std::string_view code) {
  auto r = v.verify(code, kNow);
  REQUIRE_FALSE(r);
  return r.error().problem;
}

}  // namespace

TEST_CASE("an issued pass verifies and says only its id, key and expiry") {
  Fixture f;
  CHECK(f.text.starts_with("CK1:"));
  CHECK(f.text.size() == 4 + 134);  // 89 bytes of base45: a version 7-M QR in alphanumeric mode
  for (char c : f.text.substr(4))
    CHECK(std::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").find(c) != std::string_view::npos);
  auto claims = f.verifier.verify(f.text, kNow);
  REQUIRE(claims);
  CHECK(claims->pass_id == f.pass_id);
  CHECK(claims->key_id == f.key.public_key().key_id());
  CHECK(claims->expires == floor<seconds>(kExpiry));
}

TEST_CASE("every single-bit flip of a pass is rejected") {
  Fixture f;
  auto bytes = base45_decode(std::string_view(f.text).substr(4)).value();
  int flips = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto flipped = bytes;
      flipped[i] ^= static_cast<std::uint8_t>(1u << bit);
      auto r = f.verifier.verify("CK1:" + base45_encode(flipped), kNow);
      INFO("byte " << i << " bit " << bit);
      REQUIRE_FALSE(r);
      ++flips;
    }
  }
  CHECK(flips == 89 * 8);
  // ... and of its text form, as a damaged code or a mistyped scan would give.
  for (std::size_t i = 0; i < f.text.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto flipped = f.text;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      INFO("char " << i << " bit " << bit);
      REQUIRE_FALSE(f.verifier.verify(flipped, kNow));
    }
  }
}

TEST_CASE("passes are judged offline: wrong key, rotation, expiry, revocation") {
  Fixture f;
  SECTION("signed by a key the kiosk does not trust") {
    PassVerifier other;
    REQUIRE(other.keys().add(SigningKey::generate().public_key()));
    CHECK(problem_of(other, f.text) == PassProblem::unknown_key);
  }
  SECTION("a forged pass that claims a trusted key id") {
    // Same key id and payload, but signed by another key: the signature must fail.
    auto forger = SigningKey::generate();
    auto forged = base45_decode(std::string_view(issue_pass(forger, f.pass_id, kExpiry).value()).substr(4)).value();
    auto genuine = base45_decode(std::string_view(f.text).substr(4)).value();
    std::copy_n(genuine.begin() + 1, 4, forged.begin() + 1);
    CHECK(problem_of(f.verifier, "CK1:" + base45_encode(forged)) == PassProblem::bad_signature);
  }
  SECTION("up to three keys are active for rotation") {
    auto k2 = SigningKey::generate(), k3 = SigningKey::generate(), k4 = SigningKey::generate();
    REQUIRE(f.verifier.keys().add(k2.public_key()));
    REQUIRE(f.verifier.keys().add(k3.public_key()));
    REQUIRE(f.verifier.keys().add(k2.public_key()));  // adding a known key again is harmless
    auto fourth = f.verifier.keys().add(k4.public_key());
    REQUIRE_FALSE(fourth);
    CHECK(fourth.error().code == Errc::limit_exceeded);
    CHECK(f.verifier.verify(issue_pass(k3, new_pass_id(), kExpiry).value(), kNow));
    CHECK(f.verifier.verify(f.text, kNow));
  }
  SECTION("expired at the second of expiry, valid just before") {
    auto pass = issue_pass(f.key, f.pass_id, kNow + 1s).value();
    CHECK(f.verifier.verify(pass, kNow));
    CHECK(f.verifier.verify(pass, kNow + 999ms));
    auto late = f.verifier.verify(pass, kNow + 1s);
    REQUIRE_FALSE(late);
    CHECK(late.error().problem == PassProblem::expired);
    CHECK(late.error().pass_id == f.pass_id);
  }
  SECTION("revoked, even when also expired") {
    f.verifier.revocations().insert(f.pass_id);
    CHECK(problem_of(f.verifier, f.text) == PassProblem::revoked);
    auto expired = issue_pass(f.key, f.pass_id, kNow - 1s).value();
    CHECK(problem_of(f.verifier, expired) == PassProblem::revoked);
  }
}

TEST_CASE("hostile and foreign codes are not ours and never crash") {
  Fixture f;
  std::vector<std::string> codes = {
      "",
      "CK1:",
      "CK1",
      "ck1:" + f.text.substr(4),                      // case matters: base45 is upper case
      f.text.substr(0, f.text.size() - 1),            // truncated by one character
      f.text.substr(0, f.text.size() - 3),            // truncated by a whole group
      f.text.substr(0, 40),
      f.text + "00",                                  // longer than a pass
      f.text + std::string(600, 'A'),                 // oversized
      std::string(100'000, 'Z'),
      "https://example.org/event?id=42",
      "WIFI:S:community;T:WPA;P:secret;;",
      "CK1:\xff\xfe\x80\xc3\x28 not utf-8",
      std::string("CK1:\0\0\0\0", 8),
      "CK2:" + f.text.substr(4),                      // a future format we do not know
  };
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {  // random bytes, random base45, random lengths
    std::string s = i % 2 ? "CK1:" : "";
    std::size_t len = rng() % 300;
    for (std::size_t k = 0; k < len; ++k)
      s += i % 3 ? "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"[rng() % 45] : static_cast<char>(rng());
    codes.push_back(s);
  }
  for (const auto& code : codes) {
    auto r = f.verifier.verify(code, kNow);
    INFO("code of length " << code.size());
    REQUIRE_FALSE(r);
    CHECK((r.error().problem == PassProblem::not_ours || r.error().problem == PassProblem::unknown_key ||
           r.error().problem == PassProblem::bad_signature));
    CHECK(r.error().pass_id.empty());  // nothing from an unverified code is reported as a pass id
  }
}

TEST_CASE("a version byte other than 1 is not ours even when well signed") {
  Fixture f;
  auto bytes = base45_decode(std::string_view(f.text).substr(4)).value();
  bytes[0] = 2;
  CHECK(problem_of(f.verifier, "CK1:" + base45_encode(bytes)) == PassProblem::not_ours);
}

TEST_CASE("signing keys round-trip through their file text and reject garbage") {
  auto key = SigningKey::generate();
  auto text = key.to_text();
  CHECK(text.starts_with("checkin-ed25519-seed-v1 "));
  auto back = SigningKey::from_text(text);
  REQUIRE(back);
  CHECK(back->public_key() == key.public_key());
  CHECK_FALSE(SigningKey::from_text(""));
  CHECK_FALSE(SigningKey::from_text("checkin-ed25519-seed-v1 xyz"));
  CHECK_FALSE(SigningKey::from_text("-----BEGIN PRIVATE KEY-----"));
  auto pub = PublicKey::from_hex(key.public_key().to_hex());
  REQUIRE(pub);
  CHECK(*pub == key.public_key());
  CHECK(key.public_key().key_id().size() == 8);
  CHECK_FALSE(PublicKey::from_hex("00"));
  CHECK_FALSE(issue_pass(key, "not-hex", kExpiry));
  CHECK_FALSE(issue_pass(key, new_pass_id(), WallTime{}));
}
