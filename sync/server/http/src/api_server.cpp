// SPDX-License-Identifier: AGPL-3.0-or-later
#include <httplib.h>

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <functional>
#include <optional>
#include <regex>

#include "checkin/core/log.hpp"
#include "checkin/server/http.hpp"
#include "checkin/sync/api.hpp"
#include "checkin/sync/enrolment.hpp"
#include "checkin/sync/feedback.hpp"
#include "checkin/sync/site_feed.hpp"

namespace checkin::server {

namespace {

constexpr std::string_view kLog = "http";

// The status and the protocol's error code for each kind of failure.
struct Failure {
  int status;
  std::string code;
  std::string message;
  bool retry_after = false;
};

Failure failure_for(const Error& error) {
  switch (error.code) {
    case Errc::invalid_input: return {400, "bad_request", error.message};
    case Errc::unauthorized: return {401, "unauthorized", error.message};
    case Errc::forbidden: return {403, "forbidden", error.message};
    case Errc::not_found: return {404, "not_found", error.message};
    case Errc::conflict: return {409, "conflict", error.message};
    case Errc::limit_exceeded: return {413, "too_large", error.message};
    case Errc::unavailable: return {503, "unavailable", "the database is unavailable; try again later", true};
    default: return {500, "internal", "internal server error"};  // details go to the log only
  }
}

bool is_json(const std::string& content_type) {
  auto semicolon = content_type.find(';');
  std::string_view media(content_type.data(), semicolon == std::string::npos ? content_type.size() : semicolon);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return media.size() == sync::api::kJson.size() &&
         std::equal(media.begin(), media.end(), sync::api::kJson.begin(),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// Per request, on the worker thread that handles it: when it began and the route it matched.
thread_local std::optional<std::chrono::steady_clock::time_point> t_request_start;

struct Route {
  std::string method;
  std::size_t pattern;  // index into kRoutePatterns
  std::regex path;
  bool device;          // under /api/v1/devices/{id}: Bearer token required
};

}  // namespace

struct ApiServer::Impl {
  ServerStore& store;
  const Clock& clock;
  ApiOptions options;
  std::unique_ptr<httplib::Server> http;
  std::string pin;
  Metrics metrics;
  UploadGate uploads;
  SiteBell bell;
  std::vector<Route> routes;
  WebRoutes* web = nullptr;
  int port = -1;

  Impl(ServerStore& s, const Clock& c, ApiOptions o)
      : store(s), clock(c), options(std::move(o)), uploads(options.max_concurrent_uploads) {}

  WallTime now() const { return clock.now().wall; }

  void answer_error(httplib::Response& res, const Failure& f) const {
    res.status = f.status;
    if (f.retry_after || f.status == 429 || f.status == 503)
      res.set_header("Retry-After", std::to_string(options.retry_after_seconds));
    res.set_content(sync::to_json(sync::ProtocolError{f.code, f.message}), std::string(sync::api::kJson));
  }

  void answer_error(httplib::Response& res, const Error& error, std::string_view what) const {
    auto f = failure_for(error);
    if (f.status >= 500) log_error(kLog, "{}: {} ({})", what, error.message, checkin::to_string(error.code));
    answer_error(res, f);
  }

  // The pattern a path falls under, whatever the method: for logs and metrics.
  std::size_t pattern_of(const std::string& path) const {
    for (const auto& route : routes)
      if (std::regex_match(path, route.path)) return route.pattern;
    return is_web_path(path) ? kDashboardRoute : kUnmatchedRoute;
  }

  bool is_web_path(const std::string& path) const { return web && !path.starts_with("/api/"); }

  // Counted before httplib writes the answer, so a client that reads /metrics next sees
  // its own request (the logger runs only after the write).
  void dispatch(const httplib::Request& req, httplib::Response& res) {
    route(req, res);
    metrics.count_request(pattern_of(req.path), res.status);
  }

  void route(const httplib::Request& req, httplib::Response& res) {
    const Route* found = nullptr;
    std::string allowed;
    std::smatch match;  // httplib's own req.matches are of the catch-all pattern
    for (const auto& route : routes) {
      if (!std::regex_match(req.path, match, route.path)) continue;
      bool same = route.method == req.method || (req.method == "HEAD" && route.method == "GET");
      if (same) {
        found = &route;
        break;
      }
      allowed += allowed.empty() ? route.method : ", " + route.method;
    }
    if (!found && allowed.empty() && is_web_path(req.path)) return web->handle(req, res);
    if (!found) {
      if (!allowed.empty()) {
        res.set_header("Allow", allowed);
        return answer_error(res, Failure{405, "method_not_allowed", fmt::format("{} is not allowed here; use {}", req.method, allowed)});
      }
      return answer_error(res, Failure{404, "not_found", "no such route"});
    }
    // httplib enforces the same limit while reading; this covers any other way a body came.
    if (req.body.size() > options.body_limit)
      return answer_error(res, Failure{413, "too_large", fmt::format("the body is over {} bytes", options.body_limit)});

    std::optional<Device> device;
    if (found->device) {
      std::string id = match[1];
      auto authorization = req.get_header_value("Authorization");
      constexpr std::string_view bearer = "Bearer ";
      if (!authorization.starts_with(bearer) || authorization.size() == bearer.size())
        return answer_error(res, Failure{401, "unauthorized", "an Authorization: Bearer <device token> header is required"});
      auto authenticated = store.authenticate(id, std::string_view(authorization).substr(bearer.size()));
      if (!authenticated) {
        if (authenticated.error().code == Errc::unauthorized)
          log_info(kLog, "device {}: authentication refused", id);
        return answer_error(res, authenticated.error(), "authenticate");
      }
      device = std::move(*authenticated);
      std::optional<WallTime> device_time;
      WallTime parsed;
      if (parse_utc(req.get_header_value(std::string(sync::api::kDeviceTimeHeader).c_str()), parsed)) device_time = parsed;
      // A failed note is not worth failing the kiosk's sync for; the next request notes it.
      if (auto noted = store.note_contact(device->id, now(), device_time); !noted)
        log_warn(kLog, "device {}: contact not recorded: {}", device->id, noted.error().message);
    }
    if (req.method == "POST") {
      bool has_type = req.has_header("Content-Type");
      if ((has_type || !req.body.empty()) && !is_json(req.get_header_value("Content-Type")))
        return answer_error(res, Failure{415, "unsupported_media_type", "the body must be application/json"});
    }

    switch (found->pattern) {
      case 0: return enrol(req, res);
      case 1: return events(req, res, *device);
      case 2: return feedback(req, res, *device);
      case 3: return changes(req, res, *device);
      case 4: return roll(res, *device);
      case 5: return health(res);
      case 6: return render_metrics(res);
      case 7: return site_feed(req, res, *device);
      case 8: return rename(req, res, *device);
      default: return answer_error(res, Failure{404, "not_found", "no such route"});
    }
  }

  void reply(httplib::Response& res, std::string json) const {
    res.status = 200;
    res.set_content(std::move(json), std::string(sync::api::kJson));
  }

  void enrol(const httplib::Request& req, httplib::Response& res) {
    auto request = sync::parse_enrol_request(req.body);
    if (!request) return answer_error(res, request.error(), "enrol");
    auto enrolled = store.enrol(*request, now());
    if (!enrolled) return answer_error(res, enrolled.error(), "enrol");
    log_info(kLog, "device {} enrolled at site {}", enrolled->device_id, enrolled->site.id);
    reply(res, sync::to_json(*enrolled));
  }

  void events(const httplib::Request& req, httplib::Response& res, const Device& device) {
    // Each upload holds a write transaction; SQLite runs one writer at a time and the pool
    // has few connections. Queueing more would make every kiosk's upload time out, so the
    // surplus is told to come back (kiosks back off with jitter and honour Retry-After).
    auto slot = uploads.try_enter();
    if (!slot) return answer_error(res, Failure{429, "overloaded", "too many uploads at once; retry later", true});
    auto batch = sync::parse_event_batch(req.body);
    if (!batch) return answer_error(res, batch.error(), "events");
    if (batch->device_id != device.id)
      return answer_error(res, Failure{400, "bad_request", "device_id: does not match the device in the path"});
    auto results = store.ingest(device, batch->events, now());
    if (!results) return answer_error(res, results.error(), "ingest");
    for (const auto& result : *results) metrics.count_event(result.status);
    reply(res, sync::to_json(sync::BatchResult{std::move(*results), now()}));
  }

  void feedback(const httplib::Request& req, httplib::Response& res, const Device& device) {
    auto slot = uploads.try_enter();
    if (!slot) return answer_error(res, Failure{429, "overloaded", "too many uploads at once; retry later", true});
    auto batch = sync::parse_feedback_batch(req.body);
    if (!batch) return answer_error(res, batch.error(), "feedback");
    auto stored = store.ingest_feedback(device, batch->items, now());
    if (!stored) return answer_error(res, stored.error(), "feedback");
    reply(res, sync::to_json(*stored));
  }

  void changes(const httplib::Request& req, httplib::Response& res, const Device& device) {
    auto page = store.changes(device, req.get_param_value("cursor"), now());
    if (!page) return answer_error(res, page.error(), "changes");
    reply(res, sync::to_json(*page));
  }

  // A long poll: with nothing new and wait > 0, the answer waits for the site's bell.
  void site_feed(const httplib::Request& req, httplib::Response& res, const Device& device) {
    int wait_seconds = 0;
    if (req.has_param("wait")) {
      const std::string text = req.get_param_value("wait");
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), wait_seconds);
      if (error != std::errc{} || end != text.data() + text.size() || wait_seconds < 0)
        return answer_error(res, Failure{400, "bad_request", "wait: expected whole seconds from 0"});
      wait_seconds = std::min(wait_seconds, sync::kMaxFeedWaitSeconds);
    }
    const std::string cursor = req.get_param_value("cursor");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{wait_seconds};
    for (;;) {
      const std::uint64_t seen = bell.version(device.site_id);
      auto page = store.site_feed(device, cursor, now());
      if (!page) return answer_error(res, page.error(), "site feed");
      if (!page->events.empty() || wait_seconds == 0 || !bell.wait(device.site_id, seen, deadline))
        return reply(res, sync::to_json(*page));
    }
  }

