// SPDX-License-Identifier: AGPL-3.0-or-later
// The HTTP front over libmicrohttpd: one internal event thread (epoll) owns every socket;
// a complete request is suspended in libmicrohttpd, handed to a worker, and resumed once
// its answer is ready. See http_front.hpp for what it guarantees.
//
// Threads and who touches what:
//   event thread  libmicrohttpd's callbacks below: connections, heads, bodies, queueing answers
//   workers       FrontHandler::handle / a parked request's resume; then MHD_resume_connection
//   timer         wakes parked requests at their deadline, cuts connections past theirs
//   any           notify(), stop()
// A Connection lives from libmicrohttpd's "started" to its "closed" notice; an Exchange
// (one request) from its request line to its "completed" notice, or longer while a worker
// still holds it (shared_ptr).
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdarg>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "checkin/core/log.hpp"
#include "checkin/server/http_front.hpp"
#include "front_checks.hpp"
#include "front_dispatch.hpp"
#include "gzip.hpp"

namespace checkin::server {

namespace front {

constexpr std::string_view kLog = "http";
using Clock = std::chrono::steady_clock;

struct Connection {
  int fd = -1;
  std::string key;      // what the per-address limit counts under
  std::string address;  // the peer
  bool loopback = false;
  bool trusted_proxy = false;
  enum class Phase { head, body, app } phase = Phase::head;  // app: a route or libmicrohttpd has it
  Clock::time_point since{};
  bool counted = false;  // against `key`'s limit (not while parked)
  bool cut = false;      // shut down for being too slow
};

struct Exchange {
  Connection* connection = nullptr;  // outlives the exchange's time with libmicrohttpd
  MHD_Connection* mhd = nullptr;
  Request request;
  bool head_checked = false;
  bool answered = false;   // an answer is ready (or was queued at the head)
  bool queued = false;     // handed to libmicrohttpd
  bool close = false;      // the connection ends after this answer
  std::optional<Refusal> refuse_after_body;
  std::size_t body_reserved = 0;
  std::atomic<std::size_t>* body_budget = nullptr;
  Resume resume;  // while parked

  std::mutex mutex;        // between a worker's finish and stop()'s abandoning
  bool abandoned = false;  // stop() answered it: the worker's answer is dropped
  Response response;

  ~Exchange() {
    if (body_budget) body_budget->fetch_sub(body_reserved);
  }
};

}  // namespace front

using namespace front;

struct HttpFront::Impl {
  FrontOptions options;
  FrontHandler& handler;
  MHD_Daemon* daemon = nullptr;
  int listen_fd = -1;
  int port = -1;
  std::size_t pool_bytes = 0;
  std::size_t queue_limit = 0;

  std::atomic<bool> stopping{false};
  std::mutex run_mutex;
  std::condition_variable run_wake;
  bool stop_requested = false;

  std::unique_ptr<WorkerPool> workers;
  ParkingLot parking;
  std::atomic<std::size_t> body_budget{0};

  // Connections and the per-address counts, under registry_mutex.
  mutable std::mutex registry_mutex;
  std::unordered_set<Connection*> connections;
  std::unordered_map<std::string, int> per_address;
  std::unordered_set<Exchange*> in_app;  // with a worker, parked, or answered but not queued
  std::condition_variable in_app_empty;
  int sending = 0;  // answers queued, not yet completed
  Clock::time_point last_refusal_log{};

  std::thread timer;
  std::mutex timer_mutex;
  std::condition_variable timer_wake;
  bool timer_stop = false;

  Impl(FrontOptions o, FrontHandler& h) : options(std::move(o)), handler(h) {}

  bool tls() const { return !options.tls_cert_pem.empty(); }

  HeadLimits limits() const {
    return HeadLimits{options.max_target_bytes, options.max_head_bytes, options.max_header_fields, options.body_limit};
  }

  bool trusted(const std::string& address) const {
    return std::ranges::find(options.trusted_proxies, address) != options.trusted_proxies.end();
  }

