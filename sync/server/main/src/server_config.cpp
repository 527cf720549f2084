#include "server_config.hpp"

#include <fmt/format.h>

#include <charconv>
#include <functional>
#include <map>
#include <optional>
#include <toml++/toml.h>

namespace checkin::server {

namespace {

using Setter = std::function<std::string(ServerConfig&, const std::string&)>;  // an error, or ""

template <class Int>
std::string set_int(Int& field, const std::string& text, long long lo, long long hi) {
  long long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size())
    return fmt::format("'{}' is not a whole number", text);
  if (value < lo || value > hi) return fmt::format("{} is outside {}..{}", value, lo, hi);
  field = static_cast<Int>(value);
  return "";
}

std::string set_bool(bool& field, const std::string& text) {
  if (text == "true") field = true;
  else if (text == "false") field = false;
  else return fmt::format("'{}' is not true or false", text);
  return "";
}

const std::map<std::string, Setter>& setters() {
  using C = ServerConfig;
  static const std::map<std::string, Setter> table = {
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
      {"server.allow_plain_http", [](C& c, const std::string& v) { return set_bool(c.allow_plain_http, v); }},
      {"server.threads", [](C& c, const std::string& v) { return set_int(c.threads, v, 1, 1024); }},
      {"server.body_limit", [](C& c, const std::string& v) { return set_int(c.body_limit, v, 1024, 256LL << 20); }},
      {"server.max_concurrent_uploads", [](C& c, const std::string& v) { return set_int(c.max_concurrent_uploads, v, 1, 1024); }},
      {"server.retry_after_seconds", [](C& c, const std::string& v) { return set_int(c.retry_after_seconds, v, 1, 3600); }},
      {"server.public_url", [](C& c, const std::string& v) -> std::string {
         c.public_url = v;
         return v.empty() || v.starts_with("https://") || v.starts_with("http://") ? "" : "expected an http:// or https:// URL";
       }},
  };
  return table;
}

Result<void> apply(ServerConfig& config, const std::string& key, const std::string& value, const std::string& where) {
  auto it = setters().find(key);
  if (it == setters().end()) return fail(Errc::invalid_input, fmt::format("{}: unknown setting '{}'", where, key));
  if (auto problem = it->second(config, value); !problem.empty())
    return fail(Errc::invalid_input, fmt::format("{}: {}: {}", where, key, problem));
  return {};
}

std::optional<std::string> as_text(const toml::node& node) {
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  return std::nullopt;
}

}  // namespace

Result<ConfigOverride> parse_override(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return fail(Errc::invalid_input, fmt::format("--set '{}': expected section.key=value", text));
  return ConfigOverride{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Result<ServerConfig> load_config(const std::filesystem::path& file, const std::vector<ConfigOverride>& overrides) {
  ServerConfig config;
  if (!file.empty()) {
    toml::table parsed;
    try {
      parsed = toml::parse_file(file.string());
    } catch (const toml::parse_error& err) {
      return fail(Errc::invalid_input,
                  fmt::format("{} line {}: {}", file.string(), err.source().begin.line, err.description()));
    }
    for (auto&& [section, table] : parsed) {
      auto* entries = table.as_table();
      if (!entries)
        return fail(Errc::invalid_input, fmt::format("{}: '{}' should be a [section]", file.string(), section.str()));
      for (auto&& [name, node] : *entries) {
        std::string key = fmt::format("{}.{}", section.str(), name.str());
        std::string where = fmt::format("{} line {}", file.string(), node.source().begin.line);
        auto text = as_text(node);
        if (!text) return fail(Errc::invalid_input, fmt::format("{}: {}: expected a string, number or true/false", where, key));
        if (auto ok = apply(config, key, *text, where); !ok) return std::unexpected(ok.error());
      }
    }
  }
  for (const auto& o : overrides)
    if (auto ok = apply(config, o.key, o.value, "--set"); !ok) return std::unexpected(ok.error());
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
  return options;
}

}  // namespace checkin::server
