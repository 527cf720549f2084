// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/error.hpp"

namespace checkin {

const char* to_string(Errc code) {
  switch (code) {
    case Errc::invalid_input: return "invalid input";
    case Errc::not_found: return "not found";
    case Errc::limit_exceeded: return "limit exceeded";
    case Errc::storage_full: return "storage full";
    case Errc::storage_readonly: return "storage read-only";
    case Errc::storage_io: return "storage error";
    case Errc::storage_corrupt: return "storage corrupt";
    case Errc::io: return "i/o error";
    case Errc::unauthorized: return "unauthorized";
    case Errc::forbidden: return "forbidden";
    case Errc::conflict: return "conflict";
    case Errc::unavailable: return "unavailable";
  }
  return "unknown error";
}

}  // namespace checkin
