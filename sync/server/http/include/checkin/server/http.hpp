// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The server's HTTP(S) API: the kiosks' sync routes (sync/protocol's api.hpp), /healthz and
// /metrics, on the HTTP front (http_front.hpp, libmicrohttpd). All data and sync logic live
// in ServerStore; this layer only authenticates, maps requests and results to the wire,
// counts and logs. Routes work with the server's own Request and Response
// (http_message.hpp); the dashboard is mounted beside the API (WebRoutes).
//
// Long polling: how a route waits for news without holding a thread
// -----------------------------------------------------------------
// A route that has nothing new parks its request instead of answering. The site feed
// (GET /api/v1/devices/{id}/attendance?cursor=...&wait=N, site_feed in api_server.cpp):
//
//   auto page = store.site_feed(device, cursor, now());                  // look first...
//   if (!page->events.empty() || past the deadline) return reply(res, *page);
//   res.park({"site:" + device.site_id, "site:*"}, deadline,               // ...then park
//            [=](const Request&, Response& again, Wake why) {
//              // on a worker thread when a topic is notified, at the deadline, or when the
//              // server stops (why says which): look again; answer, or park again (never
//              // once why is Wake::deadline or Wake::stopping)
//            });
//
// and whoever changes what the topic's waiters read calls, from any thread, after commit:
//
//   api.notify("site:" + site_id);   // or api.site_changed(site_id), which does this;
//                                    // the store calls it after an ingest commits, and its
//                                    // PostgreSQL LISTEN thread for other processes' news
//
// A notify made after the route (or its resume) began running wakes the park at once, so
// nothing said between "look" and "park" is lost. While parked a request holds no worker
// thread and does not count against its address's connection limit (hundreds of kiosks
// each holding one is normal), only against server.max_connections; on stop() every
// parked request is resumed with Wake::stopping and must answer then. A deadline is
// capped at kLongestPark (120 s). Topics are plain strings chosen by routes; a notify of a
// topic nobody waits on costs a map lookup.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"
#include "checkin/server/http_front.hpp"
#include "checkin/server/http_message.hpp"
#include "checkin/server/metrics.hpp"
#include "checkin/server/store.hpp"
#include "checkin/sync/events.hpp"

namespace checkin::server {

// Pages served beside the API by the same server: the coordinators' dashboard.
class WebRoutes {
 public:
  virtual ~WebRoutes() = default;
  // Every request whose path is not under /api/ and is neither /healthz nor /metrics, on a
  // worker thread.
  virtual void handle(const Request& request, Response& response) = 0;
};

// SHA-256 of the certificate's SubjectPublicKeyInfo (DER), as 64 lower-case hex digits:
// what the enrolment QR pins. It outlives certificate renewals that keep the key, and is
// the hash libcurl's CURLOPT_PINNEDPUBLICKEY checks ("sha256//" + base64 of the same bytes).
Result<std::string> certificate_public_key_sha256(const std::filesystem::path& cert_pem);
// "sha256//<base64>" for libcurl, from the hex form above.
Result<std::string> curl_pin_from_hex(std::string_view sha256_hex);

// The server's wall clock. The kiosk's platform clock lives with SDL; the server needs none
// of that, only the system time, always taken as synced (servers run NTP).
class SystemClock final : public Clock {
 public:
  Instant now() const override;
};

struct ApiOptions {
  ListenAddress listen;
  std::filesystem::path tls_cert;  // both set: HTTPS; both empty: plain HTTP
  std::filesystem::path tls_key;
  // Plain HTTP on a non-loopback address, for a TLS-terminating reverse proxy elsewhere.
  bool allow_plain_http = false;
  std::size_t body_limit = sync::kMaxBodyBytes;
  int threads = 8;
  // Uploads (events and feedback) in flight at once; more are answered 429 + Retry-After.
  int max_concurrent_uploads = 4;
  int retry_after_seconds = 5;
  // The front's limits (http_front.hpp).
  int max_connections = 1024;
  int max_connections_per_address = 64;
  std::vector<std::string> trusted_proxies;
  int header_timeout_seconds = 10;
  int body_timeout_seconds = 60;
  std::size_t max_header_bytes = 32 * 1024;
  // GET /metrics: with a token, only for "Authorization: Bearer <token>"; without one,
  // only for clients on this machine that did not come through a proxy.
  std::string metrics_token;
};

// Counts an upload slot while held; see ApiOptions::max_concurrent_uploads.
class UploadGate {
 public:
  explicit UploadGate(int capacity) : capacity_(capacity) {}
  class Slot {
   public:
    explicit Slot(UploadGate* gate) : gate_(gate) {}
    Slot(Slot&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (gate_) gate_->in_use_.fetch_sub(1);
    }
    explicit operator bool() const { return gate_ != nullptr; }

   private:
    UploadGate* gate_;
  };
  // A held slot, or an empty one when all are taken (never waits).
  Slot try_enter();
  int in_use() const { return in_use_.load(); }

 private:
  int capacity_;
  std::atomic<int> in_use_{0};
};

class ApiServer {
 public:
  // Checks the options (TLS files load and match, plain HTTP only on loopback unless
  // allowed) and registers the routes; nothing listens yet.
  static Result<std::unique_ptr<ApiServer>> create(ServerStore& store, const Clock& clock, ApiOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Serves `web` for every path outside the API; before run(). Without it such paths are 404.
  void mount(WebRoutes& web);

  // Binds the listening socket; returns the port (the chosen one for port 0).
  Result<int> bind();
  // Serves until stop(); parked requests are answered and in-flight requests finish first.
  Result<void> run();
  // From any thread (a signal-waiting one).
  void stop();
  // Wakes the requests parked on `topic` (see the top of this file). From any thread.
  void notify(std::string_view topic);

  // From any thread: the site's attendance changed (the store's on_site_attendance):
  // wakes the site feed's long polls of that site, or of every site for "" (news from
  // another server process whose site is unknown).
  void site_changed(const Id& site_id);

  bool tls() const;
  // "http://127.0.0.1:8080" once bound.
  std::string url() const;
  Metrics& metrics();

  struct Impl;

 private:
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace checkin::server
