// SPDX-License-Identifier: AGPL-3.0-or-later
#include "notify_socket.hpp"

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <stdexcept>

namespace checkin::testing {

NotifySocket::NotifySocket(std::filesystem::path path) : path_(std::move(path)) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path_.native().size() >= sizeof address.sun_path)
    throw std::runtime_error("socket path too long: " + path_.string());
  std::memcpy(address.sun_path, path_.c_str(), path_.native().size());
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    throw std::runtime_error("cannot bind " + path_.string() + ": " + std::strerror(errno));
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) ::close(fd_);
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

std::optional<std::string> NotifySocket::take() {
  std::array<char, 4096> buffer;
  ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
  if (n < 0) return std::nullopt;
  return std::string(buffer.data(), static_cast<std::size_t>(n));
}

std::optional<std::string> NotifySocket::receive(std::chrono::milliseconds limit) {
  pollfd waiting{fd_, POLLIN, 0};
  if (::poll(&waiting, 1, static_cast<int>(limit.count())) <= 0) return std::nullopt;
  return take();
}

bool has_line(std::string_view datagram, std::string_view line) {
  while (!datagram.empty()) {
    auto end = datagram.find('\n');
    if (datagram.substr(0, end) == line) return true;
    if (end == std::string_view::npos) break;
    datagram.remove_prefix(end + 1);
  }
  return false;
}

ScopedEnv::ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
  if (const char* before = ::getenv(name_.c_str())) before_ = before;
  if (value) ::setenv(name_.c_str(), value->c_str(), 1);
  else ::unsetenv(name_.c_str());
}

ScopedEnv::~ScopedEnv() {
  if (before_) ::setenv(name_.c_str(), before_->c_str(), 1);
  else ::unsetenv(name_.c_str());
}

}  // namespace checkin::testing
