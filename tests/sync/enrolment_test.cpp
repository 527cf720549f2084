// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"
#include <nlohmann/json.hpp>

#include <functional>
#include <random>

#include "checkin/sync/enrolment.hpp"
#include "checkin/sync/events.hpp"

using namespace checkin;
using namespace checkin::sync;
using namespace std::chrono;
using namespace std::string_literals;
using nlohmann::json;

namespace {

const std::string kHash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

TEST_CASE("an enrolment code as a coordinator's QR holds it") {
  auto code = parse_enrolment_code("checkin-enrol:v1?url=https%3A%2F%2Fcheckin.example.org%3A8443&token=Ab3_x-Y.z~9&sha256=" +
                                   upper(kHash));
  REQUIRE(code);
  CHECK(code->server_url == "https://checkin.example.org:8443");
  CHECK(code->token == "Ab3_x-Y.z~9");
  CHECK(code->cert_sha256 == kHash);  // normalised to lower case
  CHECK(looks_like_enrolment_code("checkin-enrol:v1?x"));
  CHECK_FALSE(looks_like_enrolment_code("CK1:ABC"));
}

TEST_CASE("an enrolment code survives to_text and back, URL percent-encoded") {
  const std::vector<EnrolmentCode> codes = {
      {"http://127.0.0.1:8080/checkin/api-root", "tok_123", ""},
      {"https://checkin.example.org:8443/org%20one/x", "t", kHash},
      {"https://[::1]:8443", "abcDEF-._~", kHash},
      {"http://localhost", "x", ""},
  };
  for (const auto& code : codes) {
    auto text = to_text(code);
    INFO(text);
    CHECK(text.starts_with("checkin-enrol:v1?url="));
    // The URL's own ':' '/' '%' are escaped so they cannot be read as the query's structure.
    CHECK(text.find("://") == std::string::npos);
    CHECK(text.size() <= kMaxEnrolmentCodeLength);
    auto parsed = parse_enrolment_code(text);
    REQUIRE(parsed);
    CHECK(parsed->server_url == code.server_url);
    CHECK(parsed->token == code.token);
    CHECK(parsed->cert_sha256 == code.cert_sha256);
  }
  CHECK(to_text({"http://127.0.0.1:8080/a", "tok", ""}) == "checkin-enrol:v1?url=http%3A%2F%2F127.0.0.1%3A8080%2Fa&token=tok&sha256=");
}

TEST_CASE("enrolment codes: unknown keys are ignored, sha256 may be left out, order is free") {
  auto code = parse_enrolment_code("checkin-enrol:v1?site=hall&token=t1&&url=http%3A%2F%2F10.0.0.2%3A80&future=1%202");
  REQUIRE(code);
  CHECK(code->server_url == "http://10.0.0.2:80");
  CHECK(code->token == "t1");
  CHECK(code->cert_sha256.empty());
  // Scheme letters are not case-sensitive; they are normalised.
  auto shouting = parse_enrolment_code("checkin-enrol:v1?url=HTTPS%3A%2F%2FHall.example&token=t");
  REQUIRE(shouting);
  CHECK(shouting->server_url == "https://Hall.example");
}

TEST_CASE("hostile enrolment codes are refused with a clear message") {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::string ok_url = "url=https%3A%2F%2Fh.example";
  const std::vector<Case> cases = {
      {"checkin-enrol:v1?" + ok_url + "&token=" + std::string(kMaxEnrolmentCodeLength, 'a'), "over the limit of 1024"},
      {"", "not an enrolment code"},
      {"CK1:NCIAB", "not an enrolment code"},
      {"Checkin-Enrol:v1?" + ok_url + "&token=t", "not an enrolment code"},
      {"checkin-enrol:", "version '' is not v1"},
      {"checkin-enrol:v2?" + ok_url + "&token=t", "version 'v2' is not v1"},
      {"checkin-enrol:v1", "no ?url="},
      {"checkin-enrol:v1?" + ok_url, "token is missing"},
      {"checkin-enrol:v1?" + ok_url + "&token=", "token is missing"},
      {"checkin-enrol:v1?" + ok_url + "&token", "token is missing"},
      {"checkin-enrol:v1?token=t", "url is missing"},
      {"checkin-enrol:v1?url=&token=t", "url is missing"},
      {"checkin-enrol:v1?" + ok_url + "&token=a%2Bb", "token may hold only"},
      {"checkin-enrol:v1?" + ok_url + "&token=a'b", "token may hold only"},
      {"checkin-enrol:v1?" + ok_url + "&token=t&token=u", "token is given twice"},
      {"checkin-enrol:v1?" + ok_url + "&token=t&url=http%3A%2F%2Fevil.example", "url is given twice"},
      {"checkin-enrol:v1?" + ok_url + "&token=t&sha256=" + kHash.substr(1), "sha256 must be 64 hex digits"},
      {"checkin-enrol:v1?" + ok_url + "&token=t&sha256=" + kHash + "0", "sha256 must be 64 hex digits"},
      {"checkin-enrol:v1?" + ok_url + "&token=t&sha256=" + kHash.substr(1) + "g", "sha256 must be 64 hex digits"},
      {"checkin-enrol:v1?url=javascript%3Aalert(1)&token=t", "url must start with http:// or https://"},
      {"checkin-enrol:v1?url=javascript:alert(1)//https://h&token=t", "url must start with http:// or https://"},
      {"checkin-enrol:v1?url=file%3A%2F%2F%2Fetc%2Fpasswd&token=t", "url must start with http:// or https://"},
      {"checkin-enrol:v1?url=ftp%3A%2F%2Fh.example&token=t", "url must start with http:// or https://"},
      {"checkin-enrol:v1?url=https%3A%2F%2F&token=t", "url has no host"},
      {"checkin-enrol:v1?url=https%3A%2F%2F%2Fpath&token=t", "url has no host"},
      {"checkin-enrol:v1?url=https%3A%2F%2F%3A443&token=t", "url has no host"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fuser%3Apw%40h.example&token=t", "must not carry a user name or password"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example%3A99999&token=t", "url has an invalid port"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example%3A0&token=t", "url has an invalid port"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example%3Ahttp&token=t", "url has an invalid port"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example%3A&token=t", "url has an empty port"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh_x!.example&token=t", "url has an invalid host name"},
      {"checkin-enrol:v1?url=https%3A%2F%2F%5B%3A%3A1&token=t", "unclosed ["},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example%2F%3Fnext%3Devil&token=t", "must not have a query or fragment"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example%23x&token=t", "must not have a query or fragment"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example%00.evil&token=t", "url holds a control character"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example%0A&token=t", "url holds a control character"},
      {"checkin-enrol:v1?" + ok_url + "&token=t%0D%0A", "token holds a control character"},
      {"checkin-enrol:v1?" + ok_url + "&token=t%ff", "token holds a control character or non-ASCII byte"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example%2&token=t", "url has a broken %-escape"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example%zz&token=t", "url has a broken %-escape"},
      {"checkin-enrol:v1?url=https%3A%2F%2Fh.example&token=t%", "token has a broken %-escape"},
      {"checkin-enrol:v1?" + ok_url + "&token=t\0u"s, "control character, space or non-ASCII byte at position"},
      {"checkin-enrol:v1?" + ok_url + "\n&token=t", "control character, space or non-ASCII byte at position 44"},
      {"checkin-enrol:v1?" + ok_url + "&token=t u", "control character, space or non-ASCII byte"},
      {"checkin-enrol:v1?" + ok_url + "&token=t\xff\xfe\x80", "control character, space or non-ASCII byte"},
      {"checkin-enrol:v1?" + ok_url + "&token=caf\xc3\xa9", "control character, space or non-ASCII byte"},
  };
  for (const auto& c : cases) {
    INFO(json(c.text).dump(-1, ' ', true, json::error_handler_t::replace));
    auto parsed = parse_enrolment_code(c.text);
    REQUIRE_FALSE(parsed);
    CHECK_THAT(parsed.error().message, Catch::Matchers::ContainsSubstring(c.message));
    CHECK(parsed.error().code == (c.text.size() > kMaxEnrolmentCodeLength ? Errc::limit_exceeded : Errc::invalid_input));
  }
}

