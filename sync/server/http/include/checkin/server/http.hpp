// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The server's HTTP(S) API: the kiosks' sync routes (sync/protocol's api.hpp), /healthz and
// /metrics, over cpp-httplib. All data and sync logic live in ServerStore; this layer only
// authenticates, maps requests and results to the wire, counts and logs.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"
#include "checkin/server/metrics.hpp"
#include "checkin/server/store.hpp"
#include "checkin/sync/events.hpp"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace checkin::server {

// Pages served beside the API by the same server: the coordinators' dashboard.
class WebRoutes {
 public:
  virtual ~WebRoutes() = default;
  // Every request whose path is not under /api/ and is neither /healthz nor /metrics.
  virtual void handle(const httplib::Request& request, httplib::Response& response) = 0;
};

struct ListenAddress {
  std::string host = "127.0.0.1";  // "127.0.0.1", "0.0.0.0", "::1", "localhost"
  int port = 8080;                 // 0: any free port
};

// "127.0.0.1:8080", "[::1]:8443", "0.0.0.0:0".
Result<ListenAddress> parse_listen_address(std::string_view text);
std::string to_string(const ListenAddress& address);  // brackets an IPv6 host
// 127.0.0.0/8, ::1 and "localhost": only this machine can connect.
bool is_loopback(std::string_view host);

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

// Wakes the site feed's long polls (GET .../attendance?wait=N) when a site's attendance
// changed. ring("") rings every site (another process's news, site unknown).
class SiteBell {
 public:
  std::uint64_t version(const Id& site_id) const;
  void ring(const Id& site_id);
  // Waits until the site rang after `seen` (a version() read before looking), the
  // deadline, or stop(); true when it rang.
  bool wait(const Id& site_id, std::uint64_t seen, std::chrono::steady_clock::time_point deadline) const;
  void stop();

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable rung_;
  std::map<Id, std::uint64_t> versions_;
  std::uint64_t everyone_ = 0;  // rings of every site
  bool stopped_ = false;
};

class ApiServer {
 public:
  // Checks the options (TLS files load, plain HTTP only on loopback unless allowed) and
  // registers the routes; nothing listens yet.
  static Result<std::unique_ptr<ApiServer>> create(ServerStore& store, const Clock& clock, ApiOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Serves `web` for every path outside the API; before run(). Without it such paths are 404.
  void mount(WebRoutes& web);

  // Binds the listening socket; returns the port (the chosen one for port 0).
  Result<int> bind();
  // Serves until stop(); in-flight requests finish first.
  Result<void> run();
  // From any thread (a signal-waiting one).
  void stop();

  // From any thread: the site's attendance changed (the store's on_site_attendance).
  void site_changed(const Id& site_id);

  bool tls() const;
  // "http://127.0.0.1:8080" once bound.
  std::string url() const;
  Metrics& metrics();

 private:
  struct Impl;
  explicit ApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace checkin::server
