// SPDX-License-Identifier: AGPL-3.0-or-later
#include "json.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>

#include "checkin/sync/events.hpp"

namespace checkin::sync::wire {

std::string at(const std::string& path, const char* name) { return path.empty() ? name : path + "." + name; }
std::string at(const std::string& path, const char* name, std::size_t index) {
  return fmt::format("{}[{}]", at(path, name), index);
}

bool is_hex(std::string_view text) {
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

int nesting_depth(std::string_view text, int stop_after) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > stop_after) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

Result<nlohmann::json> parse_body(std::string_view body, std::size_t max_bytes) {
  if (body.size() > max_bytes)
    return fail(Errc::limit_exceeded, fmt::format("body of {} bytes is over the limit of {}", body.size(), max_bytes));
  if (nesting_depth(body, kMaxJsonDepth) > kMaxJsonDepth)
    return fail(Errc::invalid_input, fmt::format("body nests arrays and objects deeper than {} levels", kMaxJsonDepth));
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
  return whole_number(**m, at(path, name));
}

Result<std::int64_t> whole_number(const nlohmann::json& value, const std::string& where) {
  if (!value.is_number_integer()) return fail(Errc::invalid_input, fmt::format("{}: expected a whole number", where));
  // nlohmann keeps non-negative integers unsigned: one above INT64_MAX would wrap negative.
  if (value.is_number_unsigned() &&
      value.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return fail(Errc::invalid_input, fmt::format("{}: {} is out of range", where, value.get<std::uint64_t>()));
  return value.get<std::int64_t>();
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

Result<bool> boolean(const nlohmann::json& object, const char* name, const std::string& path) {
  auto m = member(object, name, path);
  if (!m) return std::unexpected(m.error());
  if (!(*m)->is_boolean()) return fail(Errc::invalid_input, fmt::format("{}: expected true or false", at(path, name)));
  return (*m)->get<bool>();
}

Result<const nlohmann::json*> object(const nlohmann::json& object, const char* name, const std::string& path) {
  auto m = member(object, name, path);
  if (!m) return std::unexpected(m.error());
  if (!(*m)->is_object()) return fail(Errc::invalid_input, fmt::format("{}: expected an object", at(path, name)));
  return *m;
}

Result<std::vector<std::string>> strings(const nlohmann::json& object, const char* name, const std::string& path) {
  auto items = array(object, name, path);
  if (!items) return std::unexpected(items.error());
  std::vector<std::string> out;
  out.reserve((*items)->size());
  for (std::size_t i = 0; i < (*items)->size(); ++i) {
    const auto& item = (**items)[i];
    if (!item.is_string()) return fail(Errc::invalid_input, fmt::format("{}: expected a string", at(path, name, i)));
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::string> hex(const nlohmann::json& object, const char* name, const std::string& path) {
  auto value = text(object, name, path);
  if (!value) return std::unexpected(value.error());
  if (value->empty() || !is_hex(*value))
    return fail(Errc::invalid_input, fmt::format("{}: expected hex digits", at(path, name)));
  for (auto& c : *value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value;
}

Reader::Reader(const nlohmann::json& object, std::string path) : object_(object), path_(std::move(path)) {
  if (!object_.is_object())
    error_ = Error{Errc::invalid_input, fmt::format("{}: expected an object", path_.empty() ? "body" : path_)};
}

Reader& Reader::failed(Error error) {
  if (!error_) error_ = std::move(error);
  return *this;
}

Reader& Reader::text(const char* name, std::string& out) {
  if (error_) return *this;
  auto value = wire::text(object_, name, path_);
  if (!value) return failed(value.error());
  out = std::move(*value);
  return *this;
}

Reader& Reader::integer(const char* name, std::int64_t& out) {
  if (error_) return *this;
  auto value = wire::integer(object_, name, path_);
  if (!value) return failed(value.error());
  out = *value;
  return *this;
}

Reader& Reader::time(const char* name, WallTime& out) {
  if (error_) return *this;
  auto value = wire::time(object_, name, path_);
  if (!value) return failed(value.error());
  out = *value;
  return *this;
}

Reader& Reader::boolean(const char* name, bool& out) {
  if (error_) return *this;
  auto value = wire::boolean(object_, name, path_);
  if (!value) return failed(value.error());
  out = *value;
  return *this;
}

Reader& Reader::strings(const char* name, std::vector<std::string>& out) {
  if (error_) return *this;
  auto value = wire::strings(object_, name, path_);
  if (!value) return failed(value.error());
  out = std::move(*value);
  return *this;
}

Reader& Reader::hex(const char* name, std::string& out) {
  if (error_) return *this;
  auto value = wire::hex(object_, name, path_);
  if (!value) return failed(value.error());
  out = std::move(*value);
  return *this;
}

Reader& Reader::require(bool holds, const char* name, std::string_view problem) {
  if (error_ || holds) return *this;
  return failed(Error{Errc::invalid_input, fmt::format("{}: {}", at(path_, name), problem)});
}

Result<void> Reader::done() const {
  if (error_) return std::unexpected(*error_);
  return {};
}

std::string format_time(WallTime t) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  // fmt 9 formats a system_clock time point in the local zone: go through gmtime.
  const std::tm utc = fmt::gmtime(static_cast<std::time_t>(seconds.time_since_epoch().count()));
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", utc, (t - seconds).count());
}

}  // namespace checkin::sync::wire