TEST_CASE("an enrolment code is refused when written out again it would be over the limit") {
  // Raw '/' and ':' are allowed in the url but come back %-encoded, three bytes each
  // (found by libFuzzer): 1,000 bytes read would be about 2,900 written.
  const std::string path(950, '/');
  const std::string code = "checkin-enrol:v1?url=https://h.example" + path + "&token=t";
  REQUIRE(code.size() <= kMaxEnrolmentCodeLength);
  auto parsed = parse_enrolment_code(code);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == Errc::limit_exceeded);
  CHECK_THAT(parsed.error().message, Catch::Matchers::ContainsSubstring("written out again"));
  // Every code that parses writes out within the limit and reads back the same.
  auto fits = parse_enrolment_code("checkin-enrol:v1?url=https://h.example" + std::string(300, '/') + "&token=t");
  REQUIRE(fits);
  auto again = parse_enrolment_code(to_text(*fits));
  REQUIRE(again);
  CHECK(again->server_url == fits->server_url);
}

TEST_CASE("enrolment codes: random bytes never crash and never parse") {
  std::mt19937 random(20261126);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 200);
  for (int i = 0; i < 2000; ++i) {
    std::string text = i % 2 ? std::string(kEnrolmentPrefix) : std::string{};
    int n = length(random);
    for (int k = 0; k < n; ++k) text += static_cast<char>(byte(random));
    // With no "url=" and "token=" spelled out, nothing random here can be a valid code.
    if (text.find("url=") != std::string::npos && text.find("token=") != std::string::npos) continue;
    CHECK_FALSE(parse_enrolment_code(text));
  }
}

