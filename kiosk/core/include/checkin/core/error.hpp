// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Errors as values: every expected failure is returned, never thrown.
#include <expected>
#include <string>

namespace checkin {

enum class Errc {
  invalid_input,     // malformed data from outside (a file, a QR code, a config value)
  not_found,
  limit_exceeded,    // too many keys, too long an input, ...
  storage_full,      // disk full: nothing was recorded
  storage_readonly,  // database or file system is read-only: nothing was recorded
  storage_io,        // any other storage failure
  storage_corrupt,
  io,                // files outside the store (images, key files)
  unauthorized,      // credentials missing, wrong, expired or revoked (re-enrol the kiosk)
  forbidden,         // authenticated, but not allowed to do or see this
  conflict,          // the request clashes with what is stored (a name taken, a state changed)
  unavailable,       // a peer is down, busy or unreachable: try again later
};

struct Error {
  Errc code;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Errc code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

const char* to_string(Errc code);

}  // namespace checkin
