// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The certificate and key files of HTTPS, read and checked against each other before the
// front hands them to libmicrohttpd (GnuTLS), so a mismatch is a clear start-up error.
#include <filesystem>
#include <string>

#include "checkin/core/error.hpp"

namespace checkin::server {

struct TlsPem {
  std::string certificate;  // the chain, leaf first
  std::string key;
};

Result<TlsPem> read_certificate_and_key(const std::filesystem::path& certificate, const std::filesystem::path& key);

}  // namespace checkin::server
