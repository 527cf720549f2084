// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/sync/enrolment.hpp"

#include <fmt/format.h>

#include <cctype>
#include <optional>

#include "checkin/sync/events.hpp"
#include "domain_json.hpp"
#include "json.hpp"

namespace checkin::sync {

using nlohmann::json;

namespace {

// The enrol request is the one body a server reads before knowing who sent it: keep it small.
constexpr std::size_t kMaxEnrolRequestBytes = 16 * 1024;
constexpr std::string_view kCodeVersion = "v1";

bool is_unreserved(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 3986 percent-encoding of everything but the unreserved characters, so the value
// cannot break the query apart ('&', '=', '?', '#') whatever it holds.
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (is_unreserved(c)) {
      out += c;
    } else {
      auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_visible_ascii(char c) { return c > ' ' && c < 0x7f; }

Result<std::string> percent_decode(std::string_view text, std::string_view key) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0)
      return fail(Errc::invalid_input, fmt::format("enrolment code: {} has a broken %-escape", key));
    char decoded = static_cast<char>(high * 16 + low);
    // An escape must not smuggle in what the raw text may not hold (a NUL, a newline).
    if (!is_visible_ascii(decoded))
      return fail(Errc::invalid_input, fmt::format("enrolment code: {} holds a control character or non-ASCII byte", key));
    out += decoded;
    i += 2;
  }
  return out;
}

// A name's escapes may stand for any byte but a control character (UTF-8 names).
Result<std::string> percent_decode_name(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0) return fail(Errc::invalid_input, "enrolment code: name has a broken %-escape");
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

// host[:port] where host is a DNS name, an IPv4 address or a bracketed IPv6 address.
Result<void> check_authority(std::string_view authority) {
  auto bad = [](std::string_view why) { return fail(Errc::invalid_input, fmt::format("enrolment code: url {}", why)); };
  if (authority.find('@') != std::string_view::npos) return bad("must not carry a user name or password");
  std::string_view host = authority;
  std::string_view port;
  if (host.starts_with('[')) {
    auto close = host.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed [ in its host");
    for (char c : host.substr(1, close - 1))
      if (hex_value(c) < 0 && c != ':' && c != '.') return bad("has an invalid IPv6 host");
    if (close == 1) return bad("has no host");
    std::string_view rest = host.substr(close + 1);
    host = host.substr(0, close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return bad("has text after its IPv6 host");
      port = rest.substr(1);
      if (port.empty()) return bad("has an empty port");
    }
  } else {
    if (auto colon = host.find(':'); colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
      if (port.empty()) return bad("has an empty port");
    }
    if (host.empty()) return bad("has no host");
    for (char c : host)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return bad("has an invalid host name");
  }
  if (!port.empty()) {
    if (port.size() > 5) return bad("has an invalid port");
    int number = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return bad("has an invalid port");
      number = number * 10 + (c - '0');
    }
    if (number < 1 || number > 65535) return bad("has an invalid port");
  }
  return {};
}

// Only a web server's address: http(s), a host, an optional port and path. No query or
// fragment (API paths are appended to it) and nothing a browser would run (javascript:).
Result<std::string> check_server_url(std::string url) {
  std::size_t scheme_end;
  if (starts_with_ignoring_case(url, "https://")) scheme_end = 8;
  else if (starts_with_ignoring_case(url, "http://")) scheme_end = 7;
  else return fail(Errc::invalid_input, "enrolment code: url must start with http:// or https://");
  for (std::size_t i = 0; i + 3 < scheme_end; ++i) url[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(url[i])));
  if (url.find_first_of("?#") != std::string::npos)
    return fail(Errc::invalid_input, "enrolment code: url must not have a query or fragment");
  std::string_view rest = std::string_view(url).substr(scheme_end);
  if (auto ok = check_authority(rest.substr(0, rest.find('/'))); !ok) return std::unexpected(ok.error());
  return url;
}

}  // namespace

Result<void> check_device_name(std::string_view name) {
  if (name.size() > kMaxDeviceNameLength)
    return fail(Errc::invalid_input, fmt::format("a kiosk name has at most {} bytes", kMaxDeviceNameLength));
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return fail(Errc::invalid_input, "a kiosk name must not hold control characters");
  return {};
}

