// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Every word the kiosk shows comes from a translation file: assets/i18n/<code>.toml, one
// per language (en.toml, es.toml, ...). Adding a language is adding a file. A missing key
// falls back to English, then to the key itself, and is logged once.
//
// File format: TOML; tables group keys, so `[ready]` + `prompt = "..."` is the key
// "ready.prompt". Every file has `language_name`, the language's name in itself
// ("Español"). Placeholders are written {name}, {time}, {hours}, {minutes}, ...
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checkin/core/error.hpp"

namespace checkin::ui {

// One language: key -> text.
using Catalog = std::map<std::string, std::string, std::less<>>;

// Reads one translation file. A syntax error or a value that is not text is an error
// that names the file and the line ("es.toml:12:9: ...").
Result<Catalog> load_catalog(const std::filesystem::path& toml_file);
Result<Catalog> parse_catalog(std::string_view toml_text, const std::string& file_name);

// "{name}" -> value, for every pair; unknown placeholders stay as they are.
std::string fill_placeholders(std::string_view text,
                              std::initializer_list<std::pair<std::string_view, std::string_view>> values);
// The placeholder names used in a text: "Welcome, {name}" -> {"name"}.
std::set<std::string> placeholders_in(std::string_view text);

class Translator {
 public:
  Translator() = default;
  Translator(const Translator& other);
  Translator& operator=(const Translator& other);

  // Every *.toml in the folder; the file name without .toml is the language code.
  // en.toml must be there: it is what every other language falls back to.
  static Result<Translator> load_dir(const std::filesystem::path& i18n_dir);

  void add(std::string code, Catalog catalog);

  // The text for `key` in `language`, else in English, else the key itself. A fallback is
  // logged to stderr once per language and key.
  std::string text(std::string_view language, std::string_view key) const;
  std::string format(std::string_view language, std::string_view key,
                     std::initializer_list<std::pair<std::string_view, std::string_view>> values) const;

  bool has_language(std::string_view code) const { return catalogs_.contains(code); }
  // (code, name of the language in itself), English first, then by code.
  std::vector<std::pair<std::string, std::string>> languages() const;
  const Catalog* catalog(std::string_view code) const;
  // Keys that fell back since the start (language + "/" + key); tests check it is empty.
  std::set<std::string> missing() const;

 private:
  std::map<std::string, Catalog, std::less<>> catalogs_;
  mutable std::mutex missing_mutex_;
  mutable std::set<std::string> missing_;
};

}  // namespace checkin::ui
