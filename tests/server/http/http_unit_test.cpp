// SPDX-License-Identifier: AGPL-3.0-or-later
// The HTTP layer's pure parts: listen addresses, the upload gate, the metrics text and the
// public-key pin's forms.
#include "checkin_catch.hpp"

#include "checkin/server/http.hpp"
#include "checkin/server/metrics.hpp"

using namespace checkin;
using namespace checkin::server;

TEST_CASE("http: listen addresses") {
  auto v4 = parse_listen_address("127.0.0.1:8080");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 8080);
  auto v6 = parse_listen_address("[::1]:0");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == 0);
  CHECK(to_string(*v6) == "[::1]:0");
  for (auto bad : {"", "127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:65536", "127.0.0.1:-1", "::1:80", "[::1]80", "h:8x"})
    CHECK_FALSE(parse_listen_address(bad));
  CHECK(is_loopback("127.0.0.1"));
  CHECK(is_loopback("127.1.2.3"));
  CHECK(is_loopback("::1"));
  CHECK(is_loopback("localhost"));
  CHECK_FALSE(is_loopback("0.0.0.0"));
  CHECK_FALSE(is_loopback("192.168.1.10"));
  CHECK_FALSE(is_loopback("::"));
}

TEST_CASE("http: the upload gate admits its capacity and frees slots when they end") {
  UploadGate gate(2);
  auto a = gate.try_enter();
  auto b = gate.try_enter();
  CHECK(a);
  CHECK(b);
  {
    auto c = gate.try_enter();
    CHECK_FALSE(c);
  }
  CHECK(gate.in_use() == 2);
  { auto moved = std::move(a); }
  CHECK(gate.in_use() == 1);
  auto d = gate.try_enter();
  CHECK(d);
  CHECK(gate.in_use() == 2);
}

TEST_CASE("http: metrics text") {
  Metrics metrics;
  metrics.count_request(1, 200);
  metrics.count_request(1, 200);
  metrics.count_request(kUnmatchedRoute, 404);
  metrics.count_request(0, 418);  // not in the fast table: still counted
  metrics.count_event(sync::EventStatus::accepted);
  metrics.count_event(sync::EventStatus::rejected);
  CHECK(metrics.requests(1, 200) == 2);
  CHECK(metrics.requests(0, 418) == 1);
  std::vector<DeviceLag> lags{{"dev\"1\\\n", 1.5}};
  auto text = metrics.render(lags, 2);
  CHECK(text.find("checkin_http_requests_total{route=\"/api/v1/devices/{id}/events:batch\",status=\"200\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("checkin_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n") != std::string::npos);
  CHECK(text.find("checkin_http_requests_total{route=\"/api/v1/enrol\",status=\"418\"} 1\n") != std::string::npos);
  CHECK(text.find("checkin_events_ingested_total{status=\"accepted\"} 1\n") != std::string::npos);
  CHECK(text.find("checkin_events_ingested_total{status=\"duplicate\"} 0\n") != std::string::npos);
  CHECK(text.find("checkin_events_ingested_total{status=\"rejected\"} 1\n") != std::string::npos);
  CHECK(text.find("checkin_sync_lag_seconds{device=\"dev\\\"1\\\\\\n\"} 1.500\n") != std::string::npos);
  CHECK(text.find("checkin_devices{state=\"active\"} 1\n") != std::string::npos);
  CHECK(text.find("checkin_devices{state=\"revoked\"} 2\n") != std::string::npos);
  // Each family's HELP and TYPE come before its samples.
  for (auto family : {"checkin_http_requests_total", "checkin_events_ingested_total", "checkin_sync_lag_seconds",
                      "checkin_devices"}) {
    auto help = text.find(std::string("# HELP ") + family + " ");
    auto type = text.find(std::string("# TYPE ") + family + " ");
    auto sample = text.find(std::string("\n") + family + "{");
    REQUIRE(help != std::string::npos);
    CHECK(help < type);
    CHECK(type < sample);
  }
}

TEST_CASE("http: the curl pin is the same SHA-256 in base64") {
  // SHA-256 of nothing, in both forms.
  auto pin = curl_pin_from_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  REQUIRE(pin);
  CHECK(*pin == "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  CHECK_FALSE(curl_pin_from_hex("e3b0"));
  CHECK_FALSE(curl_pin_from_hex(std::string(64, 'g')));
  CHECK_FALSE(certificate_public_key_sha256("/nonexistent/cert.pem"));
}
