// SPDX-License-Identifier: AGPL-3.0-or-later
// Translation files: complete in every language, placeholders intact, clear errors, the
// fallback chain, and the assets folder found from the build tree.
#include <fstream>

#include "ui_test_support.hpp"

using namespace ui_test;

namespace {

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / fmt::format("checkin-ui-{}-{}", name, ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void write(const std::filesystem::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("the shipped translations load - English and Spanish at least") {
  const auto& t = translator();
  REQUIRE(t.has_language("en"));
  REQUIRE(t.has_language("es"));
  const auto languages = t.languages();
  REQUIRE(languages.size() >= 2);
  CHECK(languages.front() == std::pair<std::string, std::string>{"en", "English"});
  CHECK(std::find(languages.begin(), languages.end(), std::pair<std::string, std::string>{"es", "Español"}) !=
        languages.end());
}

TEST_CASE("every translation file has exactly the keys of en.toml - with the same placeholders") {
  const auto& t = translator();
  const Catalog* english = t.catalog("en");
  REQUIRE(english);
  for (const auto& [code, name] : t.languages()) {
    if (code == "en") continue;
    const Catalog* other = t.catalog(code);
    REQUIRE(other);
    INFO(code << ".toml");
    for (const auto& [key, text] : *english) {
      INFO("key " << key);
      const auto it = other->find(key);
      REQUIRE(it != other->end());
      CHECK_FALSE(it->second.empty());
      CHECK(placeholders_in(it->second) == placeholders_in(text));
    }
    for (const auto& [key, text] : *other) {
      INFO("key " << key << " is not in en.toml");
      CHECK(english->contains(key));
    }
  }
}

TEST_CASE("placeholders are filled by name and unknown ones stay") {
  CHECK(fill_placeholders("Welcome, {name}", {{"name", "Ana"}}) == "Welcome, Ana");
  CHECK(fill_placeholders("{hours} h {minutes} min", {{"minutes", "5"}, {"hours", "2"}}) == "2 h 5 min");
  CHECK(fill_placeholders("{other} and {name}", {{"name", "Bo"}}) == "{other} and Bo");
  CHECK(fill_placeholders("no braces", {}) == "no braces");
  CHECK(fill_placeholders("open { brace", {{"x", "y"}}) == "open { brace");
  CHECK(placeholders_in("{a} {b} {a}") == std::set<std::string>{"a", "b"});
}

TEST_CASE("a missing key falls back to English - then to the key itself - logged once") {
  Translator t;
  t.add("en", {{"greeting", "Hello"}, {"language_name", "English"}});
  t.add("es", {{"language_name", "Español"}});
  CHECK(t.text("es", "greeting") == "Hello");
  CHECK(t.text("es", "greeting") == "Hello");
  CHECK(t.text("fr", "greeting") == "Hello");  // a language with no file at all
  CHECK(t.text("es", "no.such.key") == "no.such.key");
  CHECK(t.missing() == std::set<std::string>{"es/greeting", "fr/greeting", "es/no.such.key"});
  CHECK(t.format("en", "greeting", {}) == "Hello");
}

TEST_CASE("a broken translation file is an error naming the file and the line") {
  SECTION("syntax") {
    auto bad = parse_catalog("language_name = \"Deutsch\"\n[ready]\nprompt = \"unterminated\n", "de.toml");
    REQUIRE_FALSE(bad);
    INFO(bad.error().message);
    CHECK(bad.error().message.rfind("de.toml:3:", 0) == 0);
  }
  SECTION("a value that is not text") {
    auto bad = parse_catalog("[ready]\nprompt = \"ok\"\ncount = 5\n", "fr.toml");
    REQUIRE_FALSE(bad);
    INFO(bad.error().message);
    CHECK(bad.error().message.rfind("fr.toml:3:", 0) == 0);
    CHECK(bad.error().message.find("ready.count") != std::string::npos);
  }
  SECTION("through load_dir") {
    const auto dir = temp_dir("bad");
    write(dir / "en.toml", "language_name = \"English\"\n");
    write(dir / "xx.toml", "language_name = \"X\"\n\n= oops\n");
    auto loaded = Translator::load_dir(dir);
    REQUIRE_FALSE(loaded);
    INFO(loaded.error().message);
    CHECK(loaded.error().message.find("xx.toml:3") != std::string::npos);
    std::filesystem::remove_all(dir);
  }
  SECTION("en.toml is required") {
    const auto dir = temp_dir("noen");
    write(dir / "es.toml", "language_name = \"Español\"\n");
    auto loaded = Translator::load_dir(dir);
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().message.find("en.toml") != std::string::npos);
    std::filesystem::remove_all(dir);
  }
}

TEST_CASE("adding a language is adding a file") {
  const auto dir = temp_dir("add");
  write(dir / "en.toml", "language_name = \"English\"\n[ready]\nprompt = \"Show your pass\"\n");
  write(dir / "fr.toml", "language_name = \"Français\"\n[ready]\nprompt = \"Montrez votre carte\"\n");
  write(dir / "notes.txt", "not a translation");
  auto loaded = Translator::load_dir(dir);
  REQUIRE(loaded);
  CHECK(loaded->languages() == std::vector<std::pair<std::string, std::string>>{{"en", "English"}, {"fr", "Français"}});
  CHECK(loaded->text("fr", "ready.prompt") == "Montrez votre carte");
  std::filesystem::remove_all(dir);
}

TEST_CASE("the assets folder is found from the build tree - and an override must hold translations") {
  auto found = find_assets_dir();
  REQUIRE(found);
  CHECK(std::filesystem::exists(i18n_dir(*found) / "en.toml"));
  const auto dir = temp_dir("assets");
  auto wrong = find_assets_dir(dir);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().message.find(dir.string()) != std::string::npos);
  std::filesystem::create_directories(dir / "i18n");
  write(dir / "i18n" / "en.toml", "language_name = \"English\"\n");
  auto chosen = find_assets_dir(dir);
  REQUIRE(chosen);
  CHECK(*chosen == dir);
  std::filesystem::remove_all(dir);
}