std::string to_text(const EnrolmentCode& code) {
  std::string text = fmt::format("{}{}?url={}&token={}&sha256={}", kEnrolmentPrefix, kCodeVersion,
                                 percent_encode(code.server_url), percent_encode(code.token),
                                 percent_encode(code.cert_sha256));
  if (!code.name.empty()) text += "&name=" + percent_encode(code.name);
  return text;
}

Result<EnrolmentCode> parse_enrolment_code(std::string_view text) {
  if (text.size() > kMaxEnrolmentCodeLength)
    return fail(Errc::limit_exceeded, fmt::format("enrolment code of {} bytes is over the limit of {}", text.size(),
                                                  kMaxEnrolmentCodeLength));
  if (!looks_like_enrolment_code(text)) return fail(Errc::invalid_input, "not an enrolment code");
  for (std::size_t i = 0; i < text.size(); ++i)
    if (!is_visible_ascii(text[i]))
      return fail(Errc::invalid_input,
                  fmt::format("enrolment code: a control character, space or non-ASCII byte at position {}", i));
  std::string_view rest = text.substr(kEnrolmentPrefix.size());
  auto question = rest.find('?');
  std::string_view version = rest.substr(0, question);
  if (version != kCodeVersion)
    return fail(Errc::invalid_input, fmt::format("enrolment code: version '{}' is not {}", version, kCodeVersion));
  if (question == std::string_view::npos) return fail(Errc::invalid_input, "enrolment code: no ?url=...&token=...");

  std::optional<std::string> url, token, sha256, name;
  std::string_view query = rest.substr(question + 1);
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (pair.empty()) continue;
    auto equals = pair.find('=');
    std::string_view key = pair.substr(0, equals);
    std::optional<std::string>* slot = key == "url"      ? &url
                                       : key == "token"  ? &token
                                       : key == "sha256" ? &sha256
                                       : key == "name"   ? &name
                                                         : nullptr;
    if (!slot) continue;  // a newer coordinator's field
    if (*slot) return fail(Errc::invalid_input, fmt::format("enrolment code: {} is given twice", key));
    std::string_view raw = equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
    // A name may be any language's: its escapes may hold UTF-8 (checked as a name below).
    auto value = slot == &name ? percent_decode_name(raw) : percent_decode(raw, key);
    if (!value) return std::unexpected(value.error());
    *slot = std::move(*value);
  }

  if (!url || url->empty()) return fail(Errc::invalid_input, "enrolment code: url is missing");
  if (!token || token->empty()) return fail(Errc::invalid_input, "enrolment code: token is missing");
  for (char c : *token)
    if (!is_unreserved(c))
      return fail(Errc::invalid_input, "enrolment code: token may hold only letters, digits and - . _ ~");
  EnrolmentCode code;
  auto server_url = check_server_url(std::move(*url));
  if (!server_url) return std::unexpected(server_url.error());
  code.server_url = std::move(*server_url);
  code.token = std::move(*token);
  if (sha256 && !sha256->empty()) {
    if (sha256->size() != 64 || !wire::is_hex(*sha256))
      return fail(Errc::invalid_input, "enrolment code: sha256 must be 64 hex digits (or empty)");
    for (auto& c : *sha256) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    code.cert_sha256 = std::move(*sha256);
  }
  if (name) {
    if (auto ok = check_device_name(*name); !ok)
      return fail(Errc::invalid_input, fmt::format("enrolment code: name: {}", ok.error().message));
    code.name = std::move(*name);
  }
  // Written out again, the code must fit the same limit (raw '/' and ':' in the url come
  // back %-encoded, three times as long), or a code read once could not be shown again.
  if (const auto again = to_text(code).size(); again > kMaxEnrolmentCodeLength)
    return fail(Errc::limit_exceeded, fmt::format("enrolment code: written out again it would be {} bytes, over the limit of {}",
                                                  again, kMaxEnrolmentCodeLength));
  return code;
}

std::string to_json(const EnrolRequest& request) {
  json body{{"protocol", kProtocolVersion},
            {"token", request.token},
            {"device_name", request.device_name},
            {"app_version", request.app_version}};
  auto optional = [&](const char* key, const std::string& value) {
    if (!value.empty()) body[key] = value;
  };
  optional("local_device_id", request.local_device_id);
  optional("previous_device_id", request.previous_device_id);
  optional("previous_device_token", request.previous_device_token);
  return body.dump();
}

