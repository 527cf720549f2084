// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/ui/assets.hpp"

#include <fmt/core.h>

#include <cstdlib>

namespace checkin::ui {

namespace {

bool holds_assets(const std::filesystem::path& dir) {
  std::error_code ec;
  return !dir.empty() && std::filesystem::is_regular_file(dir / "i18n" / "en.toml", ec);
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path{} : exe.parent_path();
}

}  // namespace

std::vector<std::filesystem::path> assets_search_path(const std::filesystem::path& override_dir) {
  std::vector<std::filesystem::path> places;
  if (!override_dir.empty()) places.push_back(override_dir);
  if (const char* env = std::getenv("CHECKIN_ASSETS"); env && *env) places.emplace_back(env);
  if (const auto exe = executable_dir(); !exe.empty()) places.push_back(exe.parent_path() / "share" / "checkin" / "assets");
  places.emplace_back(CHECKIN_INSTALLED_ASSETS_DIR);
  places.emplace_back(CHECKIN_SOURCE_ASSETS_DIR);
  return places;
}

Result<std::filesystem::path> find_assets_dir(const std::filesystem::path& override_dir) {
  if (!override_dir.empty()) {
    if (holds_assets(override_dir)) return override_dir;
    return fail(Errc::not_found, fmt::format("assets folder {} has no i18n/en.toml", override_dir.string()));
  }
  const auto places = assets_search_path();
  for (const auto& place : places) {
    if (holds_assets(place)) return place;
  }
  std::string tried;
  for (const auto& place : places) tried += (tried.empty() ? "" : ", ") + place.string();
  return fail(Errc::not_found, fmt::format("no assets folder (with i18n/en.toml) found; looked in {}", tried));
}

}  // namespace checkin::ui
