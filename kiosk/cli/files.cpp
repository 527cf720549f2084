// SPDX-License-Identifier: AGPL-3.0-or-later
#include "files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace checkin::cli {

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<void> write_text_file(const std::filesystem::path& path, const std::string& text, bool private_file) {
  auto tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, private_file ? 0600 : 0644);
  if (fd < 0) return fail(Errc::io, fmt::format("cannot write {}: {}", tmp.string(), std::strerror(errno)));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    ::unlink(tmp.c_str());
    return fail(Errc::io, fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
  }
  return {};
}

Result<SigningKey> load_signing_key(const std::filesystem::path& path) {
  auto text = read_text_file(path);
  if (!text) return std::unexpected(text.error());
  auto key = SigningKey::from_text(*text);
  if (!key) return fail(key.error().code, fmt::format("{}: {}", path.string(), key.error().message));
  return key;
}

Result<PublicKey> load_public_key(const std::filesystem::path& path) {
  auto text = read_text_file(path);
  if (!text) return std::unexpected(text.error());
  if (auto signing = SigningKey::from_text(*text)) return signing->public_key();
  std::string_view hex = *text;
  while (!hex.empty() && std::isspace(static_cast<unsigned char>(hex.back()))) hex.remove_suffix(1);
  auto key = PublicKey::from_hex(hex);
  if (!key) return fail(Errc::invalid_input, fmt::format("{}: not a public key (expected 64 hex digits)", path.string()));
  return key;
}

Result<PassVerifier> load_verifier(const std::vector<std::filesystem::path>& public_keys,
                                   const std::filesystem::path& revocations_file) {
  PassVerifier verifier;
  for (const auto& path : public_keys) {
    auto key = load_public_key(path);
    if (!key) return std::unexpected(key.error());
    if (auto added = verifier.keys().add(*key); !added) return std::unexpected(added.error());
  }
  if (!revocations_file.empty()) {
    auto text = read_text_file(revocations_file);
    if (!text) return std::unexpected(text.error());
    std::istringstream lines(*text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      if (line.empty() || line.starts_with('#')) continue;
      std::array<std::uint8_t, 16> id{};
      if (!from_hex(line, id))
        return fail(Errc::invalid_input,
                    fmt::format("{} line {}: expected a pass id (32 hex digits)", revocations_file.string(), number));
      verifier.revocations().insert(to_hex(id));
    }
  }
  return verifier;
}

}  // namespace checkin::cli
