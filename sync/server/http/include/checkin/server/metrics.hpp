// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// In-process counters for GET /metrics, in Prometheus' text format (version 0.0.4).
// Counters are per process: behind a load balancer each copy reports its own, and
// Prometheus sums them.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/sync/events.hpp"

namespace checkin::server {

// The route patterns requests are counted and logged under (never a raw path: it holds ids).
inline constexpr std::array<std::string_view, 11> kRoutePatterns = {
    "/api/v1/enrol",
    "/api/v1/devices/{id}/events:batch",
    "/api/v1/devices/{id}/feedback:batch",
    "/api/v1/devices/{id}/changes",
    "/api/v1/devices/{id}/token:roll",
    "/healthz",
    "/metrics",
    "/api/v1/devices/{id}/attendance",
    "/api/v1/devices/{id}/name",
    "dashboard",
    "unmatched",
};
inline constexpr std::size_t kDashboardRoute = kRoutePatterns.size() - 2;  // every page outside /api/
inline constexpr std::size_t kUnmatchedRoute = kRoutePatterns.size() - 1;

// What the HTTP front holds at scrape time.
struct FrontLoad {
  int connections = 0;  // open
  int parked = 0;       // requests waiting by long polling
  int queued = 0;       // complete requests waiting for a worker
};

// What /metrics reports about one device, read from the store at scrape time.
struct DeviceLag {
  std::string device_id;
  double seconds = 0;  // now - last contact (or enrolment, before any)
};

class Metrics {
 public:
  void count_request(std::size_t route, int status);
  void count_event(sync::EventStatus status);

  std::uint64_t requests(std::size_t route, int status) const;
  std::uint64_t events(sync::EventStatus status) const;

  // The whole exposition; devices are the non-revoked ones; revoked_devices only counted.
  std::string render(std::span<const DeviceLag> devices, std::size_t revoked_devices, const FrontLoad& load = {}) const;

 private:
  // The statuses this server answers; any other is counted in `other_` under a lock.
  static constexpr std::array<int, 16> kStatuses = {200, 201, 204, 400, 401, 403, 404, 405,
                                                    408, 409, 413, 414, 415, 429, 500, 503};
  std::array<std::array<std::atomic<std::uint64_t>, kStatuses.size()>, kRoutePatterns.size()> requests_{};
  mutable std::mutex other_mutex_;
  std::map<std::pair<std::size_t, int>, std::uint64_t> other_;
  std::array<std::atomic<std::uint64_t>, 3> events_{};
};

// Prometheus label value escaping: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

}  // namespace checkin::server