  // ---- libmicrohttpd callbacks (event thread)

  MHD_Result accept_policy(const sockaddr* address) {
    if (stopping) return MHD_NO;
    const auto text = address_text(address);
    if (trusted(text) || options.max_connections_per_address <= 0) return MHD_YES;
    const auto key = address_key(address);
    std::lock_guard lock(registry_mutex);
    auto found = per_address.find(key);
    if (found == per_address.end() || found->second < options.max_connections_per_address) return MHD_YES;
    // One line per ten seconds at most: an attack must not flood the journal.
    const auto now = Clock::now();
    if (now - last_refusal_log > std::chrono::seconds{10}) {
      last_refusal_log = now;
      log_warn(kLog, "refusing connections from {}: {} open, the limit per address", key, found->second);
    }
    return MHD_NO;
  }

  void connection_started(MHD_Connection* mhd, void** socket_context) {
    auto connection = std::make_unique<Connection>();
    if (const auto* info = MHD_get_connection_info(mhd, MHD_CONNECTION_INFO_CONNECTION_FD))
      connection->fd = info->connect_fd;
    const sockaddr* address = nullptr;
    if (const auto* info = MHD_get_connection_info(mhd, MHD_CONNECTION_INFO_CLIENT_ADDRESS))
      address = info->client_addr;
    connection->address = address_text(address);
    connection->key = address_key(address);
    connection->loopback = is_loopback_address(address);
    connection->trusted_proxy = trusted(connection->address);
    connection->since = Clock::now();
    std::lock_guard lock(registry_mutex);
    if (!connection->trusted_proxy) {
      ++per_address[connection->key];
      connection->counted = true;
    }
    *socket_context = connection.get();
    connections.insert(connection.release());
  }

  void connection_closed(void** socket_context) {
    auto* connection = static_cast<Connection*>(*socket_context);
    if (!connection) return;
    {
      std::lock_guard lock(registry_mutex);
      uncount(*connection);
      connections.erase(connection);
    }
    delete connection;
    *socket_context = nullptr;
  }

  // Under registry_mutex.
  void uncount(Connection& connection) {
    if (!connection.counted) return;
    connection.counted = false;
    auto found = per_address.find(connection.key);
    if (found != per_address.end() && --found->second <= 0) per_address.erase(found);
  }

  void* request_line(const char* uri, MHD_Connection* mhd) {
    auto exchange = std::make_shared<Exchange>();
    exchange->mhd = mhd;
    if (const auto* info = MHD_get_connection_info(mhd, MHD_CONNECTION_INFO_SOCKET_CONTEXT))
      exchange->connection = static_cast<Connection*>(info->socket_context);
    exchange->request.target = uri ? uri : "";
    exchange->body_budget = &body_budget;
    return new ExchangePtr(std::move(exchange));
  }

  void request_completed(void** request_context) {
    auto* holder = static_cast<ExchangePtr*>(*request_context);
    if (!holder) return;
    Exchange& exchange = **holder;
    {
      std::lock_guard lock(registry_mutex);
      if (exchange.queued) {
        --sending;
        in_app_empty.notify_all();
      }
      // The connection waits for its next request head from now (keep-alive).
      if (auto* connection = exchange.connection) {
        connection->phase = Connection::Phase::head;
        connection->since = Clock::now();
      }
    }
    delete holder;
    *request_context = nullptr;
  }

  MHD_Result access(MHD_Connection* mhd, const char* url, const char* method, const char* version,
                    const char* upload_data, std::size_t* upload_size, void** request_context) {
    if (!*request_context) *request_context = request_line(url, mhd);  // no request-line notice came
    ExchangePtr& exchange = *static_cast<ExchangePtr*>(*request_context);
    if (!exchange->head_checked) return head(*exchange, method, version);
    if (*upload_size > 0) return body(*exchange, upload_data, upload_size);
    if (exchange->queued) return MHD_YES;
    if (exchange->answered) return queue(*exchange);  // back from a worker
    if (exchange->refuse_after_body) return refuse(*exchange, *exchange->refuse_after_body);
    return complete(exchange);
  }

