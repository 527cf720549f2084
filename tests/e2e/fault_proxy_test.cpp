// SPDX-License-Identifier: AGPL-3.0-or-later
// The fault proxy against a real HTTP server and client (cpp-httplib, in process): each
// fault does what it says, to exactly one request, and the proxy survives its peers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include "checkin_catch.hpp"

#include <atomic>
#include <future>
#include <string>
#include <thread>

#include "fault_proxy.hpp"

using namespace checkin;
using namespace checkin::testing;
using namespace std::chrono_literals;

namespace {

// A server that counts what it committed, so a test tells "the server ran" from "the
// client heard back".
class CountingServer {
 public:
  CountingServer() {
    server_.Get("/hello", [](const httplib::Request&, httplib::Response& res) { res.set_content("hello", "text/plain"); });
    server_.Post("/commit", [this](const httplib::Request& req, httplib::Response& res) {
      int n = ++commits;
      last_body = req.body;
      res.set_content("commit " + std::to_string(n), "text/plain");
    });
    server_.Post("/echo", [](const httplib::Request& req, httplib::Response& res) { res.set_content(req.body, "text/plain"); });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) { res.set_content(big_body(), "text/plain"); });
    server_.Get("/chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("text/plain", [](std::size_t offset, httplib::DataSink& sink) {
        // Five chunks of 1000 bytes, the n-th all of digit n.
        if (offset >= 5000) {
          sink.done();
          return true;
        }
        std::string chunk(1000, static_cast<char>('0' + offset / 1000));
        return sink.write(chunk.data(), chunk.size());
      });
    });
    server_.Get("/close", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Connection", "close");
      res.set_content("bye", "text/plain");
    });
    port = static_cast<std::uint16_t>(server_.bind_to_any_port("127.0.0.1"));
    REQUIRE(port > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~CountingServer() {
    server_.stop();
    thread_.join();
  }

  static std::string big_body() {
    std::string body;
    for (int i = 0; body.size() < 200'000; ++i) body += std::to_string(i) + ",";
    return body;
  }

  std::uint16_t port = 0;
  std::atomic<int> commits{0};
  std::string last_body;  // read after the request's answer: the handler finished by then

 private:
  httplib::Server server_;
  std::thread thread_;
};

std::unique_ptr<FaultProxy> start_proxy(std::uint16_t upstream) {
  auto proxy = FaultProxy::start(upstream);
  REQUIRE(proxy);
  return std::move(*proxy);
}

httplib::Client client_of(const FaultProxy& proxy, bool keep_alive = false) {
  httplib::Client client("127.0.0.1", proxy.port());
  client.set_keep_alive(keep_alive);
  client.set_connection_timeout(2s);
  client.set_read_timeout(5s);
  return client;
}

template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 3s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// A bare TCP client, to send what httplib never would.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~RawClient() { close(); }
  void send(std::string_view data) { REQUIRE(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size())); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Everything read until `until` appears, the peer closes or the time is up.
  std::string read_until(std::string_view until, std::chrono::milliseconds timeout = 3s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.find(until) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      char buffer[4096];
      ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      received_.append(buffer, static_cast<std::size_t>(got));
    }
    return received_;
  }

 private:
  int fd_;
  std::string received_;
};

}  // namespace

TEST_CASE("without faults the proxy is transparent") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  CHECK(proxy->url() == "http://127.0.0.1:" + std::to_string(proxy->port()));
  auto client = client_of(*proxy);

  auto hello = client.Get("/hello");
  REQUIRE(hello);
  CHECK(hello->status == 200);
  CHECK(hello->body == "hello");
  std::string payload(100'000, 'p');
  auto commit = client.Post("/commit", payload, "application/json");
  REQUIRE(commit);
  CHECK(commit->body == "commit 1");
  CHECK(server.last_body == payload);
  auto big = client.Get("/big");
  REQUIRE(big);
  CHECK(big->body == CountingServer::big_body());
  auto missing = client.Get("/nowhere");
  REQUIRE(missing);
  CHECK(missing->status == 404);

  CHECK(proxy->requests_seen() == 4);
  CHECK(proxy->requests_forwarded() == 4);
  CHECK(eventually([&] { return proxy->responses_delivered() == 4; }));  // counted just after the last byte went
  CHECK(proxy->faults_applied() == std::vector<Fault>(4, Fault::none));
}

