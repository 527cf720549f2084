// SPDX-License-Identifier: AGPL-3.0-or-later
// Pass-signing keys (rotation: at most three active, the newest signs) and passes
// (issuing, reissuing, revoking). Keys and revocations are what kiosks verify with, so
// every change here bumps the change counter too.
#include <fmt/format.h>

#include "checkin/core/ids.hpp"
#include "checkin/core/log.hpp"
#include "store_internal.hpp"

namespace checkin::server {

using namespace detail;

namespace {

SigningKeyInfo key_from_row(const sql::Row& row) {
  // key_id, public_key, created_at_ms, retired_at_ms
  return SigningKeyInfo{row.text(0), row.text(1), wall_time(row.integer(2)), optional_wall_time(row, 3)};
}

PassRecord pass_from_row(const sql::Row& row) {
  // pass_id, person_id, key_id, issued_at_ms, expires_ms, revoked_at_ms
  return PassRecord{row.text(0), row.text(1), row.text(2), wall_time(row.integer(3)), wall_time(row.integer(4)),
                    optional_wall_time(row, 5)};
}

// Marks the pass revoked and lists it for the kiosks. Idempotent.
Result<void> record_revocation(sql::Connection& connection, std::string_view pass_id, WallTime now, std::int64_t seq) {
  STORE_CHECK(run(connection,
                  "UPDATE passes SET revoked_at_ms = $1, change_seq = $2 WHERE pass_id = $3 AND revoked_at_ms IS NULL",
                  {millis(now), integer(seq), text(pass_id)}));
  STORE_CHECK(run(connection,
                  "INSERT INTO revocations (pass_id, revoked_at_ms, change_seq) VALUES ($1, $2, $3) "
                  "ON CONFLICT (pass_id) DO NOTHING",
                  {text(pass_id), millis(now), integer(seq)}));
  return {};
}

}  // namespace

namespace detail {

Result<std::vector<sync::KeyEntry>> active_public_keys(sql::Connection& connection) {
  STORE_TRY(rows, run(connection,
                      "SELECT key_id, public_key FROM signing_keys WHERE retired_at_ms IS NULL ORDER BY generation DESC"));
  std::vector<sync::KeyEntry> keys;
  for (const auto& row : rows) keys.push_back(sync::KeyEntry{row.text(0), row.text(1)});
  return keys;
}

}  // namespace detail

Result<SigningKeyInfo> ServerStore::create_signing_key(WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<SigningKeyInfo> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(active, run(connection, "SELECT COUNT(*) FROM signing_keys WHERE retired_at_ms IS NULL"));
    if (active.front().integer(0) >= static_cast<std::int64_t>(kMaxActiveKeys))
      return fail(Errc::limit_exceeded,
                  fmt::format("{} keys are active already: retire the oldest before creating another", kMaxActiveKeys));
    SigningKey key = SigningKey::generate();
    SigningKeyInfo info{key.public_key().key_id(), key.public_key().to_hex(), now, std::nullopt};
    STORE_CHECK(run(connection,
                    "INSERT INTO signing_keys (key_id, public_key, seed_text, generation, created_at_ms, retired_at_ms, "
                    "change_seq) VALUES ($1, $2, $3, $4, $5, NULL, $6)",
                    {text(info.key_id), text(info.public_key), text(key.to_text()), integer(seq), millis(now),
                     integer(seq)}));
    log_info("store", "created signing key {}", info.key_id);
    return info;
  });
}

Result<void> ServerStore::retire_signing_key(std::string_view key_id, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(found, run(connection, "SELECT retired_at_ms FROM signing_keys WHERE key_id = $1", {text(key_id)}));
    if (found.empty()) return fail(Errc::not_found, fmt::format("no signing key {}", key_id));
    if (!found.front().is_null(0)) return {};
    STORE_CHECK(run(connection, "UPDATE signing_keys SET retired_at_ms = $1, change_seq = $2 WHERE key_id = $3",
                    {millis(now), integer(seq), text(key_id)}));
    log_info("store", "retired signing key {}", key_id);
    return {};
  });
}

Result<std::vector<SigningKeyInfo>> ServerStore::signing_keys() {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<SigningKeyInfo>> {
    STORE_TRY(rows, run(connection,
                        "SELECT key_id, public_key, created_at_ms, retired_at_ms FROM signing_keys "
                        "ORDER BY CASE WHEN retired_at_ms IS NULL THEN 0 ELSE 1 END, generation DESC"));
    std::vector<SigningKeyInfo> keys;
    for (const auto& row : rows) keys.push_back(key_from_row(row));
    return keys;
  });
}

