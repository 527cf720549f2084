// SPDX-License-Identifier: AGPL-3.0-or-later
// The HTTP layer's pure parts: listen addresses, the upload gate, the metrics text, the
// public-key pin's forms, and the front's own readers (head checks, targets, forms).
#include "checkin_catch.hpp"

#include <optional>
#include <string>
#include <vector>

#include "checkin/server/http.hpp"
#include "checkin/server/metrics.hpp"
#include "front_checks.hpp"

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

namespace {

std::optional<front::Refusal> check(std::string_view method, std::string_view version, std::string_view target,
                                    std::vector<std::pair<std::string, std::string>> fields) {
  Headers headers;
  for (auto& [name, value] : fields) headers.add(name, value);
  return front::check_head(front::Head{method, version, target, headers}, front::HeadLimits{});
}

}  // namespace

TEST_CASE("http: the front's head checks follow RFC 9112 and the limits") {
  CHECK_FALSE(check("GET", "HTTP/1.1", "/", {{"Host", "x"}}));
  CHECK_FALSE(check("POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Content-Length", "3"}, {"Content-Length", "3"}}));
  CHECK_FALSE(check("POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Content-Length", "3, 3"}}));
  CHECK_FALSE(check("GET", "HTTP/1.0", "/", {}));  // HTTP/1.0 may leave Host out
  struct Case {
    std::string_view method, version, target;
    std::vector<std::pair<std::string, std::string>> fields;
    int status;
    std::string_view reason;
  };
  const std::vector<Case> cases = {
      {"GET", "HTTP/1.1", "/", {}, 400, "exactly one Host"},
      {"GET", "HTTP/1.1", "/", {{"Host", "a"}, {"Host", "b"}}, 400, "exactly one Host"},
      {"POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Content-Length", "5"}, {"Content-Length", "3"}}, 400, "two different"},
      {"POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Content-Length", "5, 3"}}, 400, "two different"},
      {"POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Content-Length", "abc"}}, 400, "not a number"},
      {"POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Content-Length", "+3"}}, 400, "not a number"},
      {"POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Content-Length", ""}}, 400, "not a number"},
      {"POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "3"}}, 400,
       "both Transfer-Encoding and Content-Length"},
      {"POST", "HTTP/1.0", "/", {{"Transfer-Encoding", "chunked"}}, 400, "not part of HTTP/1.0"},
      {"POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Transfer-Encoding", "chunked"}}, 411, "Content-Length"},
      {"POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Transfer-Encoding", "gzip"}}, 411, "Content-Length"},
      {"POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Content-Length", "104857600"}}, 413, "over 4194304 bytes"},
      {"GET", "HTTP/1.1", "/", {{"Host", "x"}, {"Bad Name", "y"}}, 400, "not a token"},
      {"GET", "HTTP/1.1", "/", {{"Host", "x"}, {"X", std::string("a\0b", 3)}}, 400, "control character"},
      {"GE T", "HTTP/1.1", "/", {{"Host", "x"}}, 400, "method is not a token"},
      {"GET", "HTTP/1.1", std::string(9000, '/'), {{"Host", "x"}}, 414, "over 8192 bytes"},
      {"GET", "HTTP/1.1", "/", {{"Host", "x"}, {"Cookie", std::string(40000, 'c')}}, 431, "over 32768 bytes"},
  };
  for (const auto& c : cases) {
    INFO(c.method << " " << c.target.substr(0, 40) << " expecting " << c.status << " " << c.reason);
    auto refusal = check(c.method, c.version, c.target, c.fields);
    REQUIRE(refusal);
    CHECK(refusal->status == c.status);
    CHECK(refusal->reason.find(c.reason) != std::string::npos);
    CHECK(refusal->close);
  }
  std::vector<std::pair<std::string, std::string>> many{{"Host", "x"}};
  for (int i = 0; i < 100; ++i) many.emplace_back("X-" + std::to_string(i), "y");
  CHECK(check("GET", "HTTP/1.1", "/", many)->status == 431);
  // A body a little over the limit is read and dropped, so a browser sees the answer.
  auto a_little = check("POST", "HTTP/1.1", "/", {{"Host", "x"}, {"Content-Length", "5000000"}});
  REQUIRE(a_little);
  CHECK(a_little->status == 413);
  CHECK(a_little->after_body);
  CHECK_FALSE(a_little->close);
}