TEST_CASE("refuse: the connection is cut before anything reaches the server") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  auto client = client_of(*proxy);
  proxy->plan({Fault::refuse});
  CHECK_FALSE(client.Post("/commit", "x", "text/plain"));
  CHECK(server.commits == 0);
  CHECK(proxy->requests_forwarded() == 0);
  auto next = client.Post("/commit", "x", "text/plain");
  REQUIRE(next);
  CHECK(next->body == "commit 1");
}

TEST_CASE("drop_request: the request is read but never forwarded") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  auto client = client_of(*proxy);
  proxy->plan({Fault::drop_request});
  CHECK_FALSE(client.Post("/commit", "x", "text/plain"));
  CHECK(server.commits == 0);
  CHECK(proxy->requests_seen() == 1);
  CHECK(proxy->requests_forwarded() == 0);
  CHECK(client.Post("/commit", "x", "text/plain"));
  CHECK(server.commits == 1);
}

TEST_CASE("respond_500 and respond_429: the proxy answers, the server never sees the request") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  auto client = client_of(*proxy);
  proxy->plan({Fault::respond_500, Fault::respond_429});
  auto broken = client.Post("/commit", "x", "text/plain");
  REQUIRE(broken);
  CHECK(broken->status == 500);
  CHECK(broken->body.find("\"error\"") != std::string::npos);
  auto busy = client.Post("/commit", "x", "text/plain");
  REQUIRE(busy);
  CHECK(busy->status == 429);
  CHECK(busy->get_header_value("Retry-After") == "7");
  CHECK(server.commits == 0);
  CHECK(proxy->requests_forwarded() == 0);
  auto fine = client.Post("/commit", "x", "text/plain");  // on the same kept-alive connection
  REQUIRE(fine);
  CHECK(fine->body == "commit 1");
}

TEST_CASE("drop_response: the server committed, the client heard nothing") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  auto client = client_of(*proxy);
  proxy->plan({Fault::drop_response});
  auto lost = client.Post("/commit", "event-1", "text/plain");
  CHECK_FALSE(lost);
  CHECK(server.commits == 1);
  CHECK(server.last_body == "event-1");
  CHECK(proxy->responses_delivered() == 0);
  auto retry = client.Post("/commit", "event-1", "text/plain");
  REQUIRE(retry);
  CHECK(retry->body == "commit 2");
}

TEST_CASE("truncate_response: half an answer is an error, for a sized and a chunked body") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  auto client = client_of(*proxy);
  proxy->plan({Fault::truncate_response, Fault::truncate_response});
  CHECK_FALSE(client.Get("/big"));
  CHECK_FALSE(client.Get("/chunked"));
  CHECK(proxy->requests_forwarded() == 2);
  CHECK(proxy->responses_delivered() == 0);
  auto whole = client.Get("/big");
  REQUIRE(whole);
  CHECK(whole->body == CountingServer::big_body());
}

TEST_CASE("delay: the answer is held, and a client that stops waiting loses it after the commit") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  proxy->set_delay(300ms);
  proxy->plan({Fault::delay});
  auto client = client_of(*proxy);
  auto started = std::chrono::steady_clock::now();
  auto slow = client.Post("/commit", "x", "text/plain");
  REQUIRE(slow);
  CHECK(slow->body == "commit 1");
  CHECK(std::chrono::steady_clock::now() - started >= 300ms);

  proxy->set_delay(1500ms);
  proxy->plan({Fault::delay});
  auto impatient = client_of(*proxy);
  impatient.set_read_timeout(200ms);
  CHECK_FALSE(impatient.Post("/commit", "x", "text/plain"));
  CHECK(server.commits == 2);
}

