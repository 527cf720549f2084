// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What sql.cpp needs from the two backend files; nothing outside this library sees it.
#include <memory>
#include <string>
#include <string_view>

#include "checkin/server/sql.hpp"

namespace checkin::sql::detail {

Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path);
Result<std::unique_ptr<Connection>> open_postgres(const std::string& url);

// The SQL text with $N turned into SQLite's ?N, and the highest N. Refuses a '$' that is
// not a placeholder and a bare '?' (they mean different things on the two backends);
// string literals, quoted names and comments are left as they are.
struct Placeholders {
  std::string sqlite_text;
  std::size_t highest = 0;
};
Result<Placeholders> scan_placeholders(std::string_view sql);

std::string shortened(std::string_view sql);  // for messages

// The URL with any password replaced by "***", for messages and logs.
std::string redacted(std::string_view url);

// PostgreSQL cannot store NUL in text, and SQLite would store what PostgreSQL cannot:
// both backends refuse it so that the store behaves the same on either.
Result<void> check_parameters(std::span<const Value> params);

}  // namespace checkin::sql::detail
