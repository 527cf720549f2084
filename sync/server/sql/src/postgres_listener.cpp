// SPDX-License-Identifier: AGPL-3.0-or-later
// LISTEN/NOTIFY (sql.hpp). The listener uses libpq itself: it needs the connection's socket
// to wait on, and libpq's notification interface is the same on every release.
#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>

#include <chrono>

#include "backends.hpp"
#include "checkin/core/log.hpp"
#include "checkin/server/sql.hpp"

namespace checkin::sql {

namespace {

constexpr std::string_view kLog = "sql";
constexpr int kPollMillis = 250;  // how often the thread looks at its stop flag
constexpr std::chrono::seconds kReconnectEvery{3};

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
using PgConnection = std::unique_ptr<PGconn, ConnectionCloser>;

bool is_identifier(std::string_view channel) {
  if (channel.empty() || channel.size() > 63) return false;
  for (char c : channel)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return !std::isdigit(static_cast<unsigned char>(channel.front()));
}

}  // namespace

Result<void> announce(Connection& connection, std::string_view channel, std::string_view payload) {
  if (connection.backend() != Backend::postgresql) return {};
  const Value params[] = {std::string(channel), std::string(payload)};
  auto done = connection.query("SELECT pg_notify($1, $2)", params);
  if (!done) return std::unexpected(done.error());
  return {};
}

std::unique_ptr<Listener> Listener::start(std::string url, std::string channel,
                                          std::function<void(const std::string&)> heard) {
  if (!is_identifier(channel)) throw std::logic_error("a LISTEN channel is a plain identifier");
  std::unique_ptr<Listener> listener(new Listener());
  listener->url_ = std::move(url);
  listener->channel_ = std::move(channel);
  listener->heard_ = std::move(heard);
  listener->thread_ = std::thread([raw = listener.get()] { raw->run(); });
  return listener;
}

Listener::~Listener() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Listener::run() {
  bool had_connection = false;
  while (!stop_) {
    PgConnection connection(PQconnectdb(url_.c_str()));
    bool ready = connection && PQstatus(connection.get()) == CONNECTION_OK;
    if (ready) {
      PGresult* result = PQexec(connection.get(), fmt::format("LISTEN {}", channel_).c_str());
      ready = PQresultStatus(result) == PGRES_COMMAND_OK;
      PQclear(result);
    }
    if (!ready) {
      log_warn(kLog, "cannot listen on {} at {}: {}", channel_, detail::redacted(url_),
               connection ? PQerrorMessage(connection.get()) : "out of memory");
      for (auto waited = std::chrono::milliseconds{0}; !stop_ && waited < kReconnectEvery;
           waited += std::chrono::milliseconds{kPollMillis})
        std::this_thread::sleep_for(std::chrono::milliseconds{kPollMillis});
      continue;
    }
    listening_ = true;
    // What was announced while no connection listened is lost: say "something changed".
    if (had_connection) heard_(std::string{});
    had_connection = true;
    log_info(kLog, "listening on {}", channel_);
    while (!stop_) {
      pollfd watched{PQsocket(connection.get()), POLLIN, 0};
      int ready_count = poll(&watched, 1, kPollMillis);
      if (ready_count < 0 && errno != EINTR) break;
      if (ready_count <= 0) continue;
      if (!PQconsumeInput(connection.get())) break;  // the connection is gone
      while (PGnotify* note = PQnotifies(connection.get())) {
        std::string payload = note->extra ? note->extra : "";
        PQfreemem(note);
        heard_(payload);
      }
    }
    listening_ = false;
    if (!stop_) log_warn(kLog, "the connection listening on {} was lost; opening it again", channel_);
  }
}

}  // namespace checkin::sql