TEST_CASE("duplicate_request: the server gets it twice, the client hears the second answer") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  auto client = client_of(*proxy);
  proxy->plan({Fault::duplicate_request});
  auto answer = client.Post("/commit", "event-1", "text/plain");
  REQUIRE(answer);
  CHECK(answer->body == "commit 2");
  CHECK(server.commits == 2);
  CHECK(proxy->requests_seen() == 1);
  CHECK(proxy->requests_forwarded() == 2);
}

TEST_CASE("a plan applies to the next requests in order, then none, and always() until cleared") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  auto client = client_of(*proxy);
  proxy->plan({Fault::drop_request, Fault::none, Fault::drop_response});
  CHECK_FALSE(client.Post("/commit", "1", "text/plain"));
  CHECK(client.Post("/commit", "2", "text/plain"));
  CHECK_FALSE(client.Post("/commit", "3", "text/plain"));
  CHECK(client.Post("/commit", "4", "text/plain"));
  CHECK(server.commits == 3);

  proxy->always(Fault::drop_request);
  for (int i = 0; i < 3; ++i) CHECK_FALSE(client.Get("/hello"));
  proxy->plan({Fault::none});  // a planned fault comes before the always one
  CHECK(client.Get("/hello"));
  CHECK_FALSE(client.Get("/hello"));
  proxy->clear();
  CHECK(client.Get("/hello"));
  CHECK(proxy->faults_applied() ==
        std::vector<Fault>{Fault::drop_request, Fault::none, Fault::drop_response, Fault::none, Fault::drop_request,
                           Fault::drop_request, Fault::drop_request, Fault::none, Fault::drop_request, Fault::none});
}

TEST_CASE("keep-alive: several requests on one connection, a fault hits exactly one of them") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  auto client = client_of(*proxy, /*keep_alive=*/true);
  for (int i = 1; i <= 5; ++i) {
    auto answer = client.Post("/commit", "x", "text/plain");
    REQUIRE(answer);
    CHECK(answer->body == "commit " + std::to_string(i));
  }
  auto chunked = client.Get("/chunked");
  REQUIRE(chunked);
  CHECK(chunked->body == std::string(1000, '0') + std::string(1000, '1') + std::string(1000, '2') +
                             std::string(1000, '3') + std::string(1000, '4'));
  auto head = client.Head("/hello");  // an answer with a length but no body
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(client.Get("/hello"));
  CHECK(proxy->connections_accepted() == 1);

  proxy->plan({Fault::none, Fault::drop_response, Fault::none, Fault::none});
  std::vector<bool> answered;
  for (int i = 0; i < 4; ++i) answered.push_back(static_cast<bool>(client.Post("/commit", "x", "text/plain")));
  CHECK(answered == std::vector<bool>{true, false, true, true});
  CHECK(server.commits == 9);  // every one committed, one answer lost
  CHECK(proxy->connections_accepted() == 2);  // the client reconnected after the cut
}

TEST_CASE("a server that closes: Connection: close, a body up to the close, a server gone and back") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  auto client = client_of(*proxy, /*keep_alive=*/true);
  auto bye = client.Get("/close");
  REQUIRE(bye);
  CHECK(bye->body == "bye");
  CHECK(client.Get("/hello"));
  CHECK(proxy->connections_accepted() == 2);  // the proxy closed the client's side too

  // An old-style server: no length, the body ends when it closes.
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 4) == 0);
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  std::thread old_server([listener] {
    int connection = ::accept(listener, nullptr, nullptr);
    if (connection < 0) return;
    char buffer[4096];
    std::string request;
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t got = ::recv(connection, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      request.append(buffer, static_cast<std::size_t>(got));
    }
    std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end";
    ::send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
    ::close(connection);
  });
  proxy->set_upstream(ntohs(address.sin_port));
  auto old_style = client_of(*proxy).Get("/anything");
  old_server.join();
  ::close(listener);
  REQUIRE(old_style);
  CHECK(old_style->body == "until the end");

  // Nothing listens upstream: the client sees a failed connection, like the server down.
  proxy->set_upstream(ntohs(address.sin_port));
  CHECK_FALSE(client_of(*proxy).Get("/hello"));
  // The server is back on another port.
  proxy->set_upstream(server.port);
  CHECK(client_of(*proxy).Get("/hello"));
}

