// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/server/metrics.hpp"

#include <fmt/format.h>

namespace checkin::server {

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void Metrics::count_request(std::size_t route, int status) {
  if (route >= kRoutePatterns.size()) route = kUnmatchedRoute;
  for (std::size_t i = 0; i < kStatuses.size(); ++i)
    if (kStatuses[i] == status) {
      requests_[route][i].fetch_add(1, std::memory_order_relaxed);
      return;
    }
  std::lock_guard lock(other_mutex_);
  ++other_[{route, status}];
}

void Metrics::count_event(sync::EventStatus status) {
  events_[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Metrics::requests(std::size_t route, int status) const {
  if (route >= kRoutePatterns.size()) return 0;
  for (std::size_t i = 0; i < kStatuses.size(); ++i)
    if (kStatuses[i] == status) return requests_[route][i].load(std::memory_order_relaxed);
  std::lock_guard lock(other_mutex_);
  auto it = other_.find({route, status});
  return it == other_.end() ? 0 : it->second;
}

std::uint64_t Metrics::events(sync::EventStatus status) const {
  return events_[static_cast<std::size_t>(status)].load(std::memory_order_relaxed);
}

std::string Metrics::render(std::span<const DeviceLag> devices, std::size_t revoked_devices, const FrontLoad& load) const {
  std::string out;
  out += "# HELP checkin_http_requests_total HTTP requests answered, by route pattern and status.\n";
  out += "# TYPE checkin_http_requests_total counter\n";
  auto sample = [&](std::size_t route, int status, std::uint64_t value) {
    if (value == 0) return;  // a series appears once it happened
    out += fmt::format("checkin_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                       escape_label_value(kRoutePatterns[route]), status, value);
  };
  for (std::size_t route = 0; route < kRoutePatterns.size(); ++route)
    for (std::size_t i = 0; i < kStatuses.size(); ++i)
      sample(route, kStatuses[i], requests_[route][i].load(std::memory_order_relaxed));
  {
    std::lock_guard lock(other_mutex_);
    for (const auto& [key, value] : other_) sample(key.first, key.second, value);
  }

  out += "# HELP checkin_events_ingested_total Attendance events answered in uploads, by outcome.\n";
  out += "# TYPE checkin_events_ingested_total counter\n";
  for (auto status : {sync::EventStatus::accepted, sync::EventStatus::duplicate, sync::EventStatus::rejected})
    out += fmt::format("checkin_events_ingested_total{{status=\"{}\"}} {}\n", sync::to_string(status), events(status));

  out += "# HELP checkin_sync_lag_seconds Seconds since each enrolled, non-revoked kiosk last reached the server.\n";
  out += "# TYPE checkin_sync_lag_seconds gauge\n";
  for (const auto& device : devices)
    out += fmt::format("checkin_sync_lag_seconds{{device=\"{}\"}} {:.3f}\n", escape_label_value(device.device_id),
                       device.seconds);

  out += "# HELP checkin_devices Enrolled kiosks, by state.\n";
  out += "# TYPE checkin_devices gauge\n";
  out += fmt::format("checkin_devices{{state=\"active\"}} {}\n", devices.size());
  out += fmt::format("checkin_devices{{state=\"revoked\"}} {}\n", revoked_devices);

  out += "# HELP checkin_http_connections HTTP connections open now.\n";
  out += "# TYPE checkin_http_connections gauge\n";
  out += fmt::format("checkin_http_connections {}\n", load.connections);
  out += "# HELP checkin_http_parked_requests Requests waiting for news (long polling) now.\n";
  out += "# TYPE checkin_http_parked_requests gauge\n";
  out += fmt::format("checkin_http_parked_requests {}\n", load.parked);
  out += "# HELP checkin_http_queued_requests Complete requests waiting for a worker thread now.\n";
  out += "# TYPE checkin_http_queued_requests gauge\n";
  out += fmt::format("checkin_http_queued_requests {}\n", load.queued);
  return out;
}

}  // namespace checkin::server
