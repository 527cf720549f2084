// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Raw HTTP/1.1 over a TCP socket, for tests that send what no HTTP client library would:
// trickled heads, floods of header lines, contradictory framing. A connection may come
// from any loopback address (127.0.0.2, ...), so one test can play several clients.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace checkin::testing {

struct RawResponse {
  int status = 0;
  std::string head;  // status line and header fields
  std::string body;
  std::string header(std::string_view name) const;  // "" when absent (first match, any case)
};

class RawConnection {
 public:
  // Connects to 127.0.0.1:port from `source` (any 127.x.y.z); connected() says whether it did.
  // A small `send_buffer` keeps the kernel from taking much more than the server reads, so
  // what send() accepted is about what the server consumed.
  explicit RawConnection(int port, const std::string& source = "127.0.0.1", int send_buffer = 0);
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection& operator=(RawConnection&&) = delete;
  RawConnection(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // False once the peer has closed or reset the connection (never SIGPIPE).
  bool send(std::string_view bytes);
  // One answer (head, then a Content-Length body); nullopt when none came within `timeout`.
  std::optional<RawResponse> read_response(std::chrono::milliseconds timeout);
  // True when the peer closed (or reset) the connection within `timeout`; data before the
  // end is read and dropped.
  bool closed_by_peer(std::chrono::milliseconds timeout);
  // Whatever arrives within `timeout` without waiting for the end.
  std::string read_available(std::chrono::milliseconds timeout);
  void close();

 private:
  int fd_ = -1;
  std::string pending_;  // read past the last answer
};

// A complete answer to a request given as raw text, on a new connection from `source`.
std::optional<RawResponse> raw_request(int port, std::string_view request,
                                       std::chrono::milliseconds timeout = std::chrono::seconds{5},
                                       const std::string& source = "127.0.0.1");

}  // namespace checkin::testing
