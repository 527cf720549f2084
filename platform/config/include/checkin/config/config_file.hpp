// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Configuration as the kiosk and the server read it: one TOML file of [section] key = value
// lines, then `--set section.key=value` overrides, each handed as text to the setter that
// owns the key. So a file and the command line share one parser per key, and every error
// names the file and line (or --set), the key and what is wrong with the value.
#include <charconv>
#include <filesystem>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "checkin/core/error.hpp"

namespace checkin::config {

// One "section.key=value", as given with --set.
struct Override {
  std::string key;
  std::string value;
};
Result<Override> parse_override(std::string_view text);

// Parses `text` into the program's configuration; returns what is wrong, or "".
template <class Config>
using Setter = std::function<std::string(Config&, const std::string&)>;
template <class Config>
using Setters = std::map<std::string, Setter<Config>>;

// Calls `apply(key, value, where)` for each key of the file (if one is given; a missing
// file is an error), then for each override. Values reach `apply` as the text --set would
// give ("8080", "true", "/var/lib/...").
using Apply = std::function<Result<void>(const std::string& key, const std::string& value, const std::string& where)>;
Result<void> read(const std::filesystem::path& file, std::span<const Override> overrides, const Apply& apply);

template <class Config>
Result<void> read(Config& config, const std::filesystem::path& file, std::span<const Override> overrides,
                  const Setters<Config>& setters) {
  return read(file, overrides, [&](const std::string& key, const std::string& value, const std::string& where) -> Result<void> {
    auto it = setters.find(key);
    if (it == setters.end()) return fail(Errc::invalid_input, fmt::format("{}: unknown setting '{}'", where, key));
    if (auto problem = it->second(config, value); !problem.empty())
      return fail(Errc::invalid_input, fmt::format("{}: {}: {}", where, key, problem));
    return {};
  });
}

// Value parsers for setters.
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
std::string set_bool(bool& field, const std::string& text);

}  // namespace checkin::config
