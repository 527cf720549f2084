#pragma once
// checkin-server's configuration: one struct, from a TOML file (deploy/server.example.toml
// documents every key), then `--set section.key=value`, then the direct flags.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/config/config_file.hpp"
#include "checkin/core/error.hpp"
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
  bool allow_plain_http = false;
  int threads = 8;
  std::size_t body_limit = sync::kMaxBodyBytes;
  int max_concurrent_uploads = 4;
  int retry_after_seconds = 5;
  std::string public_url;  // what kiosks use to reach this server; enrol-token's default --url
};

using ConfigOverride = config::Override;  // --set section.key=value
using config::parse_override;
// Every failure names the file and line or the flag, and the key.
Result<ServerConfig> load_config(const std::filesystem::path& file, const std::vector<ConfigOverride>& overrides);

ApiOptions api_options(const ServerConfig& config);

}  // namespace checkin::server
