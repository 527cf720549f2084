// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The store settings the sync client keeps (the kiosk's own settings use other names;
// downloaded ones are "central.<key>", the cursor and site name are in store.hpp).
#include <string_view>

namespace checkin::sync::settings {

inline constexpr std::string_view kServerUrl = "sync_server_url";
inline constexpr std::string_view kDeviceToken = "sync_device_token";
inline constexpr std::string_view kCertSha256 = "sync_cert_sha256";
inline constexpr std::string_view kClockOffset = "sync_clock_offset_ms";  // kiosk minus server
inline constexpr std::string_view kLastSuccess = "sync_last_success";      // "2026-11-26T18:30:05.123Z"

}  // namespace checkin::sync::settings
