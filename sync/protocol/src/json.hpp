#pragma once
// Reading JSON defensively: every accessor names the field's path in its error, so a
// peer sending a wrong type gets "events[3].seq: expected a whole number".
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"

namespace checkin::sync::wire {

using nlohmann::json;

Result<json> parse_body(std::string_view body, std::size_t max_bytes);
// The body is an object whose "protocol" is a version this build speaks.
Result<void> check_protocol(const json& body);

Result<const json*> member(const json& object, const char* name, const std::string& path, bool required = true);
Result<std::string> text(const json& object, const char* name, const std::string& path, bool required = true);
Result<std::int64_t> integer(const json& object, const char* name, const std::string& path, bool required = true);
Result<WallTime> time(const json& object, const char* name, const std::string& path);
Result<const json*> array(const json& object, const char* name, const std::string& path);

// "2026-11-26T18:30:05.123Z"
std::string format_time(WallTime t);

}  // namespace checkin::sync::wire
