// SPDX-License-Identifier: AGPL-3.0-or-later
// The API's routes on the HTTP front: authentication, the sync routes, /healthz, /metrics,
// and the answers in the protocol's JSON for everything under /api/ (refusals included).
#include <fmt/format.h>
#include <sodium.h>

#include <charconv>
#include <chrono>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include "checkin/core/log.hpp"
#include "checkin/server/http.hpp"
#include "checkin/sync/api.hpp"
#include "checkin/sync/enrolment.hpp"
#include "checkin/sync/feedback.hpp"
#include "checkin/sync/site_feed.hpp"
#include "tls_files.hpp"

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

// The protocol's code for a status the front or a route answers.
std::string code_for(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 411: return "length_required";
    case 413: return "too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 429: return "overloaded";
    case 431: return "headers_too_large";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : "bad_request";
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

// Device ids are the server's own (UUIDs): anything else cannot name a device, and is
// answered like an unknown one without asking the database (which may refuse the bytes).
bool plausible_device_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::ranges::all_of(id, [](char c) { return c > ' ' && c < 0x7f; });
}

// /metrics is served only to this machine unless a token is configured: a request relayed
// by a proxy on this machine carries the proxy's forwarding headers.
bool came_through_a_proxy(const Request& request) {
  return request.has_header("X-Forwarded-For") || request.has_header("Forwarded") || request.has_header("X-Real-IP");
}

// The long-poll topics of the site feed: a site's own, and every site's (news from another
// server process whose site is unknown).
std::string site_topic(const Id& site_id) { return "site:" + site_id; }
constexpr std::string_view kEverySiteTopic = "site:*";

struct Route {
  std::string method;
  std::size_t pattern;  // index into kRoutePatterns
  std::regex path;
  bool device;          // under /api/v1/devices/{id}: Bearer token required
};

}  // namespace

struct ApiServer::Impl final : FrontHandler {
  ServerStore& store;
  const Clock& clock;
  ApiOptions options;
  std::unique_ptr<HttpFront> front;
  std::string pin;
  Metrics metrics;
  UploadGate uploads;
  std::vector<Route> routes;
  WebRoutes* web = nullptr;
  int port = -1;

  Impl(ServerStore& s, const Clock& c, ApiOptions o)
      : store(s), clock(c), options(std::move(o)), uploads(options.max_concurrent_uploads) {}

  WallTime now() const { return clock.now().wall; }

  // ---- FrontHandler

  void handle(const Request& req, Response& res) override { route(req, res); }

  bool urgent(const Request& req) const override { return req.path == sync::api::kHealth; }

  void refused(const Request& req, Response& res, std::string_view reason) override {
    if (is_web_path(req.path)) return web_refusal(res);
    answer_error(res, Failure{res.status, code_for(res.status), std::string(reason)});
  }