  // ---- the steps of one request (event thread)

  MHD_Result head(Exchange& exchange, const char* method, const char* version) {
    exchange.head_checked = true;
    Request& request = exchange.request;
    request.arrived = Clock::now();
    request.method = method ? method : "";
    request.secure = tls();
    MHD_get_connection_values_n(
        exchange.mhd, MHD_HEADER_KIND,
        [](void* headers, MHD_ValueKind, const char* name, std::size_t name_size, const char* value,
           std::size_t value_size) {
          static_cast<Headers*>(headers)->add(std::string(name, name_size),
                                              value ? std::string(value, value_size) : std::string{});
          return MHD_YES;
        },
        &request.headers);
    Connection* connection = exchange.connection;
    if (connection) {
      std::lock_guard lock(registry_mutex);
      connection->phase = Connection::Phase::body;
      connection->since = request.arrived;
    }
    // Until the target is read, refusals go by its raw path (the API answers in JSON).
    request.path = request.target.substr(0, request.target.find('?'));
    request.client_address = connection ? connection->address : "unknown";
    if (connection && connection->trusted_proxy) {
      auto named = forwarded_client(request.headers);
      if (!named.empty()) request.client_address = std::move(named);
    }
    if (stopping) return refuse(exchange, Refusal{503, "the server is stopping; try again shortly", true});
    if (auto refusal = check_head(Head{request.method, version ? version : "", request.target, request.headers}, limits())) {
      if (!refusal->after_body) return refuse(exchange, *refusal);
      exchange.refuse_after_body = std::move(refusal);
      return MHD_YES;
    }
    std::string problem;
    auto target = read_target(request.method, request.target, problem);
    if (!target) return refuse(exchange, Refusal{400, problem, true});
    request.path = std::move(target->path);
    request.query = std::move(target->query);
    return MHD_YES;
  }

  MHD_Result body(Exchange& exchange, const char* data, std::size_t* size) {
    if (exchange.answered || exchange.refuse_after_body) {  // refused: what follows is dropped
      *size = 0;
      return MHD_YES;
    }
    const std::size_t limit = options.body_memory_limit;
    if (body_budget.fetch_add(*size) + *size > limit) {
      body_budget.fetch_sub(*size);
      log_warn(kLog, "closing a connection from {}: bodies being received are over {} bytes together",
               exchange.request.client_address, limit);
      return MHD_NO;
    }
    exchange.body_reserved += *size;
    exchange.request.body.append(data, *size);
    *size = 0;
    return MHD_YES;
  }

  MHD_Result complete(const ExchangePtr& exchange) {
    if (stopping) return refuse(*exchange, Refusal{503, "the server is stopping; try again shortly", true});
    if (workers->queued() >= queue_limit)
      return refuse(*exchange, Refusal{503, "the server is busy; try again shortly", false});
    {
      std::lock_guard lock(registry_mutex);
      if (exchange->connection) exchange->connection->phase = Connection::Phase::app;
      in_app.insert(exchange.get());
    }
    // Suspended before a worker can see it, so its resume always finds it suspended.
    MHD_suspend_connection(exchange->mhd);
    const bool urgent = handler.urgent(exchange->request);
    workers->try_submit(Job{exchange, std::nullopt}, SIZE_MAX, urgent);
    return MHD_YES;
  }

  MHD_Result refuse(Exchange& exchange, const Refusal& refusal) {
    Response response;
    response.status = refusal.status;
    if (refusal.status == 503 || refusal.status == 429)
      response.set_header("Retry-After", std::to_string(options.retry_after_seconds));
    handler.refused(exchange.request, response, refusal.reason);
    handler.answered(exchange.request, response);
    exchange.response = std::move(response);
    exchange.answered = true;
    exchange.close = refusal.close;
    log_debug(kLog, "refused {} from {}: {}", refusal.status, exchange.request.client_address, refusal.reason);
    return queue(exchange);
  }

