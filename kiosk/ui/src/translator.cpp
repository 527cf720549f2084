// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/ui/translator.hpp"

#include "checkin/core/log.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace checkin::ui {

namespace {

std::string where(const std::string& file, const toml::source_region& region) {
  return fmt::format("{}:{}:{}", file, region.begin.line, region.begin.column);
}

const char* type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::integer: return "number";
    case toml::node_type::floating_point: return "number";
    case toml::node_type::boolean: return "true/false value";
    case toml::node_type::array: return "list";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return "date or time";
    default: return "value of another kind";
  }
}

Result<void> flatten(const toml::table& table, const std::string& prefix, const std::string& file, Catalog& out) {
  for (auto&& [key, node] : table) {
    const std::string name = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const auto* sub = node.as_table()) {
      if (auto nested = flatten(*sub, name, file, out); !nested) return nested;
    } else if (const auto* text = node.as_string()) {
      out.emplace(name, text->get());
    } else {
      return fail(Errc::invalid_input, fmt::format("{}: \"{}\" must be text in quotes (a translation), not a {}",
                                                   where(file, node.source()), name, type_name(node.type())));
    }
  }
  return {};
}

}  // namespace

Result<Catalog> parse_catalog(std::string_view toml_text, const std::string& file_name) {
  toml::table table;
  try {
    table = toml::parse(toml_text, file_name);
  } catch (const toml::parse_error& error) {
    return fail(Errc::invalid_input,
                fmt::format("{}: {}", where(file_name, error.source()), std::string(error.description())));
  }
  Catalog catalog;
  if (auto flat = flatten(table, "", file_name, catalog); !flat) return std::unexpected(flat.error());
  return catalog;
}

Result<Catalog> load_catalog(const std::filesystem::path& toml_file) {
  std::ifstream in(toml_file, std::ios::binary);
  if (!in) return fail(Errc::io, fmt::format("{}: cannot be read", toml_file.string()));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(Errc::io, fmt::format("{}: read error", toml_file.string()));
  return parse_catalog(text.str(), toml_file.string());
}

std::string fill_placeholders(std::string_view text,
                              std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      const auto close = text.find('}', i + 1);
      if (close != std::string_view::npos) {
        const auto name = text.substr(i + 1, close - i - 1);
        const auto match = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
        if (match != values.end()) {
          out += match->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

std::set<std::string> placeholders_in(std::string_view text) {
  std::set<std::string> names;
  for (std::size_t open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
    const auto close = text.find('}', open + 1);
    if (close == std::string_view::npos) break;
    names.emplace(text.substr(open + 1, close - open - 1));
  }
  return names;
}

Translator::Translator(const Translator& other) : catalogs_(other.catalogs_) {}

Translator& Translator::operator=(const Translator& other) {
  if (this != &other) {
    catalogs_ = other.catalogs_;
    std::scoped_lock lock(missing_mutex_);
    missing_.clear();
  }
  return *this;
}

Result<Translator> Translator::load_dir(const std::filesystem::path& i18n_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(i18n_dir, ec))
    return fail(Errc::not_found, fmt::format("translations folder {} not found", i18n_dir.string()));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(i18n_dir, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  if (ec) return fail(Errc::io, fmt::format("{}: {}", i18n_dir.string(), ec.message()));
  std::sort(files.begin(), files.end());
  Translator translator;
  for (const auto& file : files) {
    auto catalog = load_catalog(file);
    if (!catalog) return std::unexpected(catalog.error());
    translator.add(file.stem().string(), std::move(*catalog));
  }
  if (!translator.has_language("en"))
    return fail(Errc::not_found, fmt::format("{}: en.toml is missing (every language falls back to it)",
                                             i18n_dir.string()));
  return translator;
}

void Translator::add(std::string code, Catalog catalog) { catalogs_[std::move(code)] = std::move(catalog); }

const Catalog* Translator::catalog(std::string_view code) const {
  const auto it = catalogs_.find(code);
  return it == catalogs_.end() ? nullptr : &it->second;
}

std::string Translator::text(std::string_view language, std::string_view key) const {
  if (const auto* wanted = catalog(language)) {
    if (const auto it = wanted->find(key); it != wanted->end()) return it->second;
  }
  const auto* english = catalog("en");
  const auto found = english ? english->find(key) : Catalog::const_iterator{};
  {
    std::scoped_lock lock(missing_mutex_);
    if (missing_.insert(fmt::format("{}/{}", language, key)).second) {
      log_warn("i18n", "\"{}\" has no {} text; showing {}", key, language,
               english && found != english->end() ? "the English one" : "the key");
    }
  }
  if (english && found != english->end()) return found->second;
  return std::string(key);
}

std::string Translator::format(std::string_view language, std::string_view key,
                               std::initializer_list<std::pair<std::string_view, std::string_view>> values) const {
  return fill_placeholders(text(language, key), values);
}

std::vector<std::pair<std::string, std::string>> Translator::languages() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [code, catalog] : catalogs_) {
    const auto name = catalog.find("language_name");
    out.emplace_back(code, name == catalog.end() ? code : name->second);
  }
  std::stable_partition(out.begin(), out.end(), [](const auto& l) { return l.first == "en"; });
  return out;
}

std::set<std::string> Translator::missing() const {
  std::scoped_lock lock(missing_mutex_);
  return missing_;
}

}  // namespace checkin::ui
