// SPDX-License-Identifier: AGPL-3.0-or-later
// Kiosks: enrolment with a single-use token, device tokens (only their SHA-256 is stored),
// authentication, rolling and revoking tokens, and what the server notes at each contact.
#include <fmt/format.h>

#include "checkin/core/ids.hpp"
#include "checkin/core/log.hpp"
#include "store_internal.hpp"

namespace checkin::server {

using namespace detail;

namespace {

// One message for every refused enrolment: it must not tell a guesser whether a token
// exists, was used or expired.
constexpr std::string_view kEnrolmentRefused = "this enrolment code is not valid: ask for a new one";
constexpr std::string_view kNotAuthenticated = "unknown device or wrong token: re-enrol this kiosk";
constexpr std::string_view kLocalDevicePrefix = "local-";

// The columns after DEVICE_COLUMNS' first twelve (see below).
constexpr int kNextTokenHashColumn = 14;
constexpr int kTokenHashColumn = 15;  // kDeviceWithTokenById only

Device device_from_row(const sql::Row& row) {
  // id, site_id, name, enrolled_at_ms, last_seen_ms, last_upload_ms, clock_offset_ms, last_seq, revoked_at_ms,
  // local_id, replaces, replaced_by, token_since_ms, roll_requested_ms, next_token_hash
  Device device;
  device.id = row.text(0);
  device.site_id = row.text(1);
  device.name = row.text(2);
  device.enrolled_at = wall_time(row.integer(3));
  device.last_seen = optional_wall_time(row, 4);
  device.last_upload = optional_wall_time(row, 5);
  if (!row.is_null(6)) device.clock_offset = Millis{row.integer(6)};
  device.last_seq = row.integer(7);
  device.revoked_at = optional_wall_time(row, 8);
  device.local_id = row.text(9);
  device.replaces = row.text(10);
  device.replaced_by = row.text(11);
  device.token_since = wall_time(row.integer(12));
  device.roll_requested = optional_wall_time(row, 13);
  device.new_token_waiting = !row.text(kNextTokenHashColumn).empty();
  return device;
}

#define DEVICE_COLUMNS                                                                                     \
  "id, site_id, name, enrolled_at_ms, last_seen_ms, last_upload_ms, clock_offset_ms, last_seq, revoked_at_ms, " \
  "local_id, replaces, replaced_by, token_since_ms, roll_requested_ms, next_token_hash"
constexpr std::string_view kDeviceWithTokenById =
    "SELECT " DEVICE_COLUMNS ", token_hash FROM devices WHERE id = $1 AND kind = 'kiosk'";
constexpr std::string_view kAllDevices =
    "SELECT " DEVICE_COLUMNS " FROM devices WHERE kind = 'kiosk' ORDER BY enrolled_at_ms, id";
#undef DEVICE_COLUMNS

// The name a kiosk goes by: the coordinator's from the code, else the kiosk's own proposal.
Result<std::string> checked_device_name(std::string_view name) {
  if (auto ok = sync::check_device_name(name); !ok) return std::unexpected(ok.error());
  return std::string(name);
}

}  // namespace

Result<EnrolmentToken> ServerStore::create_enrolment_token(const Id& site_id, WallTime now,
                                                           std::string_view device_name) {
  STORE_TRY(name, checked_device_name(device_name));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<EnrolmentToken> {
    STORE_TRY(site, run(connection, "SELECT 1 FROM sites WHERE id = $1", {text(site_id)}));
    if (site.empty()) return fail(Errc::not_found, fmt::format("no site with id {}", site_id));
    EnrolmentToken token{random_token(), site_id, now + kEnrolmentTokenLife, name};
    STORE_CHECK(run(connection,
                    "INSERT INTO enrolment_tokens (token_hash, site_id, created_at_ms, expires_ms, used_at_ms, device_id, "
                    "device_name) VALUES ($1, $2, $3, $4, NULL, NULL, $5)",
                    {text(sha256_hex(token.token)), text(site_id), millis(now), millis(token.expires), text(name)}));
    return token;
  });
}