  // Hands the answer to libmicrohttpd; the body is moved, not copied.
  MHD_Result queue(Exchange& exchange) {
    auto* body = new std::string(std::move(exchange.response.body));
    MHD_Response* response = MHD_create_response_from_buffer_with_free_callback_cls(
        body->size(), body->data(), [](void* text) { delete static_cast<std::string*>(text); }, body);
    if (!response) {
      delete body;
      return MHD_NO;
    }
    for (const auto& [name, value] : exchange.response.headers)
      if (MHD_add_response_header(response, name.c_str(), value.c_str()) != MHD_YES)
        log_debug(kLog, "header {} not sent", name);
    if (exchange.close || stopping) MHD_add_response_header(response, "Connection", "close");
    const MHD_Result queued = MHD_queue_response(exchange.mhd, static_cast<unsigned>(exchange.response.status), response);
    MHD_destroy_response(response);
    std::lock_guard lock(registry_mutex);
    in_app.erase(&exchange);
    if (queued == MHD_YES) {
      exchange.queued = true;
      ++sending;
    }
    in_app_empty.notify_all();
    return queued;
  }

  // ---- workers

  void work(Job& job) {
    const ExchangePtr& exchange = job.exchange;
    Request& request = exchange->request;
    Response response;
    const auto since = parking.stamp();
    try {
      if (!job.wake) {
        handler.handle(request, response);
      } else {
        Resume resume = std::move(exchange->resume);
        exchange->resume = nullptr;
        resume(request, response, *job.wake);
      }
    } catch (const std::exception& error) {
      log_error(kLog, "{} request failed: {}", request.method, error.what());
      response = internal_error(request);
    } catch (...) {
      log_error(kLog, "{} request failed with an unknown exception", request.method);
      response = internal_error(request);
    }
    if (auto park = response.take_parking()) {
      if (!park->resume || job.wake == Wake::stopping) {
        // Parking without a way back, or again while stopping: nobody would answer it.
        log_error(kLog, "a {} route parked {}", request.method,
                  park->resume ? "while the server stops" : "without a resume");
        return finish(exchange, internal_error(request));
      }
      exchange->resume = std::move(park->resume);
      const auto deadline = std::min(park->deadline, Clock::now() + kLongestPark);
      set_parked(*exchange, true);
      switch (parking.park(exchange, park->topics, deadline, since)) {
        case ParkingLot::Parked::yes: timer_wake.notify_all(); return;
        case ParkingLot::Parked::notified_meanwhile: return wake(exchange, Wake::notified);
        case ParkingLot::Parked::closed: return wake(exchange, Wake::stopping);
      }
      return;
    }
    finish(exchange, std::move(response));
  }

  Response internal_error(const Request& request) {
    Response response;
    response.status = 500;
    handler.refused(request, response, "internal server error");
    return response;
  }

  void wake(const ExchangePtr& exchange, Wake why) {
    set_parked(*exchange, false);
    workers->submit(Job{exchange, why});
  }

  // A parked request holds no place against its address's limit.
  void set_parked(Exchange& exchange, bool parked) {
    {
      // stop() gave up on it: its connection may be gone.
      std::lock_guard hold(exchange.mutex);
      if (exchange.abandoned) return;
    }
    std::lock_guard lock(registry_mutex);
    Connection* connection = exchange.connection;
    if (!connection || connection->trusted_proxy) return;
    if (parked) {
      uncount(*connection);
    } else if (!connection->counted) {
      ++per_address[connection->key];
      connection->counted = true;
    }
  }

  void finish(const ExchangePtr& exchange, Response response) {
    if (response.compress_if_accepted && !response.body.empty() &&
        accepts_gzip(exchange->request.header("Accept-Encoding"))) {
      if (auto packed = gzip(response.body)) {
        response.body = std::move(*packed);
        response.set_header("Content-Encoding", "gzip");
      }
      response.add_header("Vary", "Accept-Encoding");
    }
    {
      std::lock_guard lock(exchange->mutex);
      if (exchange->abandoned) return;
      exchange->response = std::move(response);
      exchange->answered = true;
    }
    handler.answered(exchange->request, exchange->response);
    MHD_resume_connection(exchange->mhd);
  }

