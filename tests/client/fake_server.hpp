// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A scripted fake of checkin-server for the sync client's tests (libpretixsync's "fake API
// that records requests"): an in-process cpp-httplib server on 127.0.0.1:<ephemeral> that
// records every request and answers from handlers the test sets per path.
#include <httplib.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace checkin::testing {

struct Recorded {
  std::string method;
  std::string path;                   // without the query
  std::optional<std::string> cursor;  // the "cursor" query parameter, when sent
  std::string body;
  std::string authorization;          // the whole header value
  std::string device_time;            // X-Checkin-Device-Time
  std::string content_type;
};

struct Reply {
  int status = 200;
  std::string body;
  std::map<std::string, std::string> headers;
  bool drop_connection = false;  // send the headers, then cut the connection (a lost answer)
};

class FakeServer {
 public:
  using Handler = std::function<Reply(const Recorded&)>;

  // Plain HTTP, or HTTPS with the given PEM files.
  FakeServer() : server_(std::make_unique<httplib::Server>()) { start(); }
  FakeServer(const std::string& cert_pem, const std::string& key_pem)
      : server_(std::make_unique<httplib::SSLServer>(cert_pem.c_str(), key_pem.c_str())) {
    start();
  }
  ~FakeServer() { stop(); }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  void stop() {
    // httplib's stop() does nothing before the accept loop runs, which would then run
    // forever: let it start first (it is already bound, so this is a moment).
    if (thread_.joinable())
      while (!server_->is_running()) std::this_thread::yield();
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }
  std::string url(const char* scheme = "http") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_);
  }

  // Answers requests to `path` (exact, query excluded); unknown paths get a 404.
  void on(const std::string& method, const std::string& path, Handler handler) {
    std::lock_guard lock(mutex_);
    handlers_[method + " " + path] = std::move(handler);
  }

  std::vector<Recorded> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<Recorded> requests_to(const std::string& path) const {
    std::vector<Recorded> out;
    for (auto& r : requests())
      if (r.path == path) out.push_back(r);
    return out;
  }
  // Waits (on a condition, not a sleep) until `count` requests to `path` have arrived.
  bool wait_for_requests(const std::string& path, std::size_t count,
                         std::chrono::milliseconds timeout = std::chrono::seconds{10}) const {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] {
      std::size_t n = 0;
      for (auto& r : requests_) n += r.path == path;
      return n >= count;
    });
  }

 private:
  void start() {
    auto handle = [this](const httplib::Request& req, httplib::Response& res) {
      Recorded r;
      r.method = req.method;
      r.path = req.path;
      if (req.has_param("cursor")) r.cursor = req.get_param_value("cursor");
      r.body = req.body;
      r.authorization = req.get_header_value("Authorization");
      r.device_time = req.get_header_value("X-Checkin-Device-Time");
      r.content_type = req.get_header_value("Content-Type");
      Handler handler;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(r);
        if (auto it = handlers_.find(r.method + " " + r.path); it != handlers_.end()) handler = it->second;
      }
      arrived_.notify_all();
      Reply reply = handler ? handler(r) : Reply{404, R"({"protocol":1,"error":{"code":"not_found","message":"no such route"}})", {}, false};
      res.status = reply.status;
      for (auto& [name, value] : reply.headers) res.set_header(name.c_str(), value);
      if (reply.drop_connection) {
        // Promise a body, then fail to provide it: the client sees the connection cut.
        res.set_content_provider(
            1000, "application/json", [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
        return;
      }
      res.set_content(reply.body, "application/json");
    };
    server_->set_tcp_nodelay(true);  // no Nagle delay on every answer
    server_->Get(".*", handle);
    server_->Post(".*", handle);
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("the fake server could not bind 127.0.0.1");
    // bind_to_any_port already listens: requests queue until the loop below accepts them.
    thread_ = std::thread([this] { server_->listen_after_bind(); });
  }

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::map<std::string, Handler> handlers_;
  std::vector<Recorded> requests_;
};

}  // namespace checkin::testing