  void answered(const Request& req, const Response& res) override {
    const auto route = pattern_of(req.path);
    metrics.count_request(route, res.status);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - req.arrived).count();
    // Never the raw path (it holds ids and the query), the headers or the body.
    log_info(kLog, "{} {} {} {:.1f}ms", req.method.size() <= 16 ? req.method : std::string("(long)"),
             kRoutePatterns[route], res.status, ms);
  }

  // ---- answers

  void answer_error(Response& res, const Failure& f) const {
    res.status = f.status;
    if (f.retry_after || f.status == 429 || f.status == 503)
      res.set_header("Retry-After", std::to_string(options.retry_after_seconds));
    res.set_content(sync::to_json(sync::ProtocolError{f.code, f.message}), std::string(sync::api::kJson));
    res.compress_if_accepted = true;
  }

  void answer_error(Response& res, const Error& error, std::string_view what) const {
    auto f = failure_for(error);
    if (f.status >= 500) log_error(kLog, "{}: {} ({})", what, error.message, checkin::to_string(error.code));
    answer_error(res, f);
  }

  // A person in a browser: a short page rather than the kiosks' JSON.
  static void web_refusal(Response& res) {
    std::string say = res.status == 413 ? "That file or form is too big for this server. Please try a smaller one."
                      : res.status == 503
                          ? "The server is busy just now. Please wait a moment and try again."
                          : "The browser sent something this server cannot read. Please go back and try again.";
    res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    res.set_content(fmt::format("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not possible</title>"
                                "</head><body><h1>Not possible</h1><p>{}</p><p><a href=\"/\">Back to the dashboard</a></p>"
                                "</body></html>",
                                say),
                    "text/html; charset=utf-8");
  }

  void reply(Response& res, std::string json) const {
    res.status = 200;
    res.set_content(std::move(json), std::string(sync::api::kJson));
    res.compress_if_accepted = true;
  }

  // The pattern a path falls under, whatever the method: for logs and metrics.
  std::size_t pattern_of(const std::string& path) const {
    for (const auto& route : routes)
      if (std::regex_match(path, route.path)) return route.pattern;
    return is_web_path(path) ? kDashboardRoute : kUnmatchedRoute;
  }

  bool is_web_path(const std::string& path) const {
    return web && !path.starts_with("/api/") && path != sync::api::kHealth && path != sync::api::kMetrics;
  }

  // ---- routes

  void route(const Request& req, Response& res) {
    const Route* found = nullptr;
    std::string allowed;
    std::smatch match;
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
        return answer_error(res, Failure{405, "method_not_allowed",
                                         fmt::format("{} is not allowed here; use {}",
                                                     req.method.size() <= 16 ? req.method : "this method", allowed)});
      }
      return answer_error(res, Failure{404, "not_found", "no such route"});
    }

    std::optional<Device> device;
    if (found->device) {
      std::string id = match[1];
      auto authorization = req.header("Authorization");
      constexpr std::string_view bearer = "Bearer ";
      if (!authorization.starts_with(bearer) || authorization.size() == bearer.size())
        return answer_error(res, Failure{401, "unauthorized", "an Authorization: Bearer <device token> header is required"});
      if (!plausible_device_id(id))
        return answer_error(res, Failure{401, "unauthorized", "unknown device or wrong token"});
      auto authenticated = store.authenticate(id, std::string_view(authorization).substr(bearer.size()), now());
      if (!authenticated) {
        if (authenticated.error().code == Errc::unauthorized)
          log_info(kLog, "device {}: authentication refused", id);
        return answer_error(res, authenticated.error(), "authenticate");
      }
      device = std::move(*authenticated);
      std::optional<WallTime> device_time;
      WallTime parsed;
      if (parse_utc(req.header(sync::api::kDeviceTimeHeader), parsed)) device_time = parsed;
      // A failed note is not worth failing the kiosk's sync for; the next request notes it.
      if (auto noted = store.note_contact(device->id, now(), device_time); !noted)
        log_warn(kLog, "device {}: contact not recorded: {}", device->id, noted.error().message);
    }
    if (req.method == "POST") {
      bool has_type = req.has_header("Content-Type");
      if ((has_type || !req.body.empty()) && !is_json(req.header("Content-Type")))
        return answer_error(res, Failure{415, "unsupported_media_type", "the body must be application/json"});
    }

    switch (found->pattern) {
      case 0: return enrol(req, res);
      case 1: return events(req, res, *device);
      case 2: return feedback(req, res, *device);
      case 3: return changes(req, res, *device);
      case 4: return roll(res, *device);
      case 5: return health(res);
      case 6: return render_metrics(req, res);
      case 7: return site_feed(req, res, *device);
      case 8: return rename(req, res, *device);
      default: return answer_error(res, Failure{404, "not_found", "no such route"});
    }
  }

  void enrol(const Request& req, Response& res) {
    auto request = sync::parse_enrol_request(req.body);
    if (!request) return answer_error(res, request.error(), "enrol");
    auto enrolled = store.enrol(*request, now());
    if (!enrolled) return answer_error(res, enrolled.error(), "enrol");
    log_info(kLog, "device {} enrolled at site {}", enrolled->device_id, enrolled->site.id);
    reply(res, sync::to_json(*enrolled));
  }

  void events(const Request& req, Response& res, const Device& device) {
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

  void feedback(const Request& req, Response& res, const Device& device) {
    auto slot = uploads.try_enter();
    if (!slot) return answer_error(res, Failure{429, "overloaded", "too many uploads at once; retry later", true});
    auto batch = sync::parse_feedback_batch(req.body);
    if (!batch) return answer_error(res, batch.error(), "feedback");
    auto stored = store.ingest_feedback(device, batch->items, now());
    if (!stored) return answer_error(res, stored.error(), "feedback");
    reply(res, sync::to_json(*stored));
  }

  void changes(const Request& req, Response& res, const Device& device) {
    auto page = store.changes(device, req.query.get("cursor"), now());
    if (!page) return answer_error(res, page.error(), "changes");
    reply(res, sync::to_json(*page));
  }

  // A long poll: with nothing new and wait > 0, the request parks until the site's topic is
  // notified (site_changed) or the wait is over, holding no worker meanwhile.
  void site_feed(const Request& req, Response& res, const Device& device) {
    int wait_seconds = 0;
    if (req.query.has("wait")) {
      const std::string text = req.query.get("wait");
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), wait_seconds);
      if (error != std::errc{} || end != text.data() + text.size() || wait_seconds < 0)
        return answer_error(res, Failure{400, "bad_request", "wait: expected whole seconds from 0"});
      wait_seconds = std::min(wait_seconds, sync::kMaxFeedWaitSeconds);
    }
    const auto deadline = req.arrived + std::chrono::seconds{wait_seconds};
    look_at_site_feed(res, device, req.query.get("cursor"), deadline, std::nullopt, std::nullopt);
  }

  // Answers with what is new (events, or a change to what kiosks download since the first
  // look), or parks again while there is nothing and time is left.
  void look_at_site_feed(Response& res, const Device& device, const std::string& cursor,
                         std::chrono::steady_clock::time_point deadline, std::optional<Wake> woken,
                         std::optional<std::int64_t> changes_before) {
    auto page = store.site_feed(device, cursor, now());
    if (!page) return answer_error(res, page.error(), "site feed");
    const bool last_look = woken == Wake::deadline || woken == Wake::stopping;
    const bool changed = changes_before && page->changes != *changes_before;
    if (!page->events.empty() || changed || last_look || std::chrono::steady_clock::now() >= deadline)
      return reply(res, sync::to_json(*page));
    res.park({site_topic(device.site_id), std::string(kEverySiteTopic)}, deadline,
             [this, device, cursor, deadline, changes = page->changes](const Request&, Response& again, Wake why) {
               look_at_site_feed(again, device, cursor, deadline, why, changes);
             });
  }

  void rename(const Request& req, Response& res, const Device& device) {
    auto name = sync::parse_device_name(req.body);
    if (!name) return answer_error(res, name.error(), "rename");
    if (auto ok = store.rename_device(device.id, name->name); !ok) return answer_error(res, ok.error(), "rename");
    log_info(kLog, "device {}: renamed on its admin screen", device.id);
    reply(res, sync::to_json(*name));
  }

  void roll(Response& res, const Device& device) {
    auto token = store.roll_device_token(device.id, now());
    if (!token) return answer_error(res, token.error(), "token roll");
    log_info(kLog, "device {}: token rolled", device.id);
    reply(res, sync::to_json(sync::TokenRoll{std::move(*token)}));
  }

  void health(Response& res) {
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

  bool may_read_metrics(const Request& req, Response& res) const {
    if (!options.metrics_token.empty()) {
      auto authorization = req.header("Authorization");
      constexpr std::string_view bearer = "Bearer ";
      std::string_view given = authorization.starts_with(bearer) ? std::string_view(authorization).substr(bearer.size())
                                                                 : std::string_view{};
      if (given.size() == options.metrics_token.size() &&
          sodium_memcmp(given.data(), options.metrics_token.data(), given.size()) == 0)
        return true;
      res.set_header("WWW-Authenticate", "Bearer");
      answer_error(res, Failure{401, "unauthorized", "an Authorization: Bearer <server.metrics_token> header is required"});
      return false;
    }
    if (is_loopback(req.client_address) && !came_through_a_proxy(req)) return true;
    answer_error(res, Failure{403, "forbidden",
                              "/metrics answers only this machine; set server.metrics_token to read it from elsewhere"});
    return false;
  }

  void render_metrics(const Request& req, Response& res) {
    if (!may_read_metrics(req, res)) return;
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
    const auto stats = front->stats();
    res.set_content(metrics.render(lags, revoked, FrontLoad{stats.connections, stats.parked, stats.queued}),
                    "text/plain; version=0.0.4; charset=utf-8");
  }
};

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ApiServer::~ApiServer() = default;