  // ---- timer: parked deadlines and slow connections

  void run_timer() {
    std::unique_lock lock(timer_mutex);
    while (!timer_stop) {
      auto next = Clock::now() + std::chrono::milliseconds{250};
      if (auto deadline = parking.next_deadline(); deadline && *deadline < next) next = *deadline;
      timer_wake.wait_until(lock, next);
      if (timer_stop) break;
      lock.unlock();
      for (auto& exchange : parking.expired(Clock::now())) wake(exchange, Wake::deadline);
      cut_slow_connections();
      lock.lock();
    }
  }

  // libmicrohttpd's own timeout restarts with every byte; these deadlines do not. The
  // socket is shut down, not closed: libmicrohttpd sees the end, closes it and tells
  // connection_closed (under the same lock, so the descriptor is never a reused one).
  void cut_slow_connections() {
    const auto now = Clock::now();
    std::lock_guard lock(registry_mutex);
    for (auto* connection : connections) {
      if (connection->cut || connection->fd < 0) continue;
      std::chrono::milliseconds allowed;
      if (connection->phase == Connection::Phase::head) allowed = options.head_timeout;
      else if (connection->phase == Connection::Phase::body) allowed = options.body_timeout;
      else continue;
      if (now - connection->since <= allowed) continue;
      connection->cut = true;
      ::shutdown(connection->fd, SHUT_RDWR);
      log_debug(kLog, "cut a connection from {}: its request {} took over {} ms", connection->address,
                connection->phase == Connection::Phase::head ? "head" : "body", allowed.count());
    }
  }

  // ---- stopping (from run())

  void drain() {
    // No new connections; the sockets in libmicrohttpd go on.
    if (MHD_socket fd = MHD_quiesce_daemon(daemon); fd != MHD_INVALID_SOCKET) ::close(fd);
    listen_fd = -1;
    for (auto& exchange : parking.close()) wake(exchange, Wake::stopping);
    std::unique_lock lock(registry_mutex);
    if (!in_app_empty.wait_for(lock, std::chrono::seconds{10}, [this] { return in_app.empty(); })) {
      log_warn(kLog, "{} request(s) still running after 10 s: answered 503", in_app.size());
      for (auto* exchange : in_app) {
        std::lock_guard hold(exchange->mutex);
        if (exchange->answered) continue;
        exchange->abandoned = true;
        Response response;
        response.status = 503;
        response.set_header("Retry-After", std::to_string(options.retry_after_seconds));
        handler.refused(exchange->request, response, "the server is stopping; try again shortly");
        handler.answered(exchange->request, response);
        exchange->response = std::move(response);
        exchange->answered = true;
        MHD_resume_connection(exchange->mhd);
      }
      in_app_empty.wait_for(lock, std::chrono::seconds{2}, [this] { return in_app.empty(); });
    }
    // Let the answers go out before the connections are closed.
    in_app_empty.wait_for(lock, std::chrono::seconds{2}, [this] { return sending == 0; });
  }
};

namespace {

// libmicrohttpd's C callbacks, each passing its closure on to Impl.
using Impl = HttpFront::Impl;

MHD_Result on_accept(void* impl, const sockaddr* address, socklen_t) {
  return static_cast<Impl*>(impl)->accept_policy(address);
}

MHD_Result on_access(void* impl, MHD_Connection* connection, const char* url, const char* method, const char* version,
                     const char* upload_data, std::size_t* upload_size, void** request_context) {
  return static_cast<Impl*>(impl)->access(connection, url, method, version, upload_data, upload_size, request_context);
}

void on_connection(void* impl, MHD_Connection* connection, void** socket_context, MHD_ConnectionNotificationCode code) {
  if (code == MHD_CONNECTION_NOTIFY_STARTED) static_cast<Impl*>(impl)->connection_started(connection, socket_context);
  else static_cast<Impl*>(impl)->connection_closed(socket_context);
}

void* on_request_line(void* impl, const char* uri, MHD_Connection* connection) {
  return static_cast<Impl*>(impl)->request_line(uri, connection);
}

void on_completed(void* impl, MHD_Connection*, void** request_context, MHD_RequestTerminationCode) {
  static_cast<Impl*>(impl)->request_completed(request_context);
}

// libmicrohttpd reports what clients did wrong: debug lines, not the journal's business.
void on_log(void*, const char* format, va_list arguments) {
  if (!log_enabled(LogLevel::debug)) return;
  char line[512];
  std::vsnprintf(line, sizeof line, format, arguments);
  std::string text(line);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  log_debug(kLog, "libmicrohttpd: {}", text);
}

template <class F>
intptr_t callback(F* function) {
  return reinterpret_cast<intptr_t>(function);
}

// A file descriptor limit of 1024 (systemd's default soft limit) would end the server's
// connections long before max_connections: raise it to the hard limit.
int usable_connections(int wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  // Room for the database, files and the listening socket.
  const auto spare = static_cast<rlim_t>(64);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < static_cast<rlim_t>(wanted) + spare) {
    const int fits = limit.rlim_cur > spare ? static_cast<int>(limit.rlim_cur - spare) : 16;
    log_warn(kLog, "only {} open files allowed: serving at most {} connections instead of {}", limit.rlim_cur, fits,
             wanted);
    return fits;
  }
  return wanted;
}

}  // namespace

