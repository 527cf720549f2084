// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Where the kiosk's assets (translations in i18n/, sounds) are at run time.
#include <filesystem>
#include <vector>

#include "checkin/core/error.hpp"

namespace checkin::ui {

// The places looked at, in order:
//   1. `override_dir` when not empty (the app's --assets flag or config key);
//   2. $CHECKIN_ASSETS;
//   3. <executable>/../share/checkin/assets (an installed or relocated kiosk);
//   4. the install prefix chosen at build time (<prefix>/share/checkin/assets);
//   5. the source tree's assets/ (running from a build tree).
// The first that holds i18n/en.toml wins. An override that does not is an error (it was
// asked for explicitly), naming the folder.
Result<std::filesystem::path> find_assets_dir(const std::filesystem::path& override_dir = {});
std::vector<std::filesystem::path> assets_search_path(const std::filesystem::path& override_dir = {});

inline std::filesystem::path i18n_dir(const std::filesystem::path& assets_dir) { return assets_dir / "i18n"; }

}  // namespace checkin::ui
