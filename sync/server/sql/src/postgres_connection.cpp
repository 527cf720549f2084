// The PostgreSQL backend (libpqxx). Interim: SQLite lands first; this file follows.
#include <fmt/format.h>

#include "backends.hpp"

namespace checkin::sql::detail {

Result<std::unique_ptr<Connection>> open_postgres(const std::string& url) {
  return fail(Errc::unavailable, fmt::format("PostgreSQL backend not built yet ({})", redacted(url)));
}

}  // namespace checkin::sql::detail