HttpFront::HttpFront(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpFront::~HttpFront() {
  stop();
  if (impl_->daemon) MHD_stop_daemon(impl_->daemon);
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
}

Result<std::unique_ptr<HttpFront>> HttpFront::create(FrontOptions options, FrontHandler& handler) {
  if (options.threads < 1) return fail(Errc::invalid_input, "threads: at least 1");
  if (options.tls_cert_pem.empty() != options.tls_key_pem.empty())
    return fail(Errc::invalid_input, "HTTPS needs both a certificate and its private key");
  if (options.max_connections < 1) return fail(Errc::invalid_input, "max_connections: at least 1");
  if (options.max_head_bytes < 1024) return fail(Errc::invalid_input, "max_head_bytes: at least 1024");
  options.body_memory_limit = std::max(options.body_memory_limit, options.body_limit);
  auto impl = std::make_unique<Impl>(std::move(options), handler);
  // libmicrohttpd keeps a connection's head, its header list and the answer's head in one
  // memory pool: room for the largest head we accept and the rest.
  impl->pool_bytes = 2 * impl->options.max_head_bytes + 16 * 1024;
  // Complete requests waiting for a worker: a burst of a few hundred kiosks (each with a
  // quick request) is normal; beyond, the queue only makes every answer late: 503 at once.
  impl->queue_limit = std::max<std::size_t>(256, static_cast<std::size_t>(impl->options.threads) * 64);
  return std::unique_ptr<HttpFront>(new HttpFront(std::move(impl)));
}

Result<int> HttpFront::bind() {
  auto& o = impl_->options;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const auto service = std::to_string(o.listen.port);
  if (getaddrinfo(o.listen.host.c_str(), service.c_str(), &hints, &found) != 0 || !found)
    return fail(Errc::io, fmt::format("cannot listen on {} (not an address of this machine)", to_string(o.listen)));
  int fd = -1;
  for (addrinfo* at = found; at; at = at->ai_next) {
    fd = ::socket(at->ai_family, at->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, at->ai_protocol);
    if (fd < 0) continue;
    // Not SO_REUSEPORT: a second server on a taken port must fail, not share its requests.
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, at->ai_addr, at->ai_addrlen) == 0 && ::listen(fd, 511) == 0) break;
    ::close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd < 0)
    return fail(Errc::io, fmt::format("cannot listen on {} (in use, or not an address of this machine)", to_string(o.listen)));
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  impl_->port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                  : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  impl_->listen_fd = fd;
  return impl_->port;
}

