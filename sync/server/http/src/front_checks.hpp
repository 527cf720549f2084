// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The checks the front makes on a request head before anything else reads it: the parts
// of RFC 9112 libmicrohttpd 0.9.75 and 1.0 leave to the application, and the size limits.
// Pure functions, so the unit tests go through every rule without a socket.
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/server/http_message.hpp"

namespace checkin::server::front {

struct Refusal {
  int status = 400;
  std::string reason;  // a sentence for the client
  bool close = true;   // the connection cannot be trusted for another request
  // Read the body and drop it before answering: a browser still uploading a file a little
  // too big shows the answer instead of a reset connection.
  bool after_body = false;
};

struct HeadLimits {
  std::size_t max_target_bytes = 8 * 1024;
  std::size_t max_head_bytes = 32 * 1024;
  std::size_t max_header_fields = 100;
  std::size_t body_limit = 4 * 1024 * 1024;
};

struct Head {
  std::string_view method;
  std::string_view version;  // "HTTP/1.1"
  std::string_view target;   // as sent
  const Headers& headers;
};

// nullopt when the head may go on to a route.
std::optional<Refusal> check_head(const Head& head, const HeadLimits& limits);

// The path (percent-decoded) and query of a request target: origin-form "/a/b?c=d",
// absolute-form "http://host/a/b?c=d", or "*" for OPTIONS.
struct Target {
  std::string path;
  Fields query;
};
std::optional<Target> read_target(std::string_view method, std::string_view target, std::string& problem);

// A peer address as text ("192.0.2.1", "2001:db8::1"), IPv4-mapped IPv6 as IPv4.
std::string address_text(const sockaddr* address);
// What the per-address connection limit counts under: the address, or an IPv6 /64.
std::string address_key(const sockaddr* address);
bool is_loopback_address(const sockaddr* address);
// The client a trusted proxy names: the last X-Forwarded-For entry; "" when none.
std::string forwarded_client(const Headers& headers);

}  // namespace checkin::server::front