TEST_CASE("the proxy answers Expect: 100-continue itself and forwards chunked request bodies") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  RawClient expecting(proxy->port());
  expecting.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  CHECK_THAT(expecting.read_until("\r\n\r\n"), Catch::Matchers::StartsWith("HTTP/1.1 100 Continue\r\n\r\n"));
  expecting.send("hello");
  auto answer = expecting.read_until("\r\n\r\nhello");
  // One interim answer only, the proxy's: the server never saw the Expect header.
  CHECK_THAT(answer, Catch::Matchers::StartsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200"));
  CHECK_THAT(answer, Catch::Matchers::EndsWith("hello"));

  RawClient chunked(proxy->port());
  chunked.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
  CHECK_THAT(chunked.read_until("hello world"), Catch::Matchers::EndsWith("hello world"));
}

TEST_CASE("peers that stop early or send garbage do not hurt the proxy") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  {
    RawClient half(proxy->port());
    half.send("POST /commit HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");
  }
  {
    RawClient binary(proxy->port());
    binary.send(std::string("\0\xff\xfe\r\n\x01garbage", 13));
  }
  {
    // Framed well enough to forward: the server judges it (cpp-httplib answers 400).
    RawClient garbage(proxy->port());
    garbage.send(std::string("\0\xff\xfe garbage\r\n\r\n", 15));
    CHECK_THAT(garbage.read_until("\r\n\r\n"), Catch::Matchers::StartsWith("HTTP/1.1 400"));
  }
  {
    // No way to tell where the body ends: closed without forwarding anything.
    RawClient unframed(proxy->port());
    unframed.send("POST /commit HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n");
    CHECK(unframed.read_until("never", 500ms).empty());
  }
  {
    RawClient huge_head(proxy->port());
    huge_head.send("GET /hello HTTP/1.1\r\nX-Pad: " + std::string(100'000, 'a'));
    CHECK(huge_head.read_until("never", 500ms).empty());
  }
  {
    // The client leaves while its answer is held back: sending to it later must not crash.
    proxy->set_delay(200ms);
    proxy->plan({Fault::delay});
    RawClient leaving(proxy->port());
    leaving.send("POST /commit HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx");
    REQUIRE(eventually([&] { return server.commits == 1; }));
  }
  std::this_thread::sleep_for(400ms);  // the held answer is now sent to a closed socket
  CHECK(server.commits == 1);  // only the complete request reached the server
  auto client = client_of(*proxy);
  auto hello = client.Get("/hello");
  REQUIRE(hello);
  CHECK(hello->body == "hello");
}

TEST_CASE("destroying the proxy cuts open connections and returns promptly") {
  CountingServer server;
  auto proxy = start_proxy(server.port);
  auto idle = client_of(*proxy, /*keep_alive=*/true);
  REQUIRE(idle.Get("/hello"));  // leaves an idle keep-alive connection open
  proxy->set_delay(10s);
  proxy->always(Fault::delay);
  auto port = proxy->port();
  auto held = std::async(std::launch::async, [port] {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(20s);
    return static_cast<bool>(client.Post("/commit", "x", "text/plain"));
  });
  REQUIRE(proxy->wait_for_requests(2, 2s));
  REQUIRE(eventually([&] { return server.commits == 1; }));
  auto started = std::chrono::steady_clock::now();
  proxy.reset();
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  CHECK_FALSE(held.get());
  CHECK(server.commits == 1);
}