Result<sync::EnrolResponse> ServerStore::enrol(const sync::EnrolRequest& request, WallTime now) {
  if (request.token.empty() || text_too_long(request.token, kMaxNameLength))
    return fail(Errc::unauthorized, std::string(kEnrolmentRefused));
  // A kiosk's proposal is only a host name: one too long is shortened (never inside a UTF-8
  // character), one that is no valid name replaced, rather than refused.
  std::string proposed = request.device_name;
  if (proposed.size() > sync::kMaxDeviceNameLength) {
    std::size_t cut = sync::kMaxDeviceNameLength;
    while (cut > 0 && (static_cast<unsigned char>(proposed[cut]) & 0xC0) == 0x80) --cut;
    proposed.resize(cut);
  }
  if (!sync::check_device_name(proposed)) proposed = "kiosk";
  for (auto [field, value] : {std::pair{"local_device_id", &request.local_device_id},
                              std::pair{"previous_device_id", &request.previous_device_id},
                              std::pair{"previous_device_token", &request.previous_device_token}}) {
    STORE_CHECK(check_length(field, *value, kMaxIdLength));
    if (value->find('\0') != std::string::npos) return fail(Errc::invalid_input, fmt::format("{} holds a NUL", field));
  }
  if (!request.local_device_id.empty() && !request.local_device_id.starts_with(kLocalDevicePrefix))
    return fail(Errc::invalid_input, "local_device_id must start with local-");
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<sync::EnrolResponse> {
    // Claiming the token is one conditional UPDATE: of two kiosks presenting it at once,
    // exactly one sees a row come back.
    STORE_TRY(claimed, run(connection,
                           "UPDATE enrolment_tokens SET used_at_ms = $1 "
                           "WHERE token_hash = $2 AND used_at_ms IS NULL AND expires_ms > $3 RETURNING site_id, device_name",
                           {millis(now), text(sha256_hex(request.token)), millis(now)}));
    if (claimed.empty()) return fail(Errc::unauthorized, std::string(kEnrolmentRefused));
    const Id site_id = claimed.front().text(0);
    const std::string given_name = claimed.front().text(1);

    // A kiosk enrolled before proves it with its previous token (even a revoked one: that is
    // why it enrols again). Its earlier events then count as this kiosk's own.
    Id replaces;
    if (!request.previous_device_id.empty()) {
      // Its token, or a rolled one it saved and had not used yet.
      STORE_TRY(previous, run(connection, "SELECT token_hash, next_token_hash FROM devices WHERE id = $1 AND kind = 'kiosk'",
                              {text(request.previous_device_id)}));
      const std::string presented = sha256_hex(request.previous_device_token);
      if (!previous.empty() && (secrets_equal(presented, previous.front().text(0)) ||
                                secrets_equal(presented, previous.front().text(1)))) {
        replaces = request.previous_device_id;
      } else {
        log_warn("store", "an enrolment named device {} as its previous one without proof; enrolled as a new kiosk",
                 request.previous_device_id);
      }
    }

    sync::EnrolResponse response;
    response.device_id = make_uuid_v7(now);
    response.device_token = random_token();
    response.server_time = now;
    response.device_name = given_name.empty() ? proposed : given_name;
    STORE_CHECK(run(connection,
                    "INSERT INTO devices (id, site_id, name, token_hash, enrolled_at_ms, last_seq, kind, local_id, replaces, "
                    "token_since_ms) VALUES ($1, $2, $3, $4, $5, 0, 'kiosk', $6, $7, $5)",
                    {text(response.device_id), text(site_id), text(response.device_name),
                     text(sha256_hex(response.device_token)), millis(now), text(request.local_device_id),
                     text(replaces)}));
    if (!replaces.empty()) {
      // The old enrolment stops working; its name carries over unless the code gave one.
      STORE_CHECK(run(connection,
                      "UPDATE devices SET replaced_by = $1, revoked_at_ms = COALESCE(revoked_at_ms, $2) WHERE id = $3",
                      {text(response.device_id), millis(now), text(replaces)}));
      if (given_name.empty()) {
        STORE_TRY(old_name, run(connection, "SELECT name FROM devices WHERE id = $1", {text(replaces)}));
        if (!old_name.empty()) {
          response.device_name = old_name.front().text(0);
          STORE_CHECK(run(connection, "UPDATE devices SET name = $1 WHERE id = $2",
                          {text(response.device_name), text(response.device_id)}));
        }
      }
      log_info("store", "device {} replaces device {} (the same kiosk, enrolled again)", response.device_id, replaces);
    }
    STORE_CHECK(run(connection, "UPDATE enrolment_tokens SET device_id = $1 WHERE token_hash = $2",
                    {text(response.device_id), text(sha256_hex(request.token))}));
    STORE_TRY(site, load_site(connection, site_id));
    response.site = std::move(site);
    STORE_TRY(keys, active_public_keys(connection));
    response.public_keys = std::move(keys);
    log_info("store", "enrolled device {} at site {}", response.device_id, site_id);
    return response;
  });
}

