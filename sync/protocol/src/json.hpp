// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Reading JSON defensively: every accessor names the field's path in its error, so a
// peer sending a wrong type gets "events[3].seq: expected a whole number".
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "checkin/core/clock.hpp"
#include "checkin/core/error.hpp"

namespace checkin::sync::wire {

using nlohmann::json;

// Nesting deeper than this is refused before parsing: the protocol's bodies go four
// levels deep, and an unknown field holding 100,000 nested arrays must cost nothing.
inline constexpr int kMaxJsonDepth = 32;

Result<json> parse_body(std::string_view body, std::size_t max_bytes);
// How deep arrays and objects nest in a JSON text (strings are skipped), counting no
// further than `stop_after`.
int nesting_depth(std::string_view text, int stop_after);
// The body is an object whose "protocol" is a version this build speaks.
Result<void> check_protocol(const json& body);

Result<const json*> member(const json& object, const char* name, const std::string& path, bool required = true);
Result<std::string> text(const json& object, const char* name, const std::string& path, bool required = true);
Result<std::int64_t> integer(const json& object, const char* name, const std::string& path, bool required = true);
// A JSON number that is a whole number within int64 ("where: expected a whole number",
// "where: out of range"): an unsigned 18446744073709551615 is refused, not read as -1.
Result<std::int64_t> whole_number(const json& value, const std::string& where);
Result<WallTime> time(const json& object, const char* name, const std::string& path);
Result<const json*> array(const json& object, const char* name, const std::string& path);
Result<bool> boolean(const json& object, const char* name, const std::string& path);
// An object member, required.
Result<const json*> object(const json& object, const char* name, const std::string& path);
// An array of strings, required ("sessions[0].assigned_people[2]: expected a string").
Result<std::vector<std::string>> strings(const json& object, const char* name, const std::string& path);
// Hex digits only (a pass id, a key), normalised to lower case so lookups match.
Result<std::string> hex(const json& object, const char* name, const std::string& path);

// "sessions" + 3 -> "sessions[3]"; "" + "site" -> "site"; "site" + "id" -> "site.id"
std::string at(const std::string& path, const char* name);
std::string at(const std::string& path, const char* name, std::size_t index);
bool is_hex(std::string_view text);

// Reads one object's fields in turn and keeps the first error, so a parser reads as a list
// of fields instead of a ladder of early returns. After an error every call does nothing.
class Reader {
 public:
  Reader(const json& object, std::string path);

  Reader& text(const char* name, std::string& out);
  Reader& integer(const char* name, std::int64_t& out);
  Reader& time(const char* name, WallTime& out);
  Reader& boolean(const char* name, bool& out);
  Reader& strings(const char* name, std::vector<std::string>& out);
  Reader& hex(const char* name, std::string& out);
  // Each element through parse(element, "name[i]") -> Result<T>.
  template <class T, class Parse>
  Reader& items(const char* name, std::vector<T>& out, Parse parse) {
    if (error_) return *this;
    auto list = array(object_, name, path_);
    if (!list) return failed(list.error());
    out.clear();
    out.reserve((*list)->size());
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
      auto item = parse((**list)[i], at(path_, name, i));
      if (!item) return failed(item.error());
      out.push_back(std::move(*item));
    }
    return *this;
  }
  // A rule the value broke: "<path>.<name>: <problem>".
  Reader& require(bool holds, const char* name, std::string_view problem);

  bool ok() const { return !error_; }
  const std::string& path() const { return path_; }
  const json& object() const { return object_; }
  Result<void> done() const;

 private:
  Reader& failed(Error error);

  const json& object_;
  std::string path_;
  std::optional<Error> error_;
};

// "2026-11-26T18:30:05.123Z"
std::string format_time(WallTime t);

}  // namespace checkin::sync::wire
