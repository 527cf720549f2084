// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The HTTP surface shared by the kiosk's client and the server, so paths and headers
// cannot drift.
#include <string>
#include <string_view>

namespace checkin::sync::api {

inline constexpr std::string_view kEnrol = "/api/v1/enrol";
inline std::string events_batch(std::string_view device_id) { return "/api/v1/devices/" + std::string(device_id) + "/events:batch"; }
inline std::string feedback_batch(std::string_view device_id) { return "/api/v1/devices/" + std::string(device_id) + "/feedback:batch"; }
inline std::string changes(std::string_view device_id) { return "/api/v1/devices/" + std::string(device_id) + "/changes"; }
inline std::string token_roll(std::string_view device_id) { return "/api/v1/devices/" + std::string(device_id) + "/token:roll"; }
inline std::string site_feed(std::string_view device_id) { return "/api/v1/devices/" + std::string(device_id) + "/attendance"; }
inline std::string device_name(std::string_view device_id) { return "/api/v1/devices/" + std::string(device_id) + "/name"; }
inline constexpr std::string_view kHealth = "/healthz";
inline constexpr std::string_view kMetrics = "/metrics";

// Every kiosk request says what its wall clock reads ("2026-11-26T18:30:05.123Z"), so the
// server records each device's clock offset at every sync.
inline constexpr std::string_view kDeviceTimeHeader = "X-Checkin-Device-Time";
inline constexpr std::string_view kJson = "application/json";

}  // namespace checkin::sync::api
