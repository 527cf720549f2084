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

Device device_from_row(const sql::Row& row) {
  // id, site_id, name, enrolled_at_ms, last_seen_ms, last_upload_ms, clock_offset_ms, last_seq, revoked_at_ms
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
  return device;
}

constexpr std::string_view kDeviceWithTokenById =
    "SELECT id, site_id, name, enrolled_at_ms, last_seen_ms, last_upload_ms, clock_offset_ms, last_seq, revoked_at_ms, "
    "token_hash FROM devices WHERE id = $1";
constexpr std::string_view kAllDevices =
    "SELECT id, site_id, name, enrolled_at_ms, last_seen_ms, last_upload_ms, clock_offset_ms, last_seq, revoked_at_ms "
    "FROM devices ORDER BY enrolled_at_ms, id";

}  // namespace

Result<EnrolmentToken> ServerStore::create_enrolment_token(const Id& site_id, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<EnrolmentToken> {
    STORE_TRY(site, run(connection, "SELECT 1 FROM sites WHERE id = $1", {text(site_id)}));
    if (site.empty()) return fail(Errc::not_found, fmt::format("no site with id {}", site_id));
    EnrolmentToken token{random_token(), site_id, now + kEnrolmentTokenLife};
    STORE_CHECK(run(connection,
                    "INSERT INTO enrolment_tokens (token_hash, site_id, created_at_ms, expires_ms, used_at_ms, device_id) "
                    "VALUES ($1, $2, $3, $4, NULL, NULL)",
                    {text(sha256_hex(token.token)), text(site_id), millis(now), millis(token.expires)}));
    return token;
  });
}

Result<sync::EnrolResponse> ServerStore::enrol(const sync::EnrolRequest& request, WallTime now) {
  if (request.token.empty() || text_too_long(request.token, kMaxNameLength))
    return fail(Errc::unauthorized, std::string(kEnrolmentRefused));
  STORE_CHECK(check_length("device name", request.device_name, kMaxNameLength));
  if (request.device_name.find('\0') != std::string::npos)
    return fail(Errc::invalid_input, "a device name holds no NUL character");
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<sync::EnrolResponse> {
    // Claiming the token is one conditional UPDATE: of two kiosks presenting it at once,
    // exactly one sees a row come back.
    STORE_TRY(claimed, run(connection,
                           "UPDATE enrolment_tokens SET used_at_ms = $1 "
                           "WHERE token_hash = $2 AND used_at_ms IS NULL AND expires_ms > $3 RETURNING site_id",
                           {millis(now), text(sha256_hex(request.token)), millis(now)}));
    if (claimed.empty()) return fail(Errc::unauthorized, std::string(kEnrolmentRefused));
    const Id site_id = claimed.front().text(0);

    sync::EnrolResponse response;
    response.device_id = make_uuid_v7(now);
    response.device_token = random_token();
    response.server_time = now;
    STORE_CHECK(run(connection,
                    "INSERT INTO devices (id, site_id, name, token_hash, enrolled_at_ms, last_seq) "
                    "VALUES ($1, $2, $3, $4, $5, 0)",
                    {text(response.device_id), text(site_id), text(request.device_name),
                     text(sha256_hex(response.device_token)), millis(now)}));
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

Result<Device> ServerStore::authenticate(std::string_view device_id, std::string_view bearer_token) {
  if (device_id.empty() || text_too_long(device_id, kMaxIdLength) || bearer_token.empty() ||
      text_too_long(bearer_token, kMaxNameLength))
    return fail(Errc::unauthorized, std::string(kNotAuthenticated));
  auto lease = impl_->pool->lease();
  STORE_TRY(rows, run(*lease, kDeviceWithTokenById, {text(device_id)}));
  // Hash before looking at the row, so a wrong id and a wrong token take the same work.
  const std::string presented = sha256_hex(bearer_token);
  if (rows.empty()) return fail(Errc::unauthorized, std::string(kNotAuthenticated));
  if (!secrets_equal(presented, rows.front().text(9))) return fail(Errc::unauthorized, std::string(kNotAuthenticated));
  Device device = device_from_row(rows.front());
  if (device.revoked_at) return fail(Errc::unauthorized, "this kiosk was revoked: re-enrol it");
  return device;
}

Result<std::string> ServerStore::roll_device_token(const Id& device_id, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<std::string> {
    std::string token = random_token();
    STORE_TRY(rows, run(connection,
                        "UPDATE devices SET token_hash = $1, last_seen_ms = $2 WHERE id = $3 AND revoked_at_ms IS NULL "
                        "RETURNING id",
                        {text(sha256_hex(token)), millis(now), text(device_id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no active device with id {}", device_id));
    log_info("store", "rolled the token of device {}", device_id);
    return token;
  });
}

Result<void> ServerStore::revoke_device(const Id& device_id, WallTime now) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(rows, run(connection, "SELECT revoked_at_ms FROM devices WHERE id = $1", {text(device_id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no device with id {}", device_id));
    if (!rows.front().is_null(0)) return {};
    STORE_CHECK(run(connection, "UPDATE devices SET revoked_at_ms = $1 WHERE id = $2", {millis(now), text(device_id)}));
    log_info("store", "revoked device {}", device_id);
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
