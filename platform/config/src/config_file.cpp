// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/config/config_file.hpp"

#include <optional>
#include <toml++/toml.h>

namespace checkin::config {

namespace {

// TOML values as the text --set would give, so both paths share one parser per key.
std::optional<std::string> as_text(const toml::node& node) {
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  return std::nullopt;
}

}  // namespace

Result<Override> parse_override(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return fail(Errc::invalid_input, fmt::format("--set '{}': expected section.key=value", text));
  return Override{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Result<void> read(const std::filesystem::path& file, std::span<const Override> overrides, const Apply& apply) {
  if (!file.empty()) {
    toml::table parsed;
    try {  // toml++ reports syntax errors (and a missing file) by throwing
      parsed = toml::parse_file(file.string());
    } catch (const toml::parse_error& err) {
      return fail(Errc::invalid_input, fmt::format("{} line {}: {}", file.string(), err.source().begin.line, err.description()));
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
        if (auto ok = apply(key, *text, where); !ok) return ok;
      }
    }
  }
  for (const auto& o : overrides)
    if (auto ok = apply(o.key, o.value, "--set"); !ok) return ok;
  return {};
}

std::string set_bool(bool& field, const std::string& text) {
  if (text == "true") field = true;
  else if (text == "false") field = false;
  else return fmt::format("'{}' is not true or false", text);
  return "";
}

}  // namespace checkin::config
