// SPDX-License-Identifier: AGPL-3.0-or-later
#include "front_checks.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace checkin::server::front {

namespace {

// RFC 9110 5.6.2: tchar.
bool is_token_char(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool is_token(std::string_view text) { return !text.empty() && std::ranges::all_of(text, is_token_char); }

// RFC 9110 5.5: field values hold visible characters, spaces and tabs, and obs-text.
bool is_field_value(std::string_view text) {
  return std::ranges::none_of(text, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\t') || byte == 0x7f;
  });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// 1*DIGIT, and not more than fits.
std::optional<std::uint64_t> digits(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (!std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return value;
}

bool has_control(std::string_view text) {
  return std::ranges::any_of(text, [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

}  // namespace

std::optional<Refusal> check_head(const Head& head, const HeadLimits& limits) {
  if (head.target.size() > limits.max_target_bytes)
    return Refusal{414, fmt::format("the request target is over {} bytes", limits.max_target_bytes), true};
  if (head.headers.size() > limits.max_header_fields)
    return Refusal{431, fmt::format("more than {} header fields", limits.max_header_fields), true};
  std::size_t head_bytes = head.method.size() + head.target.size() + head.version.size() + 4;
  for (const auto& [name, value] : head.headers) head_bytes += name.size() + value.size() + 4;
  if (head_bytes > limits.max_head_bytes)
    return Refusal{431, fmt::format("the request head is over {} bytes", limits.max_head_bytes), true};
  if (!is_token(head.method)) return Refusal{400, "the method is not a token", true};

  for (const auto& [name, value] : head.headers) {
    if (!is_token(name)) return Refusal{400, "a header field name is not a token", true};
    if (!is_field_value(value)) return Refusal{400, "a header field value holds a control character", true};
  }

  // RFC 9112 3.2: exactly one Host in HTTP/1.1, at most one in 1.0.
  const bool http10 = head.version == "HTTP/1.0";
  const auto hosts = head.headers.count("Host");
  if ((!http10 && hosts != 1) || hosts > 1) return Refusal{400, "a request needs exactly one Host header field", true};

  // RFC 9112 6.1 and 6.3: framing that two parties could read differently is refused,
  // and the connection closed, since what follows it cannot be trusted.
  const bool transfer_encoding = head.headers.has("Transfer-Encoding");
  const bool content_length = head.headers.has("Content-Length");
  if (transfer_encoding && http10) return Refusal{400, "Transfer-Encoding is not part of HTTP/1.0", true};
  if (transfer_encoding && content_length)
    return Refusal{400, "a request must not carry both Transfer-Encoding and Content-Length", true};
  if (transfer_encoding) return Refusal{411, "send the body with a Content-Length (no Transfer-Encoding)", true};
  if (content_length) {
    std::optional<std::uint64_t> length;
    for (const auto& [name, value] : head.headers) {
      if (!same_header_name(name, "Content-Length")) continue;
      // A list of equal values ("42, 42") is one length (RFC 9110 8.6); anything else is not.
      std::string_view rest = value;
      do {
        auto comma = rest.find(',');
        auto item = digits(trim(rest.substr(0, comma)));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (!item) return Refusal{400, "Content-Length is not a number", true};
        if (length && *length != *item) return Refusal{400, "two different Content-Length values", true};
        length = item;
      } while (!rest.empty());
    }
    if (*length > limits.body_limit) {
      // Up to twice the limit is read and dropped (time, not memory); beyond, the
      // connection ends at once.
      const bool drop_body = *length <= 2 * static_cast<std::uint64_t>(limits.body_limit);
      return Refusal{413, fmt::format("the body is over {} bytes", limits.body_limit), !drop_body, drop_body};
    }
  }
  return std::nullopt;
}

std::optional<Target> read_target(std::string_view method, std::string_view target, std::string& problem) {
  if (target == "*") {
    if (method != "OPTIONS") {
      problem = "only OPTIONS may ask for *";
      return std::nullopt;
    }
    return Target{"*", {}};
  }
  // RFC 9112 3.2: no whitespace or control bytes in a target; %-escaped ones are decoded
  // below and checked there.
  if (std::ranges::any_of(target, [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7F; })) {
    problem = "the request target holds a space or a control character";
    return std::nullopt;
  }
  std::string_view rest = target;
  // absolute-form (RFC 9112 3.2.2): the authority is dropped, Host decides nothing here.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (rest.size() >= scheme.size() &&
        std::equal(scheme.begin(), scheme.end(), rest.begin(),
                   [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
      rest.remove_prefix(scheme.size());
      auto slash = rest.find_first_of("/?");
      rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
      if (rest.starts_with('?')) {
        problem = "the request target has no path";
        return std::nullopt;
      }
      break;
    }
  }
  if (!rest.starts_with('/')) {
    problem = "the request target is not a path";
    return std::nullopt;
  }
  auto question = rest.find('?');
  auto raw_path = rest.substr(0, question);
  auto raw_query = question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
  if (auto hash = raw_query.find('#'); hash != std::string_view::npos) raw_query = raw_query.substr(0, hash);
  Target out;
  auto path = percent_decode(raw_path, false);
  if (!path) {
    problem = "the path has a broken %-escape";
    return std::nullopt;
  }
  // A NUL would end the text early in C code and databases refuse it in text; a newline
  // could forge a log line. Neither is in any path this server answers.
  if (has_control(*path)) {
    problem = "the path holds a control character";
    return std::nullopt;
  }
  out.path = std::move(*path);
  auto query = parse_urlencoded(raw_query);
  if (!query) {
    problem = "the query has a broken %-escape or a NUL";
    return std::nullopt;
  }
  out.query = std::move(*query);
  return out;
}

std::string address_text(const sockaddr* address) {
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (!address) return "unknown";
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, text.data(), text.size());
  } else if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], text.data(), text.size());
    else inet_ntop(AF_INET6, &v6->sin6_addr, text.data(), text.size());
  } else {
    return "unknown";
  }
  return text.data();
}

std::string address_key(const sockaddr* address) {
  if (address && address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    if (!IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      // One subscriber gets a /64: the limit counts the prefix, not each address in it.
      in6_addr prefix = v6->sin6_addr;
      std::memset(&prefix.s6_addr[8], 0, 8);
      std::array<char, INET6_ADDRSTRLEN> text{};
      inet_ntop(AF_INET6, &prefix, text.data(), text.size());
      return std::string(text.data()) + "/64";
    }
  }
  return address_text(address);
}

bool is_loopback_address(const sockaddr* address) {
  if (!address) return false;
  if (address->sa_family == AF_INET)
    return (ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr) >> 24) == 127;
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    if (IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr) && v6->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

std::string forwarded_client(const Headers& headers) {
  std::string last;
  for (const auto& [name, value] : headers) {
    if (!same_header_name(name, "X-Forwarded-For")) continue;
    std::string_view list = value;
    auto comma = list.rfind(',');
    last = std::string(trim(comma == std::string_view::npos ? list : list.substr(comma + 1)));
  }
  return last;
}

}  // namespace checkin::server::front
