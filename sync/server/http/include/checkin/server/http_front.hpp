// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The HTTP front: every byte from the network passes here first (libmicrohttpd, Debian 12's
// 0.9.75 and Debian 13's 1.0). One event thread reads and writes every connection; routes
// run on a small pool of worker threads only once a request is complete, so slow or idle
// clients cost a socket and a little memory, never a worker.
//
// What it guarantees on its own (README "What the server guarantees without a proxy"):
//   - a request head (request line and header fields, or a TLS handshake before it) must
//     be complete within head_timeout of the connection opening or of the previous answer;
//     a body within body_timeout of its head. A client that trickles bytes is cut off.
//   - at most max_head_bytes of head, max_target_bytes of request target and
//     max_header_fields fields (431 / 414); bodies only with a Content-Length, at most
//     body_limit (413), and at most body_memory_limit of bodies held at once.
//   - at most max_connections connections, and max_connections_per_address from one client
//     address (an IPv6 /64 counts as one); parked requests (long polling) do not count
//     against their address. Connections over a limit are closed at once.
//   - RFC 9112 framing: two different Content-Lengths, Transfer-Encoding with a
//     Content-Length, Transfer-Encoding in HTTP/1.0, a Content-Length that is not digits,
//     a missing or repeated Host: 400 and the connection closed. Any other
//     Transfer-Encoding: 411 (send a Content-Length) and closed.
//   - a path with a NUL or other control character (also %-encoded) or a broken %-escape: 400.
//   - more requests than workers can take: 503 with Retry-After at once, never a queue
//     that grows without bound.
// Refusals before any route ran go to FrontHandler::refused, so the API answers them in
// JSON and the dashboard in HTML. Heads too large for libmicrohttpd's per-connection
// memory (2 * max_head_bytes + 16 KiB), an unparseable request line or an HTTP version
// other than 1.0/1.1 are answered by libmicrohttpd itself (400/431/505, short HTML) before
// a path is known.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/error.hpp"
#include "checkin/server/http_message.hpp"

namespace checkin::server {

struct ListenAddress {
  std::string host = "127.0.0.1";  // "127.0.0.1", "0.0.0.0", "::1", "localhost"
  int port = 8080;                 // 0: any free port
};

// "127.0.0.1:8080", "[::1]:8443", "0.0.0.0:0".
Result<ListenAddress> parse_listen_address(std::string_view text);
std::string to_string(const ListenAddress& address);  // brackets an IPv6 host
// 127.0.0.0/8, ::1 and "localhost": only this machine can connect.
bool is_loopback(std::string_view host);

struct FrontOptions {
  ListenAddress listen;
  std::string tls_cert_pem;  // both set: HTTPS (the PEM text, chain first); both empty: HTTP
  std::string tls_key_pem;
  int threads = 8;  // workers that run routes
  std::size_t body_limit = 4 * 1024 * 1024;
  std::size_t body_memory_limit = 64 * 1024 * 1024;  // all bodies being received, together
  int max_connections = 1024;
  int max_connections_per_address = 64;
  // Reverse proxies (exact addresses) whose connections are not limited per address and
  // whose X-Forwarded-For (its last entry: the peer the proxy saw) names the client.
  std::vector<std::string> trusted_proxies;
  std::chrono::milliseconds head_timeout{std::chrono::seconds{10}};
  std::chrono::milliseconds body_timeout{std::chrono::seconds{60}};
  std::size_t max_head_bytes = 32 * 1024;
  std::size_t max_target_bytes = 8 * 1024;
  std::size_t max_header_fields = 100;
  int retry_after_seconds = 5;
};

// Where the front hands requests.
class FrontHandler {
 public:
  virtual ~FrontHandler() = default;
  // On a worker thread, for every request that passed the front's checks: answer, or park
  // (Response::park). An exception is answered 500 and logged.
  virtual void handle(const Request& request, Response& response) = 0;
  // On the event thread, for a request the front refused before handle(): `response`
  // already has the status (and Retry-After for 503); give it a body in the request's
  // language (JSON for the API, a page for people). Must not block: no database.
  virtual void refused(const Request& head, Response& response, std::string_view reason) = 0;
  // Once per request, after its final answer was made (handled, resumed or refused): for
  // counting and the request log.
  virtual void answered(const Request& request, const Response& response) = 0;
  // Whether a request goes ahead of those waiting for a worker (a health check).
  virtual bool urgent(const Request&) const { return false; }
};

class HttpFront {
 public:
  // Checks the options; nothing listens yet.
  static Result<std::unique_ptr<HttpFront>> create(FrontOptions options, FrontHandler& handler);
  ~HttpFront();
  HttpFront(const HttpFront&) = delete;
  HttpFront& operator=(const HttpFront&) = delete;

  // Binds and listens (connections queue from here); returns the port.
  Result<int> bind();
  // Serves until stop(): then stops accepting, wakes every parked request (Wake::stopping),
  // lets the requests in flight finish and their answers go out, and returns.
  Result<void> run();
  // From any thread (a signal-waiting one); returns at once.
  void stop();

  // Wakes every request parked on `topic` (Response::park). From any thread, cheap: call it
  // after a commit that a topic's waiters care about, or from a database LISTEN thread.
  void notify(std::string_view topic);

  struct Stats {
    int connections = 0;  // open now
    int parked = 0;       // requests parked now
    int queued = 0;       // complete requests waiting for a worker
  };
  Stats stats() const;
  bool tls() const;
  int port() const;  // -1 before bind()

  struct Impl;

 private:
  explicit HttpFront(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace checkin::server