Result<IssuedPass> ServerStore::issue_pass(const Id& person_id, WallTime expires, WallTime now) {
  // A pass holds its expiry in whole seconds; the record says what the pass says.
  expires = std::chrono::floor<std::chrono::seconds>(expires);
  if (expires <= now) return fail(Errc::invalid_input, "a pass must expire in the future");
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<IssuedPass> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(person, run(connection, "SELECT 1 FROM people WHERE id = $1", {text(person_id)}));
    if (person.empty()) return fail(Errc::not_found, fmt::format("no person with id {}", person_id));
    STORE_TRY(keys, run(connection,
                        "SELECT key_id, seed_text FROM signing_keys WHERE retired_at_ms IS NULL "
                        "ORDER BY generation DESC LIMIT 1"));
    if (keys.empty()) return fail(Errc::not_found, "no active signing key: create one first");
    auto key = SigningKey::from_text(keys.front().text(1));
    if (!key)
      return fail(Errc::storage_corrupt,
                  fmt::format("signing key {} is unreadable: {}", keys.front().text(0), key.error().message));

    // Reissuing: the person's earlier passes stop working when the new one exists.
    STORE_TRY(earlier, run(connection, "SELECT pass_id FROM passes WHERE person_id = $1 AND revoked_at_ms IS NULL",
                           {text(person_id)}));
    for (const auto& row : earlier) STORE_CHECK(record_revocation(connection, row.text(0), now, seq));

    IssuedPass issued;
    issued.record = PassRecord{new_pass_id(), person_id, keys.front().text(0), now, expires, std::nullopt};
    STORE_TRY(pass_text, checkin::issue_pass(*key, issued.record.pass_id, expires));
    issued.text = std::move(pass_text);
    STORE_CHECK(run(connection,
                    "INSERT INTO passes (pass_id, person_id, key_id, issued_at_ms, expires_ms, revoked_at_ms, change_seq) "
                    "VALUES ($1, $2, $3, $4, $5, NULL, $6)",
                    {text(issued.record.pass_id), text(person_id), text(issued.record.key_id), millis(now),
                     millis(expires), integer(seq)}));
    log_info("store", "issued pass {} (key {}), revoking {} earlier", issued.record.pass_id, issued.record.key_id,
             earlier.size());
    return issued;
  });
}

Result<void> ServerStore::revoke_pass(std::string_view pass_id, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(found, run(connection, "SELECT revoked_at_ms FROM passes WHERE pass_id = $1", {text(pass_id)}));
    if (found.empty()) return fail(Errc::not_found, fmt::format("no pass {}", pass_id));
    if (!found.front().is_null(0)) return {};  // revoked already: the first time stands
    STORE_CHECK(record_revocation(connection, pass_id, now, seq));
    log_info("store", "revoked pass {}", pass_id);
    return {};
  });
}

Result<std::vector<PassRecord>> ServerStore::passes_of(const Id& person_id) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<PassRecord>> {
    STORE_TRY(rows, run(connection,
                        "SELECT pass_id, person_id, key_id, issued_at_ms, expires_ms, revoked_at_ms FROM passes "
                        "WHERE person_id = $1 ORDER BY issued_at_ms DESC, pass_id",
                        {text(person_id)}));
    std::vector<PassRecord> passes;
    for (const auto& row : rows) passes.push_back(pass_from_row(row));
    return passes;
  });
}

Result<std::optional<PassRecord>> ServerStore::pass(std::string_view pass_id) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::optional<PassRecord>> {
    STORE_TRY(rows, run(connection,
                        "SELECT pass_id, person_id, key_id, issued_at_ms, expires_ms, revoked_at_ms FROM passes "
                        "WHERE pass_id = $1",
                        {text(pass_id)}));
    if (rows.empty()) return std::optional<PassRecord>{};
    return std::optional<PassRecord>{pass_from_row(rows.front())};
  });
}

// A pass holds only its id, key id and expiry, all stored: signing them again with the
// same key gives the very text issued (Ed25519 is deterministic), so a pass can be printed
// again without revoking it.
Result<std::string> ServerStore::pass_text(std::string_view pass_id, WallTime now) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::string> {
    STORE_TRY(rows, run(connection,
                        "SELECT p.expires_ms, p.revoked_at_ms, k.key_id, k.seed_text, k.retired_at_ms "
                        "FROM passes p JOIN signing_keys k ON k.key_id = p.key_id WHERE p.pass_id = $1",
                        {text(pass_id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no pass {}", pass_id));
    const sql::Row& row = rows.front();
    if (!row.is_null(1)) return fail(Errc::conflict, fmt::format("pass {} was revoked: issue a new one", pass_id));
    const WallTime expires = wall_time(row.integer(0));
    if (expires <= now) return fail(Errc::conflict, fmt::format("pass {} has expired: issue a new one", pass_id));
    if (!row.is_null(4))
      return fail(Errc::conflict,
                  fmt::format("pass {} was signed with the retired key {}: issue a new one", pass_id, row.text(2)));
    auto key = SigningKey::from_text(row.text(3));
    if (!key)
      return fail(Errc::storage_corrupt,
                  fmt::format("signing key {} is unreadable: {}", row.text(2), key.error().message));
    return checkin::issue_pass(*key, pass_id, expires);
  });
}

}  // namespace checkin::server
