// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A TCP proxy for integration tests: it sits between a sync client and a real
// checkin-server on 127.0.0.1 and misbehaves on demand, one HTTP request at a time.
//
// It understands just enough HTTP/1.1 to work per request: a request line, headers and a
// Content-Length or chunked body; a response with Content-Length, chunked, no body
// (HEAD, 1xx, 204, 304) or a body up to the server's close. Clients may keep a connection
// alive for several requests; each request takes the next fault. Plain HTTP only.
//
// Every request is forwarded on a fresh upstream connection and the upstream connection
// is closed after its response: a stale keep-alive connection to the server could
// otherwise fail in ways no test asked for, and set_upstream() takes effect at once.
// "Expect: 100-continue" is answered by the proxy itself (the server never sees it), so
// the proxy holds the whole request before deciding what to do with it.
//
// Thread-safe: faults may be planned from the test while clients are talking. The
// destructor stops accepting, cuts every connection and joins every thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "checkin/core/error.hpp"

namespace checkin::testing {

enum class Fault {
  none,               // forward the request, relay the answer
  refuse,             // reset the client's connection as soon as the request begins
  drop_request,       // read the whole request, then close without forwarding it
  drop_response,      // forward it, let the server answer (and commit), close without the answer
  truncate_response,  // forward it, send the client the first half of the answer's bytes, close
  delay,              // forward it, hold the answer for set_delay() before relaying it
  duplicate_request,  // send the request to the server twice, answer with the second response
  respond_500,        // answer 500 itself without forwarding (the server never sees it)
  respond_429,        // answer 429 with "Retry-After: 7" itself without forwarding
};
const char* to_string(Fault fault);

class FaultProxy {
 public:
  // Listens on 127.0.0.1 on an ephemeral port and forwards to 127.0.0.1:<upstream_port>.
  static Result<std::unique_ptr<FaultProxy>> start(std::uint16_t upstream_port);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:<port>"

  // The next requests take these faults in order (replacing any planned ones not yet
  // used); once they are used up, requests take the always() fault.
  void plan(std::vector<Fault> faults);
  // Every request without a planned fault takes this one; Fault::none clears it.
  void always(Fault fault);
  // No planned faults and none always: a well-behaved proxy again.
  void clear();
  void set_delay(std::chrono::milliseconds delay);  // for Fault::delay; 1 s until set
  // The server restarted on another port: later requests go there.
  void set_upstream(std::uint16_t port);

  // Requests begun by clients; each took one fault (a refused one was never read).
  std::size_t requests_seen() const;
  // Requests sent to the server (a duplicated request counts twice).
  std::size_t requests_forwarded() const;
  // Complete answers relayed to clients, counted once the last byte is sent (a client may
  // read its answer a moment before the count moves).
  std::size_t responses_delivered() const;
  // Client connections accepted (one per keep-alive connection, not per request).
  std::size_t connections_accepted() const;
  // The fault each request took, in the order the requests began.
  std::vector<Fault> faults_applied() const;
  // True once requests_seen() reached count; false on timeout.
  bool wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  struct Worker {
    std::thread thread;
    std::shared_ptr<bool> finished;  // guarded by mutex_
  };

  FaultProxy(int listen_fd, std::uint16_t port, std::uint16_t upstream_port);

  void accept_loop();
  void serve(int client_fd);
  struct Response;
  // Sends one request to the server on a fresh connection and reads its whole answer.
  std::optional<Response> forward(std::string_view request, bool head_request);
  Fault next_fault();
  void reap_finished_workers();
  bool sleep_unless_stopping(std::chrono::milliseconds duration);

  const int listen_fd_;
  const std::uint16_t port_;

  // Read without the lock by every I/O loop between short polls; set under mutex_ so the
  // sleepers on changed_ wake at once.
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::uint16_t upstream_port_;
  std::deque<Fault> planned_;
  Fault always_ = Fault::none;
  std::chrono::milliseconds delay_{1000};
  std::size_t requests_seen_ = 0;
  std::size_t requests_forwarded_ = 0;
  std::size_t responses_delivered_ = 0;
  std::size_t connections_accepted_ = 0;
  std::vector<Fault> faults_applied_;
  std::vector<Worker> workers_;

  std::thread acceptor_;  // last: started once everything above exists
};

}  // namespace checkin::testing