TEST_CASE("enrol request, enrol response and token roll survive the wire") {
  EnrolRequest request{"tok-123", "kiosk-hall \"front door\"", "0.1.0+ü"};
  auto parsed_request = parse_enrol_request(to_json(request));
  REQUIRE(parsed_request);
  CHECK(parsed_request->token == request.token);
  CHECK(parsed_request->device_name == request.device_name);
  CHECK(parsed_request->app_version == request.app_version);

  EnrolResponse response{"dev-7", "secret-token", {"site-1", "St Mary's Hall"},
                         {{"a1b2c3d4", std::string(64, 'e')}, {"0badcafe", std::string(64, '1')}},
                         sys_days{2026y / November / 26} + 18h + 7ms};
  auto parsed_response = parse_enrol_response(to_json(response));
  REQUIRE(parsed_response);
  CHECK(parsed_response->device_id == response.device_id);
  CHECK(parsed_response->device_token == response.device_token);
  CHECK(parsed_response->site.id == response.site.id);
  CHECK(parsed_response->site.name == response.site.name);
  REQUIRE(parsed_response->public_keys.size() == 2);
  CHECK(parsed_response->public_keys[1].key_id == "0badcafe");
  CHECK(parsed_response->public_keys[1].public_key == std::string(64, '1'));
  CHECK(parsed_response->server_time == response.server_time);

  auto roll = parse_token_roll(to_json(TokenRoll{"new-token"}));
  REQUIRE(roll);
  CHECK(roll->device_token == "new-token");

  // Unknown fields from a newer peer are ignored.
  json j = json::parse(to_json(response));
  j["organisation"] = "x";
  j["site"]["address"] = "1 High St";
  CHECK(parse_enrol_response(j.dump()));
}

TEST_CASE("malformed enrolment bodies name the field") {
  auto message = [](const Result<EnrolRequest>& r) { return r ? std::string("(parsed)") : r.error().message; };
  CHECK_THAT(message(parse_enrol_request(R"({"protocol":1,"token":"","device_name":"k","app_version":"1"})")),
             Catch::Matchers::StartsWith("token: must not be empty"));
  CHECK_THAT(message(parse_enrol_request(R"({"protocol":1,"token":5,"device_name":"k","app_version":"1"})")),
             Catch::Matchers::StartsWith("token: expected a string"));
  CHECK_THAT(message(parse_enrol_request(R"({"protocol":1,"token":"t","app_version":"1"})")),
             Catch::Matchers::StartsWith("device_name: missing"));
  CHECK_THAT(message(parse_enrol_request(R"({"protocol":2,"token":"t","device_name":"k","app_version":"1"})")),
             Catch::Matchers::ContainsSubstring("protocol 2"));
  // The one unauthenticated body is kept small.
  auto big = parse_enrol_request(R"({"protocol":1,"token":"t","device_name":")" + std::string(20000, 'k') +
                                 R"(","app_version":"1"})");
  REQUIRE_FALSE(big);
  CHECK(big.error().code == Errc::limit_exceeded);

  json response = json::parse(to_json(EnrolResponse{"dev-7", "tok", {"site-1", "Hall"}, {{"a1", "b2"}}, {}}));
  auto response_error = [&](const std::function<void(json&)>& change) {
    json j = response;
    change(j);
    auto r = parse_enrol_response(j.dump());
    return r ? std::string("(parsed)") : r.error().message;
  };
  CHECK_THAT(response_error([](json& j) { j["device_token"] = ""; }), Catch::Matchers::StartsWith("device_token: must not be empty"));
  CHECK_THAT(response_error([](json& j) { j.erase("device_id"); }), Catch::Matchers::StartsWith("device_id: missing"));
  CHECK_THAT(response_error([](json& j) { j["site"]["name"] = 3; }), Catch::Matchers::StartsWith("site.name: expected a string"));
  CHECK_THAT(response_error([](json& j) { j["public_keys"][0]["public_key"] = "zz"; }),
             Catch::Matchers::StartsWith("public_keys[0].public_key: expected hex digits"));
  CHECK_THAT(response_error([](json& j) { j["public_keys"] = json::object(); }),
             Catch::Matchers::StartsWith("public_keys: expected an array"));
  CHECK_THAT(response_error([](json& j) { j["server_time"] = "now"; }), Catch::Matchers::StartsWith("server_time: expected a UTC time"));

  auto roll = parse_token_roll(R"({"protocol":1,"device_token":null})");
  REQUIRE_FALSE(roll);
  CHECK_THAT(roll.error().message, Catch::Matchers::StartsWith("device_token: missing"));
}

