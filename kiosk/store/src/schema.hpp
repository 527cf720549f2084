// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Numbered schema migrations, tracked in PRAGMA user_version.
#include "checkin/core/error.hpp"
#include "sqlite.hpp"

namespace checkin::store {

// The version a database has after all migrations of this build.
int latest_schema_version();

// The database's current version (0 for a new file).
Result<int> schema_version_of(sqlite::Connection& connection);

// A database written by a newer version of this software is an error: its schema may
// mean things this build does not know, so it is left untouched.
Result<void> check_version_supported(int version);

// Applies the missing migrations in order, each in its own transaction, so a crash leaves
// the database at a whole version. A database newer than this build is an error.
Result<void> migrate(sqlite::Connection& connection);

}  // namespace checkin::store
