// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// checkin-server's configuration: one struct, from a TOML file (deploy/server.example.toml
// documents every key), then `--set section.key=value`, then the direct flags.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/config/config_file.hpp"
#include "checkin/core/error.hpp"
#include "checkin/server/accounts.hpp"
#include "checkin/server/http.hpp"

namespace checkin::server {

struct ServerConfig {
  // [database]
  std::string database = "/var/lib/checkin-server/server.db";  // a SQLite file or postgresql://...
  int connections = 4;
  // [server]
  ListenAddress listen{"127.0.0.1", 8080};
  std::string tls_cert;
  std::string tls_key;
  std::string tls_pin_cert;  // the certificate kiosks see when a reverse proxy terminates TLS
  bool allow_plain_http = false;
  int threads = 8;
  std::size_t body_limit = sync::kMaxBodyBytes;
  int max_concurrent_uploads = 4;
  int retry_after_seconds = 5;
  int max_connections = 1024;
  int max_connections_per_address = 64;
  // Addresses (a comma-separated list) of reverse proxies: see deploy/server.example.toml.
  std::vector<std::string> trusted_proxies{"127.0.0.1", "::1"};
  int header_timeout_seconds = 10;
  int body_timeout_seconds = 60;
  std::size_t max_header_bytes = 32 * 1024;
  std::string metrics_token;  // empty: /metrics only for this machine
  std::string public_url;  // what kiosks use to reach this server; enrol-token's default --url
  std::string timezone;    // IANA name ("Europe/London"); empty: the system's (TZ or /etc/localtime)
  // [dashboard]
  int session_idle_minutes = 30;  // signed out after this long without a request (1..1440)
  int session_max_hours = 12;     // and after this long in any case (1..72)
  std::optional<bool> secure_cookies;  // std::nullopt: "auto", see use_secure_cookies
  std::string organisation_name = "Community check-in";  // the dashboard's header and page titles
};

using ConfigOverride = config::Override;  // --set section.key=value
using config::parse_override;
// Every failure names the file and line or the flag, and the key.
Result<ServerConfig> load_config(const std::filesystem::path& file, const std::vector<ConfigOverride>& overrides);

ApiOptions api_options(const ServerConfig& config);

// How long a dashboard sign-in lasts ([dashboard] session_idle_minutes, session_max_hours).
WebSessionPolicy web_session_policy(const ServerConfig& config);

// Whether the dashboard's cookies carry the Secure attribute: dashboard.secure_cookies, or
// when "auto" (the default), true if this server speaks TLS or public_url is https://.
// Decided at use, so --tls-cert on the command line counts too.
bool use_secure_cookies(const ServerConfig& config);

// The SHA-256 of the public key kiosks pin, put into enrolment codes: that of
// server.tls_pin_cert (a TLS-terminating proxy's certificate) if set, else of
// server.tls_cert; empty with neither (kiosks then check the server against their CAs).
Result<std::string> enrolment_pin(const ServerConfig& config);

// True if the system knows the IANA zone name (its /usr/share/zoneinfo file exists).
bool known_time_zone(std::string_view iana_name);

}  // namespace checkin::server
