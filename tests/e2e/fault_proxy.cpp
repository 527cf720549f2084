// SPDX-License-Identifier: AGPL-3.0-or-later
#include "fault_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <iterator>
#include <system_error>
#include <utility>

namespace checkin::testing {

const char* to_string(Fault fault) {
  switch (fault) {
    case Fault::none: return "none";
    case Fault::refuse: return "refuse";
    case Fault::drop_request: return "drop_request";
    case Fault::drop_response: return "drop_response";
    case Fault::truncate_response: return "truncate_response";
    case Fault::delay: return "delay";
    case Fault::duplicate_request: return "duplicate_request";
    case Fault::respond_500: return "respond_500";
    case Fault::respond_429: return "respond_429";
  }
  return "?";
}

namespace {

using namespace std::chrono_literals;

// Every blocking wait is a poll of at most this long, so a stopping proxy is noticed soon.
constexpr int kTickMs = 50;
constexpr std::size_t kMaxHeadBytes = 64 * 1024;
constexpr std::size_t kMaxMessageBytes = 64 * 1024 * 1024;
constexpr std::size_t npos = std::string::npos;

class Socket {
 public:
  explicit Socket(int fd = -1) : fd_(fd) {}
  ~Socket() { close(); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Closes with a reset instead of an orderly end, as a crashed or refusing peer would.
  void reset() {
    if (fd_ < 0) return;
    linger abort{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    close();
  }

 private:
  int fd_;
};

// False when the peer is gone or the proxy is stopping.
bool send_all(int fd, std::string_view data, const std::atomic<bool>& stopping) {
  while (!data.empty()) {
    if (stopping) return false;
    pollfd p{fd, POLLOUT, 0};
    int ready = ::poll(&p, 1, kTickMs);
    if (ready < 0 && errno != EINTR) return false;
    if (ready <= 0) continue;
    ssize_t sent = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// A socket's bytes as they arrive, read on demand while framing a message.
class Stream {
 public:
  Stream(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}

  std::string buffer;

  // Bytes read (> 0), 0 when the peer closed, -1 on an error, a stop or an overlong message.
  long fill() {
    if (buffer.size() > kMaxMessageBytes) return -1;
    char chunk[16 * 1024];
    while (!stopping_) {
      pollfd p{fd_, POLLIN, 0};
      int ready = ::poll(&p, 1, kTickMs);
      if (ready < 0 && errno != EINTR) return -1;
      if (ready <= 0) continue;
      ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return -1;
      }
      buffer.append(chunk, static_cast<std::size_t>(got));
      return got;
    }
    return -1;
  }

  bool ensure(std::size_t size) {
    while (buffer.size() < size)
      if (fill() <= 0) return false;
    return true;
  }

  // The offset of the next CRLF at or after from; npos if the peer stopped first.
  std::size_t line_end(std::size_t from) {
    for (;;) {
      auto found = buffer.find("\r\n", from);
      if (found != npos) return found;
      if (fill() <= 0) return npos;
    }
  }

  std::string take(std::size_t size) {
    std::string out = buffer.substr(0, size);
    buffer.erase(0, size);
    return out;
  }

 private:
  int fd_;
  const std::atomic<bool>& stopping_;
};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool contains_token(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (equals_ignoring_case(item, token)) return true;
    if (comma == npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

struct Head {
  std::string start_line;
  std::vector<std::pair<std::string, std::string>> fields;

  std::optional<std::string> field(std::string_view name) const {
    for (const auto& [key, value] : fields)
      if (equals_ignoring_case(key, name)) return value;
    return std::nullopt;
  }
  bool has_token(std::string_view name, std::string_view token) const {
    auto value = field(name);
    return value && contains_token(*value, token);
  }
};

std::optional<Head> parse_head(std::string_view raw) {
  Head head;
  bool first = true;
  while (!raw.empty()) {
    auto end = raw.find("\r\n");
    std::string_view line = raw.substr(0, end);
    raw.remove_prefix(end == npos ? raw.size() : end + 2);
    if (line.empty()) break;
    if (first) {
      head.start_line = line;
      first = false;
      continue;
    }
    auto colon = line.find(':');
    if (colon == npos || colon == 0) return std::nullopt;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    head.fields.emplace_back(line.substr(0, colon), value);
  }
  if (head.start_line.empty()) return std::nullopt;
  return head;
}

// The end of the head (just past the blank line); npos if the peer stopped or it is too long.
std::size_t read_head(Stream& stream) {
  for (;;) {
    auto blank = stream.buffer.find("\r\n\r\n");
    if (blank != npos) return blank + 4;
    if (stream.buffer.size() > kMaxHeadBytes || stream.fill() <= 0) return npos;
  }
}

enum class Body { none, length, chunked, until_close };

struct Framing {
  Body body = Body::none;
  std::size_t length = 0;
};

std::optional<Framing> body_framing(const Head& head) {
  if (auto encoding = head.field("Transfer-Encoding"); encoding && contains_token(*encoding, "chunked"))
    return Framing{Body::chunked, 0};
  if (auto length = head.field("Content-Length")) {
    std::size_t n = 0;
    auto [end, error] = std::from_chars(length->data(), length->data() + length->size(), n);
    if (error != std::errc{} || end != length->data() + length->size() || n > kMaxMessageBytes) return std::nullopt;
    return Framing{n ? Body::length : Body::none, n};
  }
  return Framing{};
}

// The end of a message whose body starts at body_start; npos if the peer stopped first
// (or, for until_close, failed rather than closed).
std::size_t read_body(Stream& stream, std::size_t body_start, Framing framing) {
  switch (framing.body) {
    case Body::none: return body_start;
    case Body::length: return stream.ensure(body_start + framing.length) ? body_start + framing.length : npos;
    case Body::until_close:
      for (;;) {
        long got = stream.fill();
        if (got == 0) return stream.buffer.size();
        if (got < 0) return npos;
      }
    case Body::chunked: {
      std::size_t pos = body_start;
      for (;;) {
        auto end = stream.line_end(pos);
        if (end == npos) return npos;
        std::string_view size_line = std::string_view(stream.buffer).substr(pos, end - pos);
        size_line = size_line.substr(0, size_line.find(';'));  // chunk extensions
        while (!size_line.empty() && size_line.back() == ' ') size_line.remove_suffix(1);
        std::size_t size = 0;
        auto [parsed_end, error] = std::from_chars(size_line.data(), size_line.data() + size_line.size(), size, 16);
        if (size_line.empty() || error != std::errc{} || parsed_end != size_line.data() + size_line.size() ||
            size > kMaxMessageBytes)
          return npos;
        pos = end + 2;
        if (size == 0) {
          // Trailer fields, then the blank line that ends the message.
          for (;;) {
            auto trailer_end = stream.line_end(pos);
            if (trailer_end == npos) return npos;
            bool blank = trailer_end == pos;
            pos = trailer_end + 2;
            if (blank) return pos;
          }
        }
        if (!stream.ensure(pos + size + 2) || stream.buffer.compare(pos + size, 2, "\r\n") != 0) return npos;
        pos += size + 2;
      }
    }
  }
  return npos;
}

struct Request {
  std::string forwarded;  // as the server gets it: without "Expect: 100-continue"
  bool head_request = false;
  bool close_after = false;
};

// One whole request from the client; nullopt if it stopped early or sent no HTTP.
std::optional<Request> read_request(Stream& client, int client_fd, const std::atomic<bool>& stopping) {
  auto head_end = read_head(client);
  if (head_end == npos) return std::nullopt;
  auto head = parse_head(std::string_view(client.buffer).substr(0, head_end));
  if (!head) return std::nullopt;
  auto framing = body_framing(*head);
  if (!framing) return std::nullopt;
  bool expects_continue = head->has_token("Expect", "100-continue");
  if (expects_continue && framing->body != Body::none &&
      !(framing->body == Body::length && client.buffer.size() >= head_end + framing->length) &&
      !send_all(client_fd, "HTTP/1.1 100 Continue\r\n\r\n", stopping))
    return std::nullopt;
  auto end = read_body(client, head_end, *framing);
  if (end == npos) return std::nullopt;
  std::string raw = client.take(end);

  Request request;
  request.head_request = head->start_line.starts_with("HEAD ");
  bool http10 = head->start_line.ends_with("HTTP/1.0");
  request.close_after = head->has_token("Connection", "close") || (http10 && !head->has_token("Connection", "keep-alive"));
  request.forwarded = head->start_line + "\r\n";
  for (const auto& [name, value] : head->fields)
    if (!equals_ignoring_case(name, "Expect")) request.forwarded += name + ": " + value + "\r\n";
  request.forwarded += "\r\n";
  request.forwarded.append(raw, head_end);
  return request;
}

int status_code(std::string_view status_line) {
  // "HTTP/1.1 200 OK"
  auto space = status_line.find(' ');
  if (space == npos || status_line.size() < space + 4) return -1;
  int code = 0;
  auto digits = status_line.substr(space + 1, 3);
  auto [end, error] = std::from_chars(digits.data(), digits.data() + 3, code);
  if (error != std::errc{} || end != digits.data() + 3) return -1;
  return code;
}

}  // namespace

struct FaultProxy::Response {
  std::string raw;  // status line, headers and body exactly as the server sent them
  bool close_after = false;
};

Result<std::unique_ptr<FaultProxy>> FaultProxy::start(std::uint16_t upstream_port) {
  Socket listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (listener.fd() < 0) return fail(Errc::io, std::string("fault proxy: socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  if (::bind(listener.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener.fd(), 64) != 0)
    return fail(Errc::io, std::string("fault proxy: bind/listen on 127.0.0.1: ") + std::strerror(errno));
  socklen_t size = sizeof address;
  if (::getsockname(listener.fd(), reinterpret_cast<sockaddr*>(&address), &size) != 0)
    return fail(Errc::io, std::string("fault proxy: getsockname: ") + std::strerror(errno));
  return std::unique_ptr<FaultProxy>(new FaultProxy(listener.release(), ntohs(address.sin_port), upstream_port));
}

FaultProxy::FaultProxy(int listen_fd, std::uint16_t port, std::uint16_t upstream_port)
    : listen_fd_(listen_fd), port_(port), upstream_port_(upstream_port), acceptor_([this] { accept_loop(); }) {}

FaultProxy::~FaultProxy() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  acceptor_.join();
  // No new workers after the acceptor ended; each one sees stopping_ within a tick.
  std::vector<Worker> workers;
  {
    std::lock_guard lock(mutex_);
    workers.swap(workers_);
  }
  for (auto& worker : workers) worker.thread.join();
  ::close(listen_fd_);
}

std::string FaultProxy::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FaultProxy::plan(std::vector<Fault> faults) {
  std::lock_guard lock(mutex_);
  planned_.assign(faults.begin(), faults.end());
}

void FaultProxy::always(Fault fault) {
  std::lock_guard lock(mutex_);
  always_ = fault;
}

void FaultProxy::clear() {
  std::lock_guard lock(mutex_);
  planned_.clear();
  always_ = Fault::none;
}

void FaultProxy::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

void FaultProxy::set_upstream(std::uint16_t port) {
  std::lock_guard lock(mutex_);
  upstream_port_ = port;
}

std::size_t FaultProxy::requests_seen() const {
  std::lock_guard lock(mutex_);
  return requests_seen_;
}

std::size_t FaultProxy::requests_forwarded() const {
  std::lock_guard lock(mutex_);
  return requests_forwarded_;
}

std::size_t FaultProxy::responses_delivered() const {
  std::lock_guard lock(mutex_);
  return responses_delivered_;
}

std::size_t FaultProxy::connections_accepted() const {
  std::lock_guard lock(mutex_);
  return connections_accepted_;
}

std::vector<Fault> FaultProxy::faults_applied() const {
  std::lock_guard lock(mutex_);
  return faults_applied_;
}

bool FaultProxy::wait_for_requests(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return requests_seen_ >= count; });
}

Fault FaultProxy::next_fault() {
  Fault fault;
  {
    std::lock_guard lock(mutex_);
    if (!planned_.empty()) {
      fault = planned_.front();
      planned_.pop_front();
    } else {
      fault = always_;
    }
    ++requests_seen_;
    faults_applied_.push_back(fault);
  }
  changed_.notify_all();
  return fault;
}

bool FaultProxy::sleep_unless_stopping(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !changed_.wait_for(lock, duration, [&] { return stopping_.load(); });
}

void FaultProxy::accept_loop() {
  while (!stopping_) {
    reap_finished_workers();
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kTickMs) <= 0) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;  // the client gave up before we got to it, or no fds left: try again
    auto finished = std::make_shared<bool>(false);
    std::lock_guard lock(mutex_);
    ++connections_accepted_;
    try {
      workers_.reserve(workers_.size() + 1);  // so the push cannot throw with a running thread in hand
      workers_.push_back({std::thread([this, client, finished] {
                            try {
                              serve(client);
                            } catch (...) {
                              // Out of memory at worst: this connection ends, the proxy goes on.
                            }
                            std::lock_guard done(mutex_);
                            *finished = true;
                          }),
                          finished});
    } catch (const std::exception&) {
      ::close(client);  // no thread to serve it: the client sees a closed connection
    }
  }
}

void FaultProxy::reap_finished_workers() {
  std::vector<Worker> finished;
  {
    std::lock_guard lock(mutex_);
    auto split = std::stable_partition(workers_.begin(), workers_.end(), [](const Worker& w) { return !*w.finished; });
    std::move(split, workers_.end(), std::back_inserter(finished));
    workers_.erase(split, workers_.end());
  }
  for (auto& worker : finished) worker.thread.join();
}

std::optional<FaultProxy::Response> FaultProxy::forward(std::string_view request, bool head_request) {
  std::uint16_t upstream_port;
  {
    std::lock_guard lock(mutex_);
    upstream_port = upstream_port_;
  }
  Socket upstream(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (upstream.fd() < 0) return std::nullopt;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(upstream_port);
  if (::connect(upstream.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return std::nullopt;
  if (!send_all(upstream.fd(), request, stopping_)) return std::nullopt;
  {
    std::lock_guard lock(mutex_);
    ++requests_forwarded_;
  }
  Stream server(upstream.fd(), stopping_);
  for (;;) {
    auto head_end = read_head(server);
    if (head_end == npos) return std::nullopt;
    auto head = parse_head(std::string_view(server.buffer).substr(0, head_end));
    if (!head) return std::nullopt;
    int status = status_code(head->start_line);
    if (status < 100) return std::nullopt;
    if (status < 200 && status != 101) {
      // An interim answer: the proxy answered the client's "Expect: 100-continue" itself.
      server.take(head_end);
      continue;
    }
    std::optional<Framing> framing = Framing{};
    if (!head_request && status >= 200 && status != 204 && status != 304) {
      framing = body_framing(*head);
      if (!framing) return std::nullopt;
      // Neither a length nor chunks: the body runs to the server's close.
      if (framing->body == Body::none && !head->field("Content-Length")) framing->body = Body::until_close;
    }
    auto end = read_body(server, head_end, *framing);
    if (end == npos) return std::nullopt;
    bool http10 = head->start_line.starts_with("HTTP/1.0");
    return Response{server.take(end), framing->body == Body::until_close || head->has_token("Connection", "close") ||
                                          (http10 && !head->has_token("Connection", "keep-alive"))};
  }
}

void FaultProxy::serve(int client_fd) {
  Socket client(client_fd);
  Stream from_client(client.fd(), stopping_);
  while (!stopping_) {
    // The next request begins with its first byte; a client that closes instead is done.
    if (from_client.buffer.empty() && from_client.fill() <= 0) return;
    Fault fault = next_fault();
    if (fault == Fault::refuse) return client.reset();

    auto request = read_request(from_client, client.fd(), stopping_);
    if (!request || fault == Fault::drop_request) return;
    if (fault == Fault::respond_500 || fault == Fault::respond_429) {
      // A server in trouble, as the client sees it: the protocol's error body, nothing stored.
      std::string body = fault == Fault::respond_500
                             ? R"({"protocol":1,"error":{"code":"internal","message":"injected by the fault proxy"}})"
                             : R"({"protocol":1,"error":{"code":"busy","message":"injected by the fault proxy"}})";
      std::string answer = fault == Fault::respond_500 ? "HTTP/1.1 500 Internal Server Error\r\n"
                                                       : "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\n";
      answer += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      if (!send_all(client.fd(), answer, stopping_)) return;
      {
        std::lock_guard lock(mutex_);
        ++responses_delivered_;
      }
      if (request->close_after) return;
      continue;
    }

    auto response = forward(request->forwarded, request->head_request);
    if (response && fault == Fault::duplicate_request) response = forward(request->forwarded, request->head_request);
    // The server is down or broke off: the client sees what it would see without a proxy.
    if (!response) return client.reset();

    switch (fault) {
      case Fault::drop_response: return;
      case Fault::truncate_response:
        send_all(client.fd(), std::string_view(response->raw).substr(0, response->raw.size() / 2), stopping_);
        return;
      case Fault::delay: {
        std::chrono::milliseconds delay;
        {
          std::lock_guard lock(mutex_);
          delay = delay_;
        }
        if (!sleep_unless_stopping(delay)) return;
        break;
      }
      default: break;
    }
    if (!send_all(client.fd(), response->raw, stopping_)) return;
    {
      std::lock_guard lock(mutex_);
      ++responses_delivered_;
    }
    if (request->close_after || response->close_after) return;
  }
}

}  // namespace checkin::testing
