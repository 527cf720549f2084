// SPDX-License-Identifier: AGPL-3.0-or-later
#include "server_config.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <cctype>
#include <system_error>

#include "checkin/config/config_file.hpp"

namespace checkin::server {

namespace {

using config::set_bool;
using config::set_int;

// "127.0.0.1, ::1": IP addresses only (a proxy is known by the address it connects from).
std::string set_addresses(std::vector<std::string>& field, const std::string& text) {
  std::vector<std::string> addresses;
  std::string_view rest = text;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string item(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (item.empty()) continue;
    unsigned char bytes[16];
    if (inet_pton(AF_INET, item.c_str(), bytes) != 1 && inet_pton(AF_INET6, item.c_str(), bytes) != 1)
      return fmt::format("'{}' is not an IP address", item);
    addresses.push_back(std::move(item));
  }
  field = std::move(addresses);
  return "";
}

// Every key in one table: its setter parses text (from the file or --set).
const config::Setters<ServerConfig>& setters() {
  using C = ServerConfig;
  static const config::Setters<ServerConfig> table = {
      {"database.url", [](C& c, const std::string& v) { c.database = v; return v.empty() ? "must not be empty" : ""; }},
      {"database.connections", [](C& c, const std::string& v) { return set_int(c.connections, v, 1, 256); }},
      {"server.listen", [](C& c, const std::string& v) -> std::string {
         auto address = parse_listen_address(v);
         if (!address) return address.error().message;
         c.listen = *address;
         return "";
       }},
      {"server.tls_cert", [](C& c, const std::string& v) { c.tls_cert = v; return ""; }},
      {"server.tls_key", [](C& c, const std::string& v) { c.tls_key = v; return ""; }},
      {"server.tls_pin_cert", [](C& c, const std::string& v) { c.tls_pin_cert = v; return ""; }},
      {"server.allow_plain_http", [](C& c, const std::string& v) { return set_bool(c.allow_plain_http, v); }},
      {"server.threads", [](C& c, const std::string& v) { return set_int(c.threads, v, 1, 1024); }},
      {"server.body_limit", [](C& c, const std::string& v) { return set_int(c.body_limit, v, 1024, 256LL << 20); }},
      {"server.max_concurrent_uploads", [](C& c, const std::string& v) { return set_int(c.max_concurrent_uploads, v, 1, 1024); }},
      {"server.retry_after_seconds", [](C& c, const std::string& v) { return set_int(c.retry_after_seconds, v, 1, 3600); }},
      {"server.max_connections", [](C& c, const std::string& v) { return set_int(c.max_connections, v, 16, 65536); }},
      {"server.max_connections_per_address",
       [](C& c, const std::string& v) { return set_int(c.max_connections_per_address, v, 1, 65536); }},
      {"server.trusted_proxies", [](C& c, const std::string& v) { return set_addresses(c.trusted_proxies, v); }},
      {"server.header_timeout_seconds", [](C& c, const std::string& v) { return set_int(c.header_timeout_seconds, v, 1, 300); }},
      {"server.body_timeout_seconds", [](C& c, const std::string& v) { return set_int(c.body_timeout_seconds, v, 1, 3600); }},
      {"server.max_header_bytes", [](C& c, const std::string& v) { return set_int(c.max_header_bytes, v, 4096, 262144); }},
      {"server.metrics_token", [](C& c, const std::string& v) -> std::string {
         // Sent in a header: printable ASCII only, and long enough not to be guessed.
         if (!v.empty() && v.size() < 16) return "at least 16 characters (or empty: /metrics only for this machine)";
         for (char ch : v)
           if (ch <= ' ' || ch >= 0x7f) return "printable ASCII without spaces only";
         c.metrics_token = v;
         return "";
       }},
      {"server.public_url", [](C& c, const std::string& v) -> std::string {
         c.public_url = v;
         return v.empty() || v.starts_with("https://") || v.starts_with("http://") ? "" : "expected an http:// or https:// URL";
       }},
      {"server.timezone", [](C& c, const std::string& v) -> std::string {
         if (!v.empty() && !known_time_zone(v))
           return fmt::format("'{}' is not a time zone this system knows (an IANA name such as Europe/London)", v);
         c.timezone = v;
         return "";
       }},
      {"dashboard.session_idle_minutes", [](C& c, const std::string& v) { return set_int(c.session_idle_minutes, v, 1, 1440); }},
      {"dashboard.session_max_hours", [](C& c, const std::string& v) { return set_int(c.session_max_hours, v, 1, 72); }},
      {"dashboard.secure_cookies", [](C& c, const std::string& v) -> std::string {
         if (v == "auto") {
           c.secure_cookies.reset();
           return "";
         }
         bool secure = false;
         if (auto problem = set_bool(secure, v); !problem.empty()) return fmt::format("'{}' is not auto, true or false", v);
         c.secure_cookies = secure;
         return "";
       }},
      {"dashboard.organisation_name", [](C& c, const std::string& v) -> std::string {
         if (v.empty()) return "must not be empty";
         if (v.size() > 200) return "at most 200 characters";
         c.organisation_name = v;
         return "";
       }},
  };
  return table;
}

}  // namespace

Result<ServerConfig> load_config(const std::filesystem::path& file, const std::vector<ConfigOverride>& overrides) {
  ServerConfig config;
  if (auto ok = checkin::config::read(config, file, overrides, setters()); !ok) return std::unexpected(ok.error());
  if (config.tls_cert.empty() != config.tls_key.empty())
    return fail(Errc::invalid_input, "server.tls_cert and server.tls_key: set both for HTTPS, or neither");
  return config;
}

ApiOptions api_options(const ServerConfig& config) {
  ApiOptions options;
  options.listen = config.listen;
  options.tls_cert = config.tls_cert;
  options.tls_key = config.tls_key;
  options.allow_plain_http = config.allow_plain_http;
  options.threads = config.threads;
  options.body_limit = config.body_limit;
  options.max_concurrent_uploads = config.max_concurrent_uploads;
  options.retry_after_seconds = config.retry_after_seconds;
  options.max_connections = config.max_connections;
  options.max_connections_per_address = config.max_connections_per_address;
  options.trusted_proxies = config.trusted_proxies;
  options.header_timeout_seconds = config.header_timeout_seconds;
  options.body_timeout_seconds = config.body_timeout_seconds;
  options.max_header_bytes = config.max_header_bytes;
  options.metrics_token = config.metrics_token;
  return options;
}

WebSessionPolicy web_session_policy(const ServerConfig& config) {
  WebSessionPolicy policy;
  policy.idle = std::chrono::minutes{config.session_idle_minutes};
  policy.longest = std::chrono::hours{config.session_max_hours};
  return policy;
}

bool use_secure_cookies(const ServerConfig& config) {
  if (config.secure_cookies) return *config.secure_cookies;
  return !config.tls_cert.empty() || config.public_url.starts_with("https://");
}

Result<std::string> enrolment_pin(const ServerConfig& config) {
  const std::string& cert = config.tls_pin_cert.empty() ? config.tls_cert : config.tls_pin_cert;
  if (cert.empty()) return std::string{};
  auto pin = certificate_public_key_sha256(cert);
  if (!pin) {
    const char* key = config.tls_pin_cert.empty() ? "server.tls_cert" : "server.tls_pin_cert";
    return fail(pin.error().code, fmt::format("{}: {}", key, pin.error().message));
  }
  return pin;
}

bool known_time_zone(std::string_view iana_name) {
  // Names are paths under zoneinfo: keep them there (no "..", no absolute path).
  if (iana_name.empty() || iana_name.front() == '/' || iana_name.find("..") != std::string_view::npos) return false;
  for (char ch : iana_name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' || ch == '+')) return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path("/usr/share/zoneinfo") / std::string(iana_name), ec);
}

}  // namespace checkin::server
