#pragma once
// What sql.cpp needs from the two backend files; nothing outside this library sees it.
#include <memory>
#include <string>
#include <string_view>

#include "checkin/server/sql.hpp"

namespace checkin::sql::detail {

Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path);
Result<std::unique_ptr<Connection>> open_postgres(const std::string& url);

// The URL with any password replaced by "***", for messages and logs.
std::string redacted(std::string_view url);

// PostgreSQL cannot store NUL in text, and SQLite would store what PostgreSQL cannot:
// both backends refuse it so that the store behaves the same on either.
Result<void> check_parameters(std::span<const Value> params);

}  // namespace checkin::sql::detail