Result<Device> ServerStore::authenticate(std::string_view device_id, std::string_view bearer_token, WallTime now) {
  if (device_id.empty() || text_too_long(device_id, kMaxIdLength) || bearer_token.empty() ||
      text_too_long(bearer_token, kMaxNameLength))
    return fail(Errc::unauthorized, std::string(kNotAuthenticated));
  std::optional<sql::Row> row;
  {
    auto lease = impl_->pool->lease();
    STORE_TRY(rows, run(*lease, kDeviceWithTokenById, {text(device_id)}));
    if (!rows.empty()) row = std::move(rows.front());
  }
  // Hash before looking at the row, so a wrong id and a wrong token take the same work.
  const std::string presented = sha256_hex(bearer_token);
  if (!row) return fail(Errc::unauthorized, std::string(kNotAuthenticated));
  Device device = device_from_row(*row);
  const bool current = secrets_equal(presented, row->text(kTokenHashColumn));
  const bool rolled = device.new_token_waiting && secrets_equal(presented, row->text(kNextTokenHashColumn));
  if (!current && !rolled) return fail(Errc::unauthorized, std::string(kNotAuthenticated));
  if (!device.replaced_by.empty())
    return fail(Errc::unauthorized, "this enrolment was replaced by a newer one of the same kiosk");
  if (device.revoked_at) return fail(Errc::unauthorized, "this kiosk was revoked: re-enrol it");
  if (rolled) {
    // The kiosk saved its new token: from now on only that one works.
    STORE_TRY(switched, impl_->transact(true, [&](sql::Connection& connection) -> Result<bool> {
      STORE_TRY(rows, run(connection,
                          "UPDATE devices SET token_hash = next_token_hash, next_token_hash = '', token_since_ms = $1, "
                          "roll_requested_ms = NULL WHERE id = $2 AND next_token_hash = $3 RETURNING id",
                          {millis(now), text(device.id), text(presented)}));
      return !rows.empty();
    }));
    // Not switched: a concurrent request of the same kiosk switched first (or a newer roll
    // replaced this token in between, which the kiosk's next request will show).
    if (switched) log_info("store", "device {}: its rolled token is in use, the one before retired", device.id);
    device.token_since = now;
    device.roll_requested.reset();
    device.new_token_waiting = false;
  }
  return device;
}

bool token_roll_due(const Device& device, WallTime now) {
  return device.roll_requested.has_value() || now - device.token_since >= kDeviceTokenLifetime;
}

Result<std::string> ServerStore::roll_device_token(const Id& device_id, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<std::string> {
    std::string token = random_token();
    STORE_TRY(rows, run(connection,
                        "UPDATE devices SET next_token_hash = $1, last_seen_ms = $2 "
                        "WHERE id = $3 AND revoked_at_ms IS NULL AND kind = 'kiosk' RETURNING id",
                        {text(sha256_hex(token)), millis(now), text(device_id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no active device with id {}", device_id));
    log_info("store", "device {}: a new token handed out; the current one works until it is used", device_id);
    return token;
  });
}

Result<void> ServerStore::request_token_roll(const Id& device_id, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(rows, run(connection,
                        "UPDATE devices SET roll_requested_ms = COALESCE(roll_requested_ms, $1) "
                        "WHERE id = $2 AND revoked_at_ms IS NULL AND kind = 'kiosk' RETURNING id",
                        {millis(now), text(device_id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no active kiosk with id {}", device_id));
    log_info("store", "device {}: a new token requested, for its next sync", device_id);
    return {};
  });
}

Result<void> ServerStore::revoke_device(const Id& device_id, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(rows, run(connection, "SELECT revoked_at_ms FROM devices WHERE id = $1 AND kind = 'kiosk'", {text(device_id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no device with id {}", device_id));
    if (!rows.front().is_null(0)) return {};
    STORE_CHECK(run(connection, "UPDATE devices SET revoked_at_ms = $1 WHERE id = $2", {millis(now), text(device_id)}));
    log_info("store", "revoked device {}", device_id);
    return {};
  });
}

Result<void> ServerStore::rename_device(const Id& device_id, std::string_view name) {
  STORE_TRY(checked, checked_device_name(name));
  if (checked.empty()) return fail(Errc::invalid_input, "a kiosk's name must not be empty");
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(rows, run(connection, "UPDATE devices SET name = $1 WHERE id = $2 AND kind = 'kiosk' RETURNING id",
                        {text(checked), text(device_id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no kiosk with id {}", device_id));
    log_info("store", "device {} renamed", device_id);
    return {};
  });
}

Result<std::vector<Device>> ServerStore::devices() {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<Device>> {
    STORE_TRY(rows, run(connection, kAllDevices));
    std::vector<Device> devices;
    for (const auto& row : rows) devices.push_back(device_from_row(row));
    return devices;
  });
}

Result<void> ServerStore::note_contact(const Id& device_id, WallTime now, std::optional<WallTime> device_time) {
  auto lease = impl_->pool->lease();
  if (device_time) {
    const Millis offset = *device_time - now;
    STORE_CHECK(run(*lease, "UPDATE devices SET last_seen_ms = $1, clock_offset_ms = $2 WHERE id = $3",
                    {millis(now), integer(offset.count()), text(device_id)}));
  } else {
    STORE_CHECK(run(*lease, "UPDATE devices SET last_seen_ms = $1 WHERE id = $2", {millis(now), text(device_id)}));
  }
  return {};
}

}  // namespace checkin::server
