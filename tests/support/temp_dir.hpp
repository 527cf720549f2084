// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A fresh, empty directory for one test, removed with everything in it at scope exit
// (kept when CHECKIN_KEEP_TEST_DIRS is set).
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace checkin::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "checkin-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    if (::getenv("CHECKIN_KEEP_TEST_DIRS")) return;  // to look at what a failing test left
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace checkin::testing