Result<EnrolRequest> parse_enrol_request(std::string_view body) {
  auto parsed = wire::parse_body(body, kMaxEnrolRequestBytes);
  if (!parsed) return std::unexpected(parsed.error());
  if (auto ok = wire::check_protocol(*parsed); !ok) return std::unexpected(ok.error());
  EnrolRequest request;
  wire::Reader r(*parsed, "");
  r.text("token", request.token).text("device_name", request.device_name).text("app_version", request.app_version);
  r.require(!request.token.empty(), "token", "must not be empty");
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  // Optional: kiosks of the first version send none of them.
  for (auto [key, field] : {std::pair{"local_device_id", &request.local_device_id},
                            std::pair{"previous_device_id", &request.previous_device_id},
                            std::pair{"previous_device_token", &request.previous_device_token}}) {
    auto value = wire::text(*parsed, key, "", false);
    if (!value) return std::unexpected(value.error());
    *field = std::move(*value);
  }
  if (request.previous_device_id.empty() != request.previous_device_token.empty())
    return fail(Errc::invalid_input, "previous_device_id and previous_device_token come together");
  return request;
}

std::string to_json(const EnrolResponse& response) {
  return json{{"protocol", kProtocolVersion},
              {"device_id", response.device_id},
              {"device_token", response.device_token},
              {"device_name", response.device_name},
              {"site", wire::to_json(response.site)},
              {"public_keys", wire::keys_to_json(response.public_keys)},
              {"server_time", wire::format_time(response.server_time)}}
      .dump();
}

Result<EnrolResponse> parse_enrol_response(std::string_view body) {
  auto parsed = wire::parse_body(body, kMaxBodyBytes);
  if (!parsed) return std::unexpected(parsed.error());
  if (auto ok = wire::check_protocol(*parsed); !ok) return std::unexpected(ok.error());
  EnrolResponse response;
  wire::Reader r(*parsed, "");
  r.text("device_id", response.device_id)
      .text("device_token", response.device_token)
      .time("server_time", response.server_time);
  r.require(!response.device_id.empty(), "device_id", "must not be empty");
  r.require(!response.device_token.empty(), "device_token", "must not be empty");
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  auto name = wire::text(*parsed, "device_name", "", false);  // servers of the first version send none
  if (!name) return std::unexpected(name.error());
  response.device_name = std::move(*name);
  auto site = wire::member(*parsed, "site", "");
  if (!site) return std::unexpected(site.error());
  auto parsed_site = wire::parse_site(**site, "site");
  if (!parsed_site) return std::unexpected(parsed_site.error());
  response.site = std::move(*parsed_site);
  auto keys = wire::parse_keys(*parsed, "public_keys", "");
  if (!keys) return std::unexpected(keys.error());
  response.public_keys = std::move(*keys);
  return response;
}

std::string to_json(const TokenRoll& roll) {
  return json{{"protocol", kProtocolVersion}, {"device_token", roll.device_token}}.dump();
}

Result<TokenRoll> parse_token_roll(std::string_view body) {
  auto parsed = wire::parse_body(body, kMaxBodyBytes);
  if (!parsed) return std::unexpected(parsed.error());
  if (auto ok = wire::check_protocol(*parsed); !ok) return std::unexpected(ok.error());
  TokenRoll roll;
  wire::Reader r(*parsed, "");
  r.text("device_token", roll.device_token);
  r.require(!roll.device_token.empty(), "device_token", "must not be empty");
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  return roll;
}

std::string to_json(const DeviceName& name) {
  return json{{"protocol", kProtocolVersion}, {"name", name.name}}.dump();
}

Result<DeviceName> parse_device_name(std::string_view body) {
  auto parsed = wire::parse_body(body, kMaxEnrolRequestBytes);
  if (!parsed) return std::unexpected(parsed.error());
  if (auto ok = wire::check_protocol(*parsed); !ok) return std::unexpected(ok.error());
  DeviceName name;
  wire::Reader r(*parsed, "");
  r.text("name", name.name);
  r.require(!name.name.empty(), "name", "must not be empty");
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  if (auto ok = check_device_name(name.name); !ok) return fail(Errc::invalid_input, "name: " + ok.error().message);
  return name;
}

}  // namespace checkin::sync