  void rename(const httplib::Request& req, httplib::Response& res, const Device& device) {
    auto name = sync::parse_device_name(req.body);
    if (!name) return answer_error(res, name.error(), "rename");
    if (auto ok = store.rename_device(device.id, name->name); !ok) return answer_error(res, ok.error(), "rename");
    log_info(kLog, "device {}: renamed on its admin screen", device.id);
    reply(res, sync::to_json(*name));
  }

  void roll(httplib::Response& res, const Device& device) {
    auto token = store.roll_device_token(device.id, now());
    if (!token) return answer_error(res, token.error(), "token roll");
    log_info(kLog, "device {}: token rolled", device.id);
    reply(res, sync::to_json(sync::TokenRoll{std::move(*token)}));
  }

  void health(httplib::Response& res) {
    // Any small read proves the database answers.
    auto sites = store.sites();
    if (!sites) {
      log_warn(kLog, "health check: {}", sites.error().message);
      res.status = 503;
      res.set_header("Retry-After", std::to_string(options.retry_after_seconds));
      res.set_content("database unavailable\n", "text/plain");
      return;
    }
    res.status = 200;
    res.set_content("ok\n", "text/plain");
  }

  void render_metrics(httplib::Response& res) {
    auto devices = store.devices();
    if (!devices) return answer_error(res, devices.error(), "metrics");
    std::vector<DeviceLag> lags;
    std::size_t revoked = 0;
    auto at = now();
    for (const auto& device : *devices) {
      if (device.revoked_at) {
        ++revoked;
        continue;
      }
      WallTime last = device.enrolled_at;
      if (device.last_seen && *device.last_seen > last) last = *device.last_seen;
      if (device.last_upload && *device.last_upload > last) last = *device.last_upload;
      lags.push_back({device.id, std::chrono::duration<double>(at - last).count()});
    }
    res.status = 200;
    res.set_content(metrics.render(lags, revoked), "text/plain; version=0.0.4; charset=utf-8");
  }