Result<std::unique_ptr<ApiServer>> ApiServer::create(ServerStore& store, const Clock& clock, ApiOptions options) {
  if (options.threads < 1) return fail(Errc::invalid_input, "threads: at least 1");
  if (options.max_concurrent_uploads < 1) return fail(Errc::invalid_input, "max_concurrent_uploads: at least 1");
  if (options.tls_cert.empty() != options.tls_key.empty())
    return fail(Errc::invalid_input, "HTTPS needs both a certificate and its private key");
  if (sodium_init() < 0) return fail(Errc::unavailable, "libsodium cannot start");
  auto impl = std::make_unique<Impl>(store, clock, std::move(options));
  auto& o = impl->options;
  FrontOptions front;
  front.listen = o.listen;
  front.threads = o.threads;
  front.body_limit = o.body_limit;
  front.body_memory_limit = std::max<std::size_t>(16 * o.body_limit, 64 * 1024 * 1024);
  front.max_connections = o.max_connections;
  front.max_connections_per_address = o.max_connections_per_address;
  front.trusted_proxies = o.trusted_proxies;
  front.head_timeout = std::chrono::seconds{o.header_timeout_seconds};
  front.body_timeout = std::chrono::seconds{o.body_timeout_seconds};
  front.max_head_bytes = o.max_header_bytes;
  front.retry_after_seconds = o.retry_after_seconds;
  if (!o.tls_cert.empty()) {
    auto pin = certificate_public_key_sha256(o.tls_cert);
    if (!pin) return std::unexpected(pin.error());
    impl->pin = *pin;
    auto pem = read_certificate_and_key(o.tls_cert, o.tls_key);
    if (!pem) return std::unexpected(pem.error());
    front.tls_cert_pem = std::move(pem->certificate);
    front.tls_key_pem = std::move(pem->key);
  } else if (!is_loopback(o.listen.host) && !o.allow_plain_http) {
    return fail(Errc::invalid_input,
                fmt::format("plain HTTP on {} would send device tokens in the clear: configure a TLS certificate and key, "
                            "or allow plain HTTP behind a TLS-terminating reverse proxy",
                            o.listen.host));
  }
  auto created = HttpFront::create(std::move(front), *impl);
  if (!created) return std::unexpected(created.error());
  impl->front = std::move(*created);

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
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

Result<int> ApiServer::bind() {
  auto port = impl_->front->bind();
  if (!port) return std::unexpected(port.error());
  impl_->port = *port;
  const auto& o = impl_->options;
  if (!tls() && !is_loopback(o.listen.host))
    log_warn(kLog, "plain HTTP on {}: only behind a TLS-terminating reverse proxy", o.listen.host);
  if (tls()) log_info(kLog, "certificate public key sha256 {}", impl_->pin);
  // Said once the socket is bound (connections queue from here), before anyone learns the port.
  log_info(kLog, "listening on {}", url());
  return *port;
}

Result<void> ApiServer::run() {
  if (impl_->port < 0) return fail(Errc::invalid_input, "bind() first");
  return impl_->front->run();
}

void ApiServer::mount(WebRoutes& web) { impl_->web = &web; }
void ApiServer::stop() { impl_->front->stop(); }
void ApiServer::notify(std::string_view topic) { impl_->front->notify(topic); }
void ApiServer::site_changed(const Id& site_id) {
  impl_->front->notify(site_id.empty() ? std::string(kEverySiteTopic) : site_topic(site_id));
}
bool ApiServer::tls() const { return !impl_->pin.empty(); }
std::string ApiServer::url() const {
  return fmt::format("{}://{}", tls() ? "https" : "http", to_string(ListenAddress{impl_->options.listen.host, impl_->port}));
}
Metrics& ApiServer::metrics() { return impl_->metrics; }

}  // namespace checkin::server