Result<void> HttpFront::run() {
  Impl& impl = *impl_;
  if (impl.listen_fd < 0) return fail(Errc::invalid_input, "bind() first");
  const auto& o = impl.options;
  impl.workers = std::make_unique<WorkerPool>(o.threads, [&impl](Job& job) { impl.work(job); });

  std::vector<MHD_OptionItem> items{
      {MHD_OPTION_LISTEN_SOCKET, impl.listen_fd, nullptr},
      {MHD_OPTION_CONNECTION_LIMIT, usable_connections(o.max_connections), nullptr},
      // Idle time while an answer is being sent; heads and bodies have their own deadlines.
      {MHD_OPTION_CONNECTION_TIMEOUT, 30, nullptr},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(impl.pool_bytes), nullptr},
      {MHD_OPTION_NOTIFY_CONNECTION, callback(&on_connection), &impl},
      {MHD_OPTION_URI_LOG_CALLBACK, callback(&on_request_line), &impl},
      {MHD_OPTION_NOTIFY_COMPLETED, callback(&on_completed), &impl},
      {MHD_OPTION_EXTERNAL_LOGGER, callback(&on_log), &impl},
#if MHD_VERSION >= 0x00097701
      {MHD_OPTION_CLIENT_DISCIPLINE_LVL, 1, nullptr},
#else
      // 0.9.75's strict mode checks only Host and spaces in the target, both checked by
      // check_head and read_target too, which answer an /api/ path in JSON; its own answer
      // to a missing Host sends the status line twice.
      {MHD_OPTION_STRICT_FOR_CLIENT, 0, nullptr},
#endif
  };
  if (impl.tls()) {
    items.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(o.tls_key_pem.c_str())});
    items.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(o.tls_cert_pem.c_str())});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  if (impl.tls()) flags |= MHD_USE_TLS;
  impl.daemon = MHD_start_daemon(flags, 0, &on_accept, &impl, &on_access, &impl, MHD_OPTION_ARRAY, items.data(),
                                 MHD_OPTION_END);
  if (!impl.daemon) {
    impl.workers->stop();
    return fail(Errc::io, impl.tls() ? "cannot start serving HTTPS (is the key the certificate's, and unencrypted?)"
                                     : "cannot start serving HTTP");
  }
  impl.timer = std::thread([&impl] { impl.run_timer(); });

  {
    std::unique_lock lock(impl.run_mutex);
    impl.run_wake.wait(lock, [&impl] { return impl.stop_requested; });
  }
  impl.drain();
  {
    std::lock_guard lock(impl.timer_mutex);
    impl.timer_stop = true;
  }
  impl.timer_wake.notify_all();
  impl.timer.join();
  MHD_stop_daemon(impl.daemon);
  impl.daemon = nullptr;
  impl.workers->stop();
  return {};
}

void HttpFront::stop() {
  impl_->stopping = true;
  {
    std::lock_guard lock(impl_->run_mutex);
    impl_->stop_requested = true;
  }
  impl_->run_wake.notify_all();
}

void HttpFront::notify(std::string_view topic) {
  if (!impl_->workers) return;
  for (auto& exchange : impl_->parking.notify(std::string(topic))) impl_->wake(exchange, Wake::notified);
}

HttpFront::Stats HttpFront::stats() const {
  Stats stats;
  {
    std::lock_guard lock(impl_->registry_mutex);
    stats.connections = static_cast<int>(impl_->connections.size());
  }
  stats.parked = static_cast<int>(impl_->parking.size());
  stats.queued = impl_->workers ? static_cast<int>(impl_->workers->queued()) : 0;
  return stats;
}

bool HttpFront::tls() const { return impl_->tls(); }
int HttpFront::port() const { return impl_->port; }

}  // namespace checkin::server
