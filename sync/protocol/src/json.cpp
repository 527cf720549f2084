#include "json.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "checkin/sync/events.hpp"

namespace checkin::sync::wire {

namespace {
std::string at(const std::string& path, const char* name) { return path.empty() ? name : path + "." + name; }
}  // namespace

Result<nlohmann::json> parse_body(std::string_view body, std::size_t max_bytes) {
  if (body.size() > max_bytes)
    return fail(Errc::limit_exceeded, fmt::format("body of {} bytes is over the limit of {}", body.size(), max_bytes));
  auto parsed = nlohmann::json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return fail(Errc::invalid_input, "body is not valid JSON");
  if (!parsed.is_object()) return fail(Errc::invalid_input, "body must be a JSON object");
  return parsed;
}

Result<void> check_protocol(const nlohmann::json& body) {
  auto version = integer(body, "protocol", "");
  if (!version) return std::unexpected(version.error());
  if (*version != kProtocolVersion)
    return fail(Errc::invalid_input, fmt::format("protocol {} is not spoken here (this side speaks {})", *version,
                                                 kProtocolVersion));
  return {};
}

Result<const nlohmann::json*> member(const nlohmann::json& object, const char* name, const std::string& path,
                                     bool required) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) return fail(Errc::invalid_input, fmt::format("{}: missing", at(path, name)));
    return nullptr;
  }
  return &*it;
}

Result<std::string> text(const nlohmann::json& object, const char* name, const std::string& path, bool required) {
  auto m = member(object, name, path, required);
  if (!m) return std::unexpected(m.error());
  if (!*m) return std::string{};
  if (!(*m)->is_string()) return fail(Errc::invalid_input, fmt::format("{}: expected a string", at(path, name)));
  return (*m)->get<std::string>();
}

Result<std::int64_t> integer(const nlohmann::json& object, const char* name, const std::string& path, bool required) {
  auto m = member(object, name, path, required);
  if (!m) return std::unexpected(m.error());
  if (!*m) return std::int64_t{0};
  if (!(*m)->is_number_integer())
    return fail(Errc::invalid_input, fmt::format("{}: expected a whole number", at(path, name)));
  return (*m)->get<std::int64_t>();
}

Result<WallTime> time(const nlohmann::json& object, const char* name, const std::string& path) {
  auto value = text(object, name, path);
  if (!value) return std::unexpected(value.error());
  WallTime t;
  if (!parse_utc(*value, t))
    return fail(Errc::invalid_input, fmt::format("{}: expected a UTC time like 2026-11-26T18:30:05.123Z", at(path, name)));
  return t;
}

Result<const nlohmann::json*> array(const nlohmann::json& object, const char* name, const std::string& path) {
  auto m = member(object, name, path);
  if (!m) return std::unexpected(m.error());
  if (!(*m)->is_array()) return fail(Errc::invalid_input, fmt::format("{}: expected an array", at(path, name)));
  return *m;
}

std::string format_time(WallTime t) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", seconds, (t - seconds).count());
}

}  // namespace checkin::sync::wire
