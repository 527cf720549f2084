// SPDX-License-Identifier: AGPL-3.0-or-later
// The client's HTTP layer and backoff: Retry-After, pins, device time, TLS pinning against
// a throwaway self-signed certificate, and the backoff's bounds.
#include "checkin_catch.hpp"
#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>

#include "checkin/sync/api.hpp"
#include "client_test_support.hpp"
#include "http.hpp"  // internal to the client library

using namespace checkin;
using namespace checkin::sync;
using namespace checkin::testing;
using namespace std::chrono_literals;

namespace {

// SHA-256 of the certificate's SubjectPublicKeyInfo (DER), as hex: what the enrolment QR pins.
std::string public_key_sha256(const std::string& cert_pem) {
  FILE* file = std::fopen(cert_pem.c_str(), "r");
  REQUIRE(file);
  X509* cert = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  REQUIRE(cert);
  unsigned char* der = nullptr;
  const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  REQUIRE(length > 0);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(der, static_cast<size_t>(length), digest);
  OPENSSL_free(der);
  X509_free(cert);
  std::string hex;
  for (unsigned char byte : digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

struct SelfSigned {
  TempDir dir;
  std::string cert = dir.file("cert.pem");
  std::string key = dir.file("key.pem");
  SelfSigned() {
    const std::string command = fmt::format(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout {} -out {} 2>/dev/null",
        key, cert);
    if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
  }
};

}  // namespace

TEST_CASE("Retry-After in seconds or as an HTTP date", "[client][http]") {
  const WallTime now = at_utc(2026, 11, 26, 18, 30);
  CHECK(detail::parse_retry_after("120", now) == Millis{120s});
  CHECK(detail::parse_retry_after(" 0 ", now) == Millis{0});
  CHECK(detail::parse_retry_after("Thu, 26 Nov 2026 18:31:30 GMT", now) == Millis{90s});
  CHECK(detail::parse_retry_after("Thu, 26 Nov 2026 18:00:00 GMT", now) == Millis{0});  // in the past
  CHECK(detail::parse_retry_after("99999999999999999999999", now) == Millis{1h});  // capped
  CHECK(detail::parse_retry_after("86400", now) == Millis{1h});
  CHECK_FALSE(detail::parse_retry_after("soon", now).has_value());
  CHECK_FALSE(detail::parse_retry_after("-5", now).has_value());
  CHECK_FALSE(detail::parse_retry_after("", now).has_value());
}

TEST_CASE("a hex pin becomes libcurl's sha256// base64 form", "[client][http]") {
  // SHA-256 of the empty string, a known value: 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
  CHECK(detail::curl_pin_from_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") ==
        "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  CHECK(detail::curl_pin_from_hex("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855") ==
        "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  CHECK_FALSE(detail::curl_pin_from_hex("e3b0").has_value());
  CHECK_FALSE(detail::curl_pin_from_hex(std::string(64, 'g')).has_value());
}

TEST_CASE("the device time header has milliseconds and a Z", "[client][http]") {
  CHECK(detail::device_time_text(at_utc(2026, 11, 26, 18, 30) + 5123ms) == "2026-11-26T18:30:05.123Z");
  CHECK(detail::device_time_text(at_utc(2027, 1, 2, 3, 4)) == "2027-01-02T03:04:00.000Z");
}

TEST_CASE("backoff stays within full-jitter bounds and never above the cap", "[client][backoff]") {
  Backoff backoff(1s, 5min, 42);
  Millis largest{0};
  for (int attempt = 0; attempt < 2000; ++attempt) {
    const Millis ceiling = std::min<Millis>(5min, Millis{1s} * (std::int64_t{1} << std::min(attempt, 20)));
    const Millis delay = backoff.next();
    INFO("attempt " << attempt);
    REQUIRE(delay >= 0ms);
    REQUIRE(delay <= ceiling);
    largest = std::max(largest, delay);
  }
  CHECK(backoff.failures() == 2000);
  CHECK(largest > 4min);  // the jitter does reach up to the cap

  // Jitter: the early ceilings are small and draws vary.
  Backoff fresh(1s, 5min, 7);
  std::set<Millis::rep> first_draws;
  for (int i = 0; i < 50; ++i) {
    fresh.reset();
    const Millis delay = fresh.next();
    CHECK(delay <= 1s);
    first_draws.insert(delay.count());
  }
  CHECK(first_draws.size() > 10);
}

TEST_CASE("Retry-After wins over the backoff, and reset starts over", "[client][backoff]") {
  Backoff backoff(1s, 5min, 1);
  for (int i = 0; i < 12; ++i) backoff.next();
  CHECK(backoff.next(30s) == 30s);
  CHECK(backoff.next(10min) == 10min);  // the server knows best, even above the cap
  CHECK(backoff.failures() == 14);
  backoff.reset();
  CHECK(backoff.failures() == 0);
  CHECK(backoff.next() <= 1s);
}

TEST_CASE("HTTPS with the pinned key of a self-signed certificate", "[client][tls]") {
  SelfSigned certificate;
  FakeServer server(certificate.cert, certificate.key);
  FakeLedger ledger;
  server.on("POST", api::events_batch(kDevice), [&](const Recorded& r) { return ledger.answer(r, kNow); });
  server.on("GET", api::changes(kDevice), [](const Recorded&) { return ok(empty_page_body()); });
  const std::string right_pin = public_key_sha256(certificate.cert);
  Kiosk kiosk;
  kiosk.record(ids("ev-", 2));

  SECTION("the right pin works") {
    SyncClient client(kiosk.store, kiosk.enrolled_with(server.url("https"), right_pin), kiosk.clock, quick_options());
    auto report = client.sync_once();
    INFO((report ? std::string("ok") : report.error().error.message));
    REQUIRE(report);
    CHECK(report->uploaded == 2);
    CHECK(server.requests().at(0).authorization == "Bearer " + kToken);
  }
  SECTION("a wrong pin is refused before anything is sent") {
    std::string wrong_pin = right_pin;
    wrong_pin[0] = wrong_pin[0] == '0' ? '1' : '0';
    SyncClient client(kiosk.store, kiosk.enrolled_with(server.url("https"), wrong_pin), kiosk.clock, quick_options());
    auto result = client.sync_once();
    REQUIRE_FALSE(result);
    CHECK(result.error().error.code == Errc::unavailable);
    CHECK_THAT(result.error().error.message, Catch::Matchers::ContainsSubstring("does not match the key pinned"));
    CHECK(server.requests().empty());
    CHECK(kiosk.counts().pending == 2);
  }
  SECTION("without a pin a self-signed certificate fails CA verification") {
    SyncClient client(kiosk.store, kiosk.enrolled_with(server.url("https")), kiosk.clock, quick_options());
    auto result = client.sync_once();
    REQUIRE_FALSE(result);
    CHECK(result.error().error.code == Errc::unavailable);
    CHECK(server.requests().empty());
  }
  SECTION("without a pin, a CA file that vouches for the certificate works") {
    auto options = quick_options();
    options.ca_file = certificate.cert;
    SyncClient client(kiosk.store, kiosk.enrolled_with(server.url("https")), kiosk.clock, options);
    auto report = client.sync_once();
    INFO((report ? std::string("ok") : report.error().error.message));
    REQUIRE(report);
    CHECK(report->uploaded == 2);
  }
  SECTION("enrolment pins the key from the code") {
    server.on("POST", std::string(api::kEnrol), [](const Recorded&) {
      EnrolResponse response{"dev-9", "secret-9", Site{"site-1", "Riverside"}, {key('c')}, kNow};
      return ok(to_json(response));
    });
    std::string wrong_pin = right_pin;
    wrong_pin[1] = wrong_pin[1] == '0' ? '1' : '0';
    auto refused = enrol(EnrolmentCode{server.url("https"), "tok", wrong_pin}, "kiosk", kiosk.store, kiosk.clock,
                         quick_options());
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("pinned"));
    auto enrolled = enrol(EnrolmentCode{server.url("https"), "tok", right_pin}, "kiosk", kiosk.store, kiosk.clock,
                          quick_options());
    INFO((enrolled ? std::string("ok") : enrolled.error().message));
    REQUIRE(enrolled);
    CHECK(enrolled->cert_sha256 == right_pin);
    CHECK((*Credentials::load(kiosk.store))->cert_sha256 == right_pin);
  }
}