TEST_CASE("an enrolment code may name the kiosk, in any language, and the name survives the wire") {
  EnrolmentCode code{"https://checkin.example.org", "tok", kHash, "Puerta trasera · Sala 2"};
  auto text = to_text(code);
  CHECK(text.ends_with("&name=Puerta%20trasera%20%C2%B7%20Sala%202"));
  auto parsed = parse_enrolment_code(text);
  REQUIRE(parsed);
  CHECK(parsed->name == code.name);
  // No name: the code reads as before, and the kiosk proposes one.
  auto unnamed = parse_enrolment_code(to_text({"http://127.0.0.1:8080", "tok", ""}));
  REQUIRE(unnamed);
  CHECK(unnamed->name.empty());
  auto control = parse_enrolment_code("checkin-enrol:v1?url=http%3A%2F%2Fh&token=t&name=a%0Ab");
  REQUIRE_FALSE(control);
  CHECK_THAT(control.error().message, Catch::Matchers::ContainsSubstring("name"));
  auto long_name = parse_enrolment_code("checkin-enrol:v1?url=http%3A%2F%2Fh&token=t&name=" + std::string(61, 'n'));
  REQUIRE_FALSE(long_name);
  CHECK_THAT(long_name.error().message, Catch::Matchers::ContainsSubstring("at most 60"));
}

TEST_CASE("a re-enrolling kiosk names its previous enrolment and its local id, a first enrolment names none") {
  EnrolRequest request{"tok", "vm", "0.2.0", "local-0190", "dev-old", "old-token"};
  auto parsed = parse_enrol_request(to_json(request));
  REQUIRE(parsed);
  CHECK(parsed->local_device_id == "local-0190");
  CHECK(parsed->previous_device_id == "dev-old");
  CHECK(parsed->previous_device_token == "old-token");
  // A kiosk of the first version sends none of them.
  auto first = parse_enrol_request(R"({"protocol":1,"token":"t","device_name":"k","app_version":"1"})");
  REQUIRE(first);
  CHECK(first->previous_device_id.empty());
  // An id without its proof (or the reverse) is refused.
  auto unproven = parse_enrol_request(R"({"protocol":1,"token":"t","device_name":"k","app_version":"1","previous_device_id":"d"})");
  REQUIRE_FALSE(unproven);
  CHECK_THAT(unproven.error().message, Catch::Matchers::ContainsSubstring("come together"));
  auto wrong_type = parse_enrol_request(R"({"protocol":1,"token":"t","device_name":"k","app_version":"1","local_device_id":5})");
  REQUIRE_FALSE(wrong_type);
  CHECK_THAT(wrong_type.error().message, Catch::Matchers::StartsWith("local_device_id: expected a string"));

  EnrolResponse response{"dev-7", "tok", {"site-1", "Hall"}, {}, {}, "Front door"};
  auto parsed_response = parse_enrol_response(to_json(response));
  REQUIRE(parsed_response);
  CHECK(parsed_response->device_name == "Front door");

  auto name = parse_device_name(to_json(DeviceName{"Back door"}));
  REQUIRE(name);
  CHECK(name->name == "Back door");
  CHECK_FALSE(parse_device_name(R"({"protocol":1,"name":""})"));
  CHECK_FALSE(parse_device_name(R"({"protocol":1,"name":"a\u0007b"})"));
}
