// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The whole of a file as bytes (a log, a screen's words); empty when it cannot be read.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace checkin::testing {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace checkin::testing
