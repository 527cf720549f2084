// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Gzip for answers a client accepts compressed (the API's JSON: a roster page shrinks
// about tenfold over a kiosk's weak Wi-Fi).
#include <optional>
#include <string>
#include <string_view>

namespace checkin::server::front {

// nullopt when zlib fails (then the answer goes uncompressed).
std::optional<std::string> gzip(std::string_view data);

}  // namespace checkin::server::front
