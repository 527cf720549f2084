// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The sync client's one way to talk HTTP(S): a small interface so the rest of the client
// never sees libcurl. One Http per client (one connection kept alive between requests).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"

namespace checkin::sync::detail {

struct HttpOptions {
  std::string base_url;     // "https://host:port", no trailing slash needed
  std::string cert_sha256;  // hex SHA-256 of the server's public key (SPKI DER); empty: CA verification
  std::filesystem::path ca_file;
  Millis timeout{std::chrono::seconds{20}};
  const std::atomic<bool>* cancel = nullptr;  // a transfer in flight aborts when it turns true
};

struct HttpRequest {
  std::string_view method;  // "GET" or "POST"
  std::string path;         // with the query string, already escaped
  std::string body;         // POST only, JSON
  std::string bearer;       // empty: no Authorization header
  Millis extra_time{0};     // a long poll: the server may hold the answer this much longer
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::int64_t wire_bytes = 0;        // the body as it crossed the network (compressed)
  std::optional<Millis> retry_after;  // from a Retry-After header
  WallTime sent{};                    // the kiosk's wall time when the request went out
  WallTime received{};                // ... and when the answer was complete
};

class Http {
 public:
  virtual ~Http() = default;
  // A network-level failure (refused, timed out, TLS, cancelled) is Errc::unavailable;
  // any HTTP status is a response, for the caller to judge.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
  // Percent-encodes a query value.
  virtual std::string escape(std::string_view text) = 0;
};

// Fails with invalid_input for a URL that is not http(s) or a pin that is not 64 hex digits.
Result<std::unique_ptr<Http>> make_http(HttpOptions options, const Clock& clock);

// "120" or an HTTP date; relative to `now`. Never negative; nullopt when unreadable.
std::optional<Millis> parse_retry_after(std::string_view value, WallTime now);

// "sha256//<base64 of the 32 bytes>" for CURLOPT_PINNEDPUBLICKEY; nullopt for bad hex.
std::optional<std::string> curl_pin_from_hex(std::string_view hex);

// "2026-11-26T18:30:05.123Z"
std::string device_time_text(WallTime t);

}  // namespace checkin::sync::detail
