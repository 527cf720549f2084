// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// RGBA screenshots as PNG files (zlib at its fastest level).
#include <cstdint>
#include <filesystem>
#include <vector>

#include "checkin/core/error.hpp"

namespace checkin::platform {

Result<std::vector<std::uint8_t>> encode_png_rgba(int width, int height, const std::uint8_t* rgba);
// Written to a temporary name and renamed into place.
Result<void> write_png_rgba(const std::filesystem::path& path, int width, int height, const std::uint8_t* rgba);

}  // namespace checkin::platform