TEST_CASE("http: request targets are decoded once, and control characters refused") {
  std::string problem;
  auto plain = front::read_target("GET", "/api/v1/devices/a%20b/changes?cursor=x%2By&wait=25&cursor=2", problem);
  REQUIRE(plain);
  CHECK(plain->path == "/api/v1/devices/a b/changes");
  CHECK(plain->query.get("cursor") == "x+y");
  CHECK(plain->query.all("cursor") == std::vector<std::string>{"x+y", "2"});
  CHECK(plain->query.get("wait") == "25");
  auto absolute = front::read_target("GET", "HTTP://checkin.example.org/sessions?site=a+b", problem);
  REQUIRE(absolute);
  CHECK(absolute->path == "/sessions");
  CHECK(absolute->query.get("site") == "a b");
  CHECK(front::read_target("OPTIONS", "*", problem));
  for (std::string_view bad : {"*", "sessions", "/a%zz", "/a%0", "/a%00b", "/a%0Ab", "/a%7Fb", "/?x=%00", "/?x=%zz", "/a b",
                               "/a\tb", "/?x=\x01", "/a\x7F"}) {
    INFO(bad);
    CHECK_FALSE(front::read_target("GET", bad, problem));
  }
}

TEST_CASE("http: forms come from the body, url-encoded or multipart") {
  auto fields = parse_urlencoded("a=1&b=two+words&a=%C3%A9&empty=&flag");
  REQUIRE(fields);
  CHECK(fields->all("a") == std::vector<std::string>{"1", "\xC3\xA9"});
  CHECK(fields->get("b") == "two words");
  CHECK(fields->has("empty"));
  CHECK(fields->has("flag"));
  CHECK_FALSE(parse_urlencoded("a=%00"));
  CHECK_FALSE(parse_urlencoded("a=%G1"));

  const std::string body =
      "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people \\\"list\\\".csv\"\r\n"
      "Content-Type: text/csv\r\n\r\nname\r\nAna\r\n\r\n--XyZ--\r\nepilogue";
  auto form = parse_multipart(body, "XyZ");
  REQUIRE(form);
  CHECK(form->fields.get("csrf") == "abc");
  REQUIRE(form->file("file"));
  CHECK(form->file("file")->filename == "people \"list\".csv");
  CHECK(form->file("file")->content == "name\r\nAna\r\n");
  CHECK_FALSE(parse_multipart(body, "other"));
  CHECK_FALSE(parse_multipart("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end", "XyZ"));
  // A NUL in a field's name (found by libFuzzer), while the same part without it is fine.
  constexpr char nul_name[] = "--XyZ\r\nContent-Disposition: form-data; name=\"a\0\"\r\n\r\nx\r\n--XyZ--";
  CHECK_FALSE(parse_multipart(std::string_view(nul_name, sizeof nul_name - 1), "XyZ"));
  CHECK(parse_multipart("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--XyZ--", "XyZ"));

  Request request;
  request.headers.add("Content-Type", "multipart/form-data; boundary=\"XyZ\"");
  request.body = body;
  CHECK(request.form().fields.get("csrf") == "abc");
  request.query.add("csrf", "from-the-url");
  CHECK(request.form().fields.get("csrf") == "abc");
  Request not_a_form;
  not_a_form.headers.add("Content-Type", "application/json");
  not_a_form.body = "{\"csrf\":\"x\"}";
  CHECK(not_a_form.form().fields.empty());
}

TEST_CASE("http: gzip only where the client accepts it") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("deflate, gzip;q=0.5"));
  CHECK(accepts_gzip("*"));
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("br"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("*, gzip;q=0.0"));
}
