// SPDX-License-Identifier: AGPL-3.0-or-later
#include "raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <utility>

namespace checkin::testing {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string RawResponse::header(std::string_view name) const {
  std::string_view rest = head;
  while (!rest.empty()) {
    auto end = rest.find("\r\n");
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 2);
    auto colon = line.find(':');
    if (colon == std::string_view::npos || !same_name(line.substr(0, colon), name)) continue;
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    return std::string(value);
  }
  return {};
}

RawConnection::RawConnection(int port, const std::string& source, int send_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  if (send_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0)
    close();
}

RawConnection::~RawConnection() { close(); }

RawConnection::RawConnection(RawConnection&& other) noexcept : fd_(other.fd_), pending_(std::move(other.pending_)) {
  other.fd_ = -1;
}

void RawConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    if (fd_ < 0) return false;
    auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

std::string RawConnection::read_available(std::chrono::milliseconds timeout) {
  std::string out = std::exchange(pending_, {});
  const auto deadline = Clock::now() + timeout;
  while (fd_ >= 0) {
    pollfd ready{fd_, POLLIN, 0};
    if (::poll(&ready, 1, remaining_ms(deadline)) <= 0) break;
    char buffer[65536];
    auto got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) break;
    out.append(buffer, static_cast<std::size_t>(got));
  }
  return out;
}

std::optional<RawResponse> RawConnection::read_response(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::string data = std::exchange(pending_, {});
  auto fill = [&]() {
    if (fd_ < 0) return false;
    pollfd ready{fd_, POLLIN, 0};
    if (::poll(&ready, 1, remaining_ms(deadline)) <= 0) return false;
    char buffer[65536];
    auto got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) return false;
    data.append(buffer, static_cast<std::size_t>(got));
    return true;
  };
  std::size_t head_end;
  while ((head_end = data.find("\r\n\r\n")) == std::string::npos)
    if (!fill()) return std::nullopt;
  RawResponse response;
  response.head = data.substr(0, head_end);
  if (!response.head.starts_with("HTTP/1.")) return std::nullopt;
  response.status = std::atoi(response.head.c_str() + 9);
  const auto length = static_cast<std::size_t>(std::atoll(response.header("Content-Length").c_str()));
  while (data.size() < head_end + 4 + length)
    if (!fill()) return std::nullopt;
  response.body = data.substr(head_end + 4, length);
  pending_ = data.substr(head_end + 4 + length);
  return response;
}

bool RawConnection::closed_by_peer(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  pending_.clear();
  while (fd_ >= 0) {
    pollfd ready{fd_, POLLIN, 0};
    if (::poll(&ready, 1, remaining_ms(deadline)) <= 0) return false;
    char buffer[65536];
    auto got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) return true;
  }
  return true;
}

std::optional<RawResponse> raw_request(int port, std::string_view request, std::chrono::milliseconds timeout,
                                       const std::string& source) {
  RawConnection connection(port, source);
  if (!connection.connected() || !connection.send(request)) return std::nullopt;
  return connection.read_response(timeout);
}

}  // namespace checkin::testing