  void log_request(const httplib::Request& req, const httplib::Response& res) {
    auto route = pattern_of(req.path);
    double ms = 0;
    if (t_request_start) ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - *t_request_start).count();
    t_request_start.reset();
    // Never the raw path (it holds ids and the query), the headers or the body.
    log_info(kLog, "{} {} {} {:.1f}ms", req.method, kRoutePatterns[route], res.status, ms);
  }
};

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiServer::~ApiServer() = default;

Result<std::unique_ptr<ApiServer>> ApiServer::create(ServerStore& store, const Clock& clock, ApiOptions options) {
  if (options.threads < 1) return fail(Errc::invalid_input, "threads: at least 1");
  if (options.max_concurrent_uploads < 1) return fail(Errc::invalid_input, "max_concurrent_uploads: at least 1");
  if (options.tls_cert.empty() != options.tls_key.empty())
    return fail(Errc::invalid_input, "HTTPS needs both a certificate and its private key");
  auto impl = std::make_unique<Impl>(store, clock, std::move(options));
  auto& o = impl->options;
  if (!o.tls_cert.empty()) {
    auto pin = certificate_public_key_sha256(o.tls_cert);
    if (!pin) return std::unexpected(pin.error());
    impl->pin = *pin;
    auto https = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!https->is_valid())
      return fail(Errc::invalid_input, fmt::format("cannot use the certificate {} with the key {} (unreadable, or they do not match)",
                                                   o.tls_cert.string(), o.tls_key.string()));
    impl->http = std::move(https);
  } else {
    if (!is_loopback(o.listen.host) && !o.allow_plain_http)
      return fail(Errc::invalid_input,
                  fmt::format("plain HTTP on {} would send device tokens in the clear: configure a TLS certificate and key, "
                              "or allow plain HTTP behind a TLS-terminating reverse proxy",
                              o.listen.host));
    impl->http = std::make_unique<httplib::Server>();
  }
  // httplib's default adds SO_REUSEPORT: a second server on a taken port would then bind
  // and share its requests with the first. A taken port must be an error instead.
  impl->http->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  const std::string device = R"(/api/v1/devices/([^/]+))";
  impl->routes = {
      {"POST", 0, std::regex(R"(/api/v1/enrol)"), false},
      {"POST", 1, std::regex(device + "/events:batch"), true},
      {"POST", 2, std::regex(device + "/feedback:batch"), true},
      {"GET", 3, std::regex(device + "/changes"), true},
      {"POST", 4, std::regex(device + "/token:roll"), true},
      {"GET", 5, std::regex("/healthz"), false},
      {"GET", 6, std::regex("/metrics"), false},
      {"GET", 7, std::regex(device + "/attendance"), true},
      {"POST", 8, std::regex(device + "/name"), true},
  };

  auto& http = *impl->http;
  Impl* self = impl.get();
  int threads = o.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  http.set_payload_max_length(o.body_limit);
  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_request_start = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // One handler per method: the route table decides 404 and 405, and counts by pattern.
  auto handler = [self](const httplib::Request& req, httplib::Response& res) { self->dispatch(req, res); };
  http.Get(".*", handler);
  http.Post(".*", handler);
  http.Put(".*", handler);
  http.Patch(".*", handler);
  http.Delete(".*", handler);
  http.Options(".*", handler);
  // httplib's own refusals (413 while reading the body, 400 for a broken request line) get
  // the protocol's error body too.
  http.set_error_handler(httplib::Server::HandlerWithResponse([self](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (self->is_web_path(req.path)) {
      // A person in a browser: a short page rather than the kiosks' JSON.
      std::string say = res.status == 413 ? "That file or form is too big for this server. Please try a smaller one."
                                          : "The browser sent something this server cannot read. Please go back and try again.";
      res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Cache-Control", "no-store");
      res.set_content(fmt::format("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not possible</title>"
                                  "</head><body><h1>Not possible</h1><p>{}</p><p><a href=\"/\">Back to the dashboard</a></p>"
                                  "</body></html>",
                                  say),
                      "text/html; charset=utf-8");
      self->metrics.count_request(self->pattern_of(req.path), res.status);
      return httplib::Server::HandlerResponse::Handled;
    }
    Failure f{res.status, "bad_request", "malformed HTTP request"};
    if (res.status == 413) f = {413, "too_large", fmt::format("the body is over {} bytes", self->options.body_limit)};
    else if (res.status == 404) f = {404, "not_found", "no such route"};
    else if (res.status >= 500) f = {res.status, "internal", "internal server error"};
    self->answer_error(res, f);
    // Refused before dispatch (which counts everything it answers).
    self->metrics.count_request(self->pattern_of(req.path), res.status);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler([self](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      log_error(kLog, "request failed: {}", e.what());
    } catch (...) {
      log_error(kLog, "request failed with an unknown exception");
    }
    self->answer_error(res, Failure{500, "internal", "internal server error"});
    self->metrics.count_request(self->pattern_of(req.path), res.status);
  });
  http.set_logger([self](const httplib::Request& req, const httplib::Response& res) { self->log_request(req, res); });
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

Result<int> ApiServer::bind() {
  auto& o = impl_->options;
  int port = o.listen.port == 0 ? impl_->http->bind_to_any_port(o.listen.host)
                                : (impl_->http->bind_to_port(o.listen.host, o.listen.port) ? o.listen.port : -1);
  if (port < 0) return fail(Errc::io, fmt::format("cannot listen on {} (in use, or not an address of this machine)", to_string(o.listen)));
  impl_->port = port;
  if (!tls() && !is_loopback(o.listen.host))
    log_warn(kLog, "plain HTTP on {}: only behind a TLS-terminating reverse proxy", o.listen.host);
  if (tls()) log_info(kLog, "certificate public key sha256 {}", impl_->pin);
  // Said once the socket is bound (connections queue from here), before anyone learns the port.
  log_info(kLog, "listening on {}", url());
  return port;
}

Result<void> ApiServer::run() {
  if (impl_->port < 0) return fail(Errc::invalid_input, "bind() first");
  if (!impl_->http->listen_after_bind()) return fail(Errc::io, "the server stopped listening unexpectedly");
  return {};
}

void ApiServer::mount(WebRoutes& web) { impl_->web = &web; }
void ApiServer::stop() {
  impl_->bell.stop();  // long polls answer now, so the workers can finish
  impl_->http->stop();
}
void ApiServer::site_changed(const Id& site_id) { impl_->bell.ring(site_id); }

std::uint64_t SiteBell::version(const Id& site_id) const {
  std::lock_guard lock(mutex_);
  auto found = versions_.find(site_id);
  return everyone_ + (found == versions_.end() ? 0 : found->second);
}

void SiteBell::ring(const Id& site_id) {
  {
    std::lock_guard lock(mutex_);
    if (site_id.empty()) ++everyone_;
    else ++versions_[site_id];
  }
  rung_.notify_all();
}

bool SiteBell::wait(const Id& site_id, std::uint64_t seen, std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mutex_);
  auto current = [&] {
    auto found = versions_.find(site_id);
    return everyone_ + (found == versions_.end() ? 0 : found->second);
  };
  rung_.wait_until(lock, deadline, [&] { return stopped_ || current() != seen; });
  return !stopped_ && current() != seen;
}

void SiteBell::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  rung_.notify_all();
}
bool ApiServer::tls() const { return !impl_->pin.empty(); }
std::string ApiServer::url() const {
  return fmt::format("{}://{}", tls() ? "https" : "http", to_string(ListenAddress{impl_->options.listen.host, impl_->port}));
}
Metrics& ApiServer::metrics() { return impl_->metrics; }

}  // namespace checkin::server
