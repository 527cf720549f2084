// SPDX-License-Identifier: AGPL-3.0-or-later
// Opening the store, and the organisation's reference data: sites, programs, sessions,
// shifts, people and their registrations, kiosk settings. Every write bumps the change
// counter first and stamps what it changes, so kiosks' cursors see it (see changes.cpp).
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <map>
#include <set>

#include "checkin/core/log.hpp"
#include "store_internal.hpp"

namespace checkin::server {

using namespace detail;

namespace {

constexpr std::size_t kMaxLanguageLength = 35;  // BCP 47 tags are shorter

Result<void> check_id(std::string_view field, const Id& id) {
  if (id.empty()) return fail(Errc::invalid_input, fmt::format("{} is empty", field));
  return check_length(field, id, kMaxIdLength);
}

Result<bool> exists(sql::Connection& connection, std::string_view statement, const Id& id) {
  STORE_TRY(rows, run(connection, statement, {text(id)}));
  return !rows.empty();
}

Result<void> require(sql::Connection& connection, std::string_view statement, std::string_view what, const Id& id) {
  STORE_TRY(found, exists(connection, statement, id));
  if (!found) return fail(Errc::not_found, fmt::format("no {} with id {}", what, id));
  return {};
}

Result<void> require_site(sql::Connection& connection, const Id& id) {
  return require(connection, "SELECT 1 FROM sites WHERE id = $1", "site", id);
}
Result<void> require_program(sql::Connection& connection, const Id& id) {
  return require(connection, "SELECT 1 FROM programs WHERE id = $1", "program", id);
}
Result<void> require_person(sql::Connection& connection, const Id& id) {
  return require(connection, "SELECT 1 FROM people WHERE id = $1", "person", id);
}

std::vector<Id> sorted_unique(std::vector<Id> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Result<void> check_program(const Program& program) {
  STORE_CHECK(check_length("program id", program.id, kMaxIdLength));
  if (program.name.empty()) return fail(Errc::invalid_input, "a program needs a name");
  STORE_CHECK(check_length("public alias", program.public_alias, kMaxNameLength));
  return check_length("program name", program.name, kMaxNameLength);
}

Result<Session> checked_session(Session session) {
  STORE_CHECK(check_length("session id", session.id, kMaxIdLength));
  STORE_CHECK(check_id("session program", session.program_id));
  STORE_CHECK(check_id("session site", session.site_id));
  STORE_CHECK(check_length("room", session.room, kMaxNameLength));
  if (session.end <= session.start) return fail(Errc::invalid_input, "a session ends after it starts");
  if (session.window_opens == WallTime{} && session.window_closes == WallTime{})
    session = with_default_window(std::move(session));
  if (session.window_closes <= session.window_opens)
    return fail(Errc::invalid_input, "a session's check-in window closes after it opens");
  if (session.capacity && *session.capacity < 0) return fail(Errc::invalid_input, "a capacity is not negative");
  return session;
}

Result<Shift> checked_shift(Shift shift) {
  STORE_CHECK(check_length("shift id", shift.id, kMaxIdLength));
  STORE_CHECK(check_id("shift site", shift.site_id));
  STORE_CHECK(check_length("role", shift.role, kMaxNameLength));
  if (shift.end <= shift.start) return fail(Errc::invalid_input, "a shift ends after it starts");
  for (const auto& person : shift.assigned_people) STORE_CHECK(check_id("assigned person", person));
  shift.assigned_people = sorted_unique(std::move(shift.assigned_people));
  return shift;
}

Result<PersonRecord> checked_person(PersonRecord person) {
  STORE_CHECK(check_length("person id", person.id, kMaxIdLength));
  STORE_CHECK(check_length("preferred name", person.preferred_name, kMaxNameLength));
  STORE_CHECK(check_length("language", person.language, kMaxLanguageLength));
  STORE_CHECK(check_length("site id", person.site_id, kMaxIdLength));
  for (const auto& program : person.registered_programs) STORE_CHECK(check_id("registered program", program));
  person.registered_programs = sorted_unique(std::move(person.registered_programs));
  return person;
}

sql::Value capacity_value(const std::optional<int>& capacity) {
  return capacity ? integer(*capacity) : sql::Value{nullptr};
}

Result<void> write_assignments(sql::Connection& connection, const Shift& shift, std::int64_t seq) {
  STORE_CHECK(run(connection, "DELETE FROM shift_assignments WHERE shift_id = $1", {text(shift.id)}));
  for (const auto& person : shift.assigned_people) {
    STORE_CHECK(require_person(connection, person));
    STORE_CHECK(run(connection, "INSERT INTO shift_assignments (shift_id, person_id, change_seq) VALUES ($1, $2, $3)",
                    {text(shift.id), text(person), integer(seq)}));
  }
  return {};
}

Result<void> write_registrations(sql::Connection& connection, const PersonRecord& person, std::int64_t seq) {
  STORE_CHECK(run(connection, "DELETE FROM registrations WHERE person_id = $1", {text(person.id)}));
  for (const auto& program : person.registered_programs) {
    STORE_CHECK(require_program(connection, program));
    STORE_CHECK(run(connection, "INSERT INTO registrations (person_id, program_id, change_seq) VALUES ($1, $2, $3)",
                    {text(person.id), text(program), integer(seq)}));
  }
  return {};
}

// A person's site is optional (empty: admins only) but must exist when given.
Result<void> check_person_site(sql::Connection& connection, const Id& site_id) {
  if (site_id.empty()) return {};
  STORE_TRY(site, load_site(connection, site_id));
  (void)site;
  return {};
}

// A new person's row and registrations; the site and programs were checked already.
Result<void> insert_person_rows(sql::Connection& connection, const PersonRecord& person, std::int64_t seq) {
  STORE_CHECK(run(connection,
                  "INSERT INTO people (id, preferred_name, language, site_id, change_seq) VALUES ($1, $2, $3, $4, $5)",
                  {text(person.id), text(person.preferred_name), text(person.language), text(person.site_id),
                   integer(seq)}));
  for (const auto& program : person.registered_programs)
    STORE_CHECK(run(connection, "INSERT INTO registrations (person_id, program_id, change_seq) VALUES ($1, $2, $3)",
                    {text(person.id), text(program), integer(seq)}));
  return {};
}

Result<void> insert_person(sql::Connection& connection, const PersonRecord& person, std::int64_t seq) {
  STORE_CHECK(check_person_site(connection, person.site_id));
  for (const auto& program : person.registered_programs) STORE_CHECK(require_program(connection, program));
  return insert_person_rows(connection, person, seq);
}

Result<std::vector<Id>> registrations_of(sql::Connection& connection, const Id& person_id) {
  STORE_TRY(rows, run(connection, "SELECT program_id FROM registrations WHERE person_id = $1 ORDER BY program_id",
                      {text(person_id)}));
  std::vector<Id> programs;
  for (const auto& row : rows) programs.push_back(row.text(0));
  return programs;
}

}  // namespace

// --- shared decoders ---

namespace detail {

Program program_from_row(const sql::Row& row) {
  Program program;
  program.id = row.text(0);
  program.name = row.text(1);
  program.discreet = row.integer(2) != 0;
  program.anonymous_allowed = row.integer(3) != 0;
  program.walk_ins_allowed = row.integer(4) != 0;
  program.registration = row.text(5) == "roster" ? Registration::roster : Registration::open;
  program.tracks_checkout = row.integer(6) != 0;
  program.feedback_enabled = row.integer(7) != 0;
  return program;
}

Session session_from_row(const sql::Row& row) {
  Session session;
  session.id = row.text(0);
  session.program_id = row.text(1);
  session.site_id = row.text(2);
  session.room = row.text(3);
  session.start = wall_time(row.integer(4));
  session.end = wall_time(row.integer(5));
  session.window_opens = wall_time(row.integer(6));
  session.window_closes = wall_time(row.integer(7));
  if (!row.is_null(8)) session.capacity = static_cast<int>(row.integer(8));
  return session;
}

Shift shift_from_row(const sql::Row& row) {
  Shift shift;
  shift.id = row.text(0);
  shift.site_id = row.text(1);
  shift.role = row.text(2);
  shift.start = wall_time(row.integer(3));
  shift.end = wall_time(row.integer(4));
  return shift;
}

Result<std::vector<Id>> shift_assignments(sql::Connection& connection, const Id& shift_id) {
  STORE_TRY(rows, run(connection, "SELECT person_id FROM shift_assignments WHERE shift_id = $1 ORDER BY person_id",
                      {text(shift_id)}));
  std::vector<Id> people;
  for (const auto& row : rows) people.push_back(row.text(0));
  return people;
}

Result<Site> load_site(sql::Connection& connection, const Id& site_id) {
  STORE_TRY(rows, run(connection, "SELECT id, name FROM sites WHERE id = $1", {text(site_id)}));
  if (rows.empty()) return fail(Errc::not_found, fmt::format("no site with id {}", site_id));
  return Site{rows.front().text(0), rows.front().text(1)};
}

Result<std::int64_t> next_change_seq(sql::Connection& connection) {
  STORE_TRY(rows, run(connection, "UPDATE change_counter SET value = value + 1 WHERE singleton = 1 RETURNING value"));
  if (rows.empty()) return fail(Errc::storage_corrupt, "the change_counter row is missing");
  // Every kiosk's feed answers once this commits (site_feed.hpp: `changes`): other server
  // processes hear it through PostgreSQL at the commit, this one from transact().
  STORE_CHECK(sql::announce(connection, kAttendanceChannel, ""));
  changes_in_transaction = true;
  return rows.front().integer(0);
}

}  // namespace detail

// --- opening ---

ServerStore::ServerStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ServerStore::~ServerStore() = default;

Result<std::unique_ptr<ServerStore>> ServerStore::open(const std::string& url, std::size_t connections) {
  if (sodium_init() < 0) return fail(Errc::io, "libsodium failed to initialise");
  auto pool = sql::Pool::open(url, connections);
  if (!pool) return std::unexpected(pool.error());
  auto impl = std::make_unique<Impl>();
  {
    auto lease = (*pool)->lease();
    STORE_CHECK(migrate(*lease));
    STORE_TRY(identity, database_identity(*lease));
    impl->database_id = std::move(identity);
  }
  impl->pool = std::move(*pool);
  impl->url = url;
  return std::unique_ptr<ServerStore>(new ServerStore(std::move(impl)));
}

int ServerStore::schema_version() { return known_schema_version(); }

sql::Backend ServerStore::backend() const { return impl_->pool->backend(); }

// --- sites ---

Result<Site> ServerStore::create_site(Site site) {
  if (site.id.empty()) site.id = new_server_id();
  STORE_CHECK(check_length("site id", site.id, kMaxIdLength));
  if (site.name.empty()) return fail(Errc::invalid_input, "a site needs a name");
  STORE_CHECK(check_length("site name", site.name, kMaxNameLength));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<Site> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_CHECK(run(connection, "INSERT INTO sites (id, name, change_seq) VALUES ($1, $2, $3)",
                    {text(site.id), text(site.name), integer(seq)}));
    return site;
  });
}

Result<std::vector<Site>> ServerStore::sites() {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<Site>> {
    STORE_TRY(rows, run(connection, "SELECT id, name FROM sites ORDER BY name, id"));
    std::vector<Site> sites;
    for (const auto& row : rows) sites.push_back(Site{row.text(0), row.text(1)});
    return sites;
  });
}

Result<void> ServerStore::rename_site(const Id& site_id, std::string_view name) {
  if (name.empty()) return fail(Errc::invalid_input, "a site needs a name");
  STORE_CHECK(check_length("site name", name, kMaxNameLength));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(rows, run(connection, "UPDATE sites SET name = $1, change_seq = $2 WHERE id = $3 RETURNING id",
                        {text(name), integer(seq), text(site_id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no site with id {}", site_id));
    return {};
  });
}

// --- programs ---

Result<Program> ServerStore::create_program(Program program) {
  if (program.id.empty()) program.id = new_server_id();
  STORE_CHECK(check_program(program));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<Program> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_CHECK(run(connection,
                    "INSERT INTO programs (id, name, discreet, anonymous_allowed, walk_ins_allowed, registration, "
                    "tracks_checkout, feedback_enabled, change_seq, public_alias) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                    {text(program.id), text(program.name), boolean(program.discreet),
                     boolean(program.anonymous_allowed), boolean(program.walk_ins_allowed),
                     text(program.registration == Registration::roster ? "roster" : "open"),
                     boolean(program.tracks_checkout), boolean(program.feedback_enabled), integer(seq),
                     text(program.public_alias)}));
    return program;
  });
}

Result<void> ServerStore::update_program(const Program& program) {
  STORE_CHECK(check_id("program id", program.id));
  STORE_CHECK(check_program(program));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(rows, run(connection,
                        "UPDATE programs SET name = $1, discreet = $2, anonymous_allowed = $3, walk_ins_allowed = $4, "
                        "registration = $5, tracks_checkout = $6, feedback_enabled = $7, change_seq = $8, "
                        "public_alias = $9 WHERE id = $10 RETURNING id",
                        {text(program.name), boolean(program.discreet), boolean(program.anonymous_allowed),
                         boolean(program.walk_ins_allowed),
                         text(program.registration == Registration::roster ? "roster" : "open"),
                         boolean(program.tracks_checkout), boolean(program.feedback_enabled), integer(seq),
                         text(program.public_alias), text(program.id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no program with id {}", program.id));
    return {};
  });
}

Result<std::vector<Program>> ServerStore::programs() {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<Program>> {
    STORE_TRY(rows, run(connection,
                        "SELECT id, name, discreet, anonymous_allowed, walk_ins_allowed, registration, "
                        "tracks_checkout, feedback_enabled, public_alias FROM programs ORDER BY name, id"));
    std::vector<Program> programs;
    for (const auto& row : rows) {
      programs.push_back(program_from_row(row));
      programs.back().public_alias = row.text(8);
    }
    return programs;
  });
}

// --- sessions ---

Result<Session> ServerStore::create_session(Session session) {
  if (session.id.empty()) session.id = new_server_id();
  STORE_TRY(checked, checked_session(std::move(session)));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<Session> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_CHECK(require_program(connection, checked.program_id));
    STORE_CHECK(require_site(connection, checked.site_id));
    STORE_CHECK(run(connection,
                    "INSERT INTO sessions (id, program_id, site_id, room, start_ms, end_ms, window_opens_ms, "
                    "window_closes_ms, capacity, cancelled, change_seq) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10)",
                    {text(checked.id), text(checked.program_id), text(checked.site_id), text(checked.room),
                     millis(checked.start), millis(checked.end), millis(checked.window_opens),
                     millis(checked.window_closes), capacity_value(checked.capacity), integer(seq)}));
    return checked;
  });
}

Result<std::vector<Session>> ServerStore::create_sessions(std::vector<Session> sessions, bool as_series) {
  if (sessions.empty()) return fail(Errc::invalid_input, "no sessions to create");
  if (sessions.size() > kMaxSessionsPerCall)
    return fail(Errc::limit_exceeded, fmt::format("at most {} sessions at once, not {}", kMaxSessionsPerCall,
                                                  sessions.size()));
  // Errors name the session's position (from 1), so a coordinator finds the bad date.
  auto at = [](std::size_t index, const Error& error) {
    return fail(error.code, fmt::format("session {}: {}", index + 1, error.message));
  };
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    if (sessions[i].id.empty()) sessions[i].id = new_server_id();
    auto checked = checked_session(std::move(sessions[i]));
    if (!checked) return at(i, checked.error());
    sessions[i] = std::move(*checked);
  }
  const Id series_id = as_series ? new_server_id() : Id{};
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<std::vector<Session>> {
    STORE_TRY(seq, next_change_seq(connection));
    std::set<Id> known_programs, known_sites;  // each looked up once
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      const Session& session = sessions[i];
      if (known_programs.insert(session.program_id).second) {
        if (auto found = require_program(connection, session.program_id); !found) return at(i, found.error());
      }
      if (known_sites.insert(session.site_id).second) {
        if (auto found = require_site(connection, session.site_id); !found) return at(i, found.error());
      }
      auto inserted = run(connection,
                          "INSERT INTO sessions (id, program_id, site_id, room, start_ms, end_ms, window_opens_ms, "
                          "window_closes_ms, capacity, cancelled, series_id, change_seq) "
                          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11)",
                          {text(session.id), text(session.program_id), text(session.site_id), text(session.room),
                           millis(session.start), millis(session.end), millis(session.window_opens),
                           millis(session.window_closes), capacity_value(session.capacity), text(series_id),
                           integer(seq)});
      if (!inserted) return at(i, inserted.error());
    }
    return sessions;
  });
}

Result<std::optional<Session>> ServerStore::session(const Id& session_id, SessionState* state) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::optional<Session>> {
    STORE_TRY(rows, run(connection,
                        "SELECT id, program_id, site_id, room, start_ms, end_ms, window_opens_ms, window_closes_ms, "
                        "capacity, cancelled, series_id FROM sessions WHERE id = $1",
                        {text(session_id)}));
    if (rows.empty()) return std::optional<Session>{};
    if (state) *state = SessionState{rows.front().integer(9) != 0, rows.front().text(10)};
    return std::optional<Session>{session_from_row(rows.front())};
  });
}

// A session keeps its site: kiosks follow their site's sessions, and the old site's kiosks
// would never learn that one moved away. Cancel it and create another instead.
Result<void> ServerStore::update_session(const Session& session) {
  STORE_CHECK(check_id("session id", session.id));
  STORE_TRY(checked, checked_session(session));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(current, run(connection, "SELECT site_id FROM sessions WHERE id = $1", {text(checked.id)}));
    if (current.empty()) return fail(Errc::not_found, fmt::format("no session with id {}", checked.id));
    if (current.front().text(0) != checked.site_id)
      return fail(Errc::conflict, "a session cannot move to another site: cancel it and create a new one");
    STORE_CHECK(require_program(connection, checked.program_id));
    STORE_CHECK(run(connection,
                    "UPDATE sessions SET program_id = $1, room = $2, start_ms = $3, end_ms = $4, "
                    "window_opens_ms = $5, window_closes_ms = $6, capacity = $7, change_seq = $8 WHERE id = $9",
                    {text(checked.program_id), text(checked.room), millis(checked.start), millis(checked.end),
                     millis(checked.window_opens), millis(checked.window_closes), capacity_value(checked.capacity),
                     integer(seq), text(checked.id)}));
    return {};
  });
}

Result<void> ServerStore::cancel_session(const Id& session_id) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(current, run(connection, "SELECT cancelled FROM sessions WHERE id = $1", {text(session_id)}));
    if (current.empty()) return fail(Errc::not_found, fmt::format("no session with id {}", session_id));
    if (current.front().integer(0) != 0) return {};  // already cancelled: nothing changes
    STORE_CHECK(run(connection, "UPDATE sessions SET cancelled = 1, change_seq = $1 WHERE id = $2",
                    {integer(seq), text(session_id)}));
    return {};
  });
}

Result<std::vector<Session>> ServerStore::sessions(const Id& site_id, WallTime from, WallTime to) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<Session>> {
    STORE_TRY(rows, run(connection,
                        "SELECT id, program_id, site_id, room, start_ms, end_ms, window_opens_ms, window_closes_ms, "
                        "capacity FROM sessions WHERE site_id = $1 AND cancelled = 0 AND start_ms < $2 AND end_ms > $3 "
                        "ORDER BY start_ms, id",
                        {text(site_id), millis(to), millis(from)}));
    std::vector<Session> sessions;
    for (const auto& row : rows) sessions.push_back(session_from_row(row));
    return sessions;
  });
}

// --- shifts ---

Result<Shift> ServerStore::create_shift(Shift shift) {
  if (shift.id.empty()) shift.id = new_server_id();
  STORE_TRY(checked, checked_shift(std::move(shift)));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<Shift> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_CHECK(require_site(connection, checked.site_id));
    STORE_CHECK(run(connection,
                    "INSERT INTO shifts (id, site_id, role, start_ms, end_ms, deleted, change_seq) "
                    "VALUES ($1, $2, $3, $4, $5, 0, $6)",
                    {text(checked.id), text(checked.site_id), text(checked.role), millis(checked.start),
                     millis(checked.end), integer(seq)}));
    STORE_CHECK(write_assignments(connection, checked, seq));
    return checked;
  });
}

// A shift keeps its site, for the same reason a session does.
Result<void> ServerStore::update_shift(const Shift& shift) {
  STORE_CHECK(check_id("shift id", shift.id));
  STORE_TRY(checked, checked_shift(shift));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(current, run(connection, "SELECT site_id, deleted FROM shifts WHERE id = $1", {text(checked.id)}));
    if (current.empty() || current.front().integer(1) != 0)
      return fail(Errc::not_found, fmt::format("no shift with id {}", checked.id));
    if (current.front().text(0) != checked.site_id)
      return fail(Errc::conflict, "a shift cannot move to another site: delete it and create a new one");
    STORE_CHECK(run(connection, "UPDATE shifts SET role = $1, start_ms = $2, end_ms = $3, change_seq = $4 WHERE id = $5",
                    {text(checked.role), millis(checked.start), millis(checked.end), integer(seq), text(checked.id)}));
    STORE_CHECK(write_assignments(connection, checked, seq));
    return {};
  });
}

Result<void> ServerStore::delete_shift(const Id& shift_id) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(current, run(connection, "SELECT deleted FROM shifts WHERE id = $1", {text(shift_id)}));
    if (current.empty()) return fail(Errc::not_found, fmt::format("no shift with id {}", shift_id));
    if (current.front().integer(0) != 0) return {};
    // The assignments go (nobody is expected any more); the row stays as a tombstone.
    STORE_CHECK(run(connection, "DELETE FROM shift_assignments WHERE shift_id = $1", {text(shift_id)}));
    STORE_CHECK(run(connection, "UPDATE shifts SET deleted = 1, change_seq = $1 WHERE id = $2",
                    {integer(seq), text(shift_id)}));
    return {};
  });
}

Result<std::vector<Shift>> ServerStore::shifts(const Id& site_id, WallTime from, WallTime to) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<Shift>> {
    STORE_TRY(rows, run(connection,
                        "SELECT id, site_id, role, start_ms, end_ms FROM shifts "
                        "WHERE site_id = $1 AND deleted = 0 AND start_ms < $2 AND end_ms > $3 ORDER BY start_ms, id",
                        {text(site_id), millis(to), millis(from)}));
    std::vector<Shift> shifts;
    for (const auto& row : rows) {
      Shift shift = shift_from_row(row);
      STORE_TRY(assigned, shift_assignments(connection, shift.id));
      shift.assigned_people = std::move(assigned);
      shifts.push_back(std::move(shift));
    }
    return shifts;
  });
}

Result<std::optional<Shift>> ServerStore::shift(const Id& shift_id) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::optional<Shift>> {
    STORE_TRY(rows, run(connection, "SELECT id, site_id, role, start_ms, end_ms FROM shifts WHERE id = $1 AND deleted = 0",
                        {text(shift_id)}));
    if (rows.empty()) return std::optional<Shift>{};
    Shift shift = shift_from_row(rows.front());
    STORE_TRY(assigned, shift_assignments(connection, shift.id));
    shift.assigned_people = std::move(assigned);
    return std::optional<Shift>{std::move(shift)};
  });
}

// --- people ---

namespace detail {

Result<PersonRecord> add_person(sql::Connection& connection, PersonRecord person) {
  if (person.id.empty()) person.id = new_server_id();
  STORE_TRY(checked, checked_person(std::move(person)));
  STORE_TRY(seq, next_change_seq(connection));
  STORE_CHECK(insert_person(connection, checked, seq));
  return checked;
}

}  // namespace detail

Result<PersonRecord> ServerStore::create_person(PersonRecord person) {
  return impl_->transact(true, [&](sql::Connection& connection) { return add_person(connection, person); });
}

Result<void> ServerStore::update_person(const PersonRecord& person) {
  STORE_CHECK(check_id("person id", person.id));
  STORE_TRY(checked, checked_person(person));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(seq, next_change_seq(connection));
    STORE_TRY(rows, run(connection,
                        "UPDATE people SET preferred_name = $1, language = $2, site_id = $3, change_seq = $4 "
                        "WHERE id = $5 RETURNING id",
                        {text(checked.preferred_name), text(checked.language), text(checked.site_id), integer(seq),
                         text(checked.id)}));
    if (rows.empty()) return fail(Errc::not_found, fmt::format("no person with id {}", checked.id));
    STORE_CHECK(check_person_site(connection, checked.site_id));
    return write_registrations(connection, checked, seq);
  });
}

Result<std::optional<PersonRecord>> ServerStore::person(const Id& person_id) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::optional<PersonRecord>> {
    STORE_TRY(rows, run(connection, "SELECT id, preferred_name, language, site_id FROM people WHERE id = $1",
                        {text(person_id)}));
    if (rows.empty()) return std::optional<PersonRecord>{};
    PersonRecord record{rows.front().text(0), rows.front().text(1), rows.front().text(2), {}, rows.front().text(3)};
    STORE_TRY(programs, registrations_of(connection, record.id));
    record.registered_programs = std::move(programs);
    return std::optional<PersonRecord>{std::move(record)};
  });
}

Result<std::vector<PersonRecord>> ServerStore::people() {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<PersonRecord>> {
    STORE_TRY(rows, run(connection, "SELECT id, preferred_name, language, site_id FROM people ORDER BY id"));
    STORE_TRY(registrations,
              run(connection, "SELECT person_id, program_id FROM registrations ORDER BY person_id, program_id"));
    std::map<Id, std::vector<Id>> programs_by_person;
    for (const auto& row : registrations) programs_by_person[row.text(0)].push_back(row.text(1));
    std::vector<PersonRecord> people;
    for (const auto& row : rows) {
      PersonRecord record{row.text(0), row.text(1), row.text(2), {}, row.text(3)};
      if (auto found = programs_by_person.find(record.id); found != programs_by_person.end())
        record.registered_programs = std::move(found->second);
      people.push_back(std::move(record));
    }
    return people;
  });
}

Result<std::vector<PersonRecord>> ServerStore::people_registered(const Id& program_id) {
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<std::vector<PersonRecord>> {
    STORE_TRY(rows, run(connection,
                        "SELECT p.id, p.preferred_name, p.language, p.site_id FROM people p "
                        "JOIN registrations r ON r.person_id = p.id WHERE r.program_id = $1 "
                        "ORDER BY p.preferred_name, p.id",
                        {text(program_id)}));
    std::vector<PersonRecord> people;
    for (const auto& row : rows) people.push_back(PersonRecord{row.text(0), row.text(1), row.text(2), {program_id}, row.text(3)});
    return people;
  });
}

// The programs and sites are read once and checked in memory, and each row is one INSERT
// of a cached statement: thousands of people take well under a second.
Result<std::vector<PersonRecord>> ServerStore::import_people(std::vector<PersonRecord> people) {
  // Errors name the person's position (from 1) in what the caller gave.
  auto at = [](std::size_t index, const Error& error) {
    return fail(error.code, fmt::format("person {}: {}", index + 1, error.message));
  };
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (people[i].id.empty()) people[i].id = new_server_id();
    auto checked = checked_person(std::move(people[i]));
    if (!checked) return at(i, checked.error());
    people[i] = std::move(*checked);
  }
  if (people.empty()) return people;
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<std::vector<PersonRecord>> {
    STORE_TRY(seq, next_change_seq(connection));
    std::set<Id> programs, sites;
    STORE_TRY(program_rows, run(connection, "SELECT id FROM programs"));
    for (const auto& row : program_rows) programs.insert(row.text(0));
    STORE_TRY(site_rows, run(connection, "SELECT id FROM sites"));
    for (const auto& row : site_rows) sites.insert(row.text(0));

    for (std::size_t i = 0; i < people.size(); ++i) {
      const PersonRecord& person = people[i];
      if (!person.site_id.empty() && !sites.contains(person.site_id))
        return at(i, Error{Errc::not_found, fmt::format("no site with id {}", person.site_id)});
      for (const auto& program : person.registered_programs)
        if (!programs.contains(program))
          return at(i, Error{Errc::not_found, fmt::format("no program with id {}", program)});
      if (auto inserted = insert_person_rows(connection, person, seq); !inserted) return at(i, inserted.error());
    }
    log_info("store", "imported {} people", people.size());
    return people;
  });
}

// --- kiosk settings ---

Result<void> ServerStore::set_kiosk_setting(const Id& site_id, std::string_view name, std::string_view value) {
  STORE_CHECK(check_length("site id", site_id, kMaxIdLength));
  if (name.empty()) return fail(Errc::invalid_input, "a setting needs a name");
  STORE_CHECK(check_length("setting name", name, kMaxNameLength));
  STORE_CHECK(check_length("setting value", value, kMaxSettingLength));
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_TRY(seq, next_change_seq(connection));
    if (!site_id.empty()) STORE_CHECK(require_site(connection, site_id));
    STORE_CHECK(run(connection,
                    "INSERT INTO kiosk_settings (scope, name, value, change_seq) VALUES ($1, $2, $3, $4) "
                    "ON CONFLICT (scope, name) DO UPDATE SET value = excluded.value, change_seq = excluded.change_seq",
                    {text(site_id), text(name), text(value), integer(seq)}));
    return {};
  });
}

Result<void> ServerStore::clear_kiosk_setting(const Id& site_id, std::string_view name) {
  return impl_->transact(true, [&](sql::Connection& connection) -> Result<void> {
    STORE_CHECK(next_change_seq(connection));
    STORE_CHECK(run(connection, "DELETE FROM kiosk_settings WHERE scope = $1 AND name = $2",
                    {text(site_id), text(name)}));
    return {};
  });
}

namespace detail {

Result<std::map<std::string, std::string>> effective_settings(sql::Connection& connection, const Id& site_id) {
  // The global values ('') sort first, so the site's own values overwrite them.
  STORE_TRY(rows, run(connection,
                      "SELECT scope, name, value FROM kiosk_settings WHERE scope = '' OR scope = $1 ORDER BY scope, name",
                      {text(site_id)}));
  std::map<std::string, std::string> settings;
  for (const auto& row : rows) settings[row.text(1)] = row.text(2);
  return settings;
}

}  // namespace detail

Result<std::map<std::string, std::string>> ServerStore::kiosk_settings(const Id& site_id) {
  return impl_->transact(false, [&](sql::Connection& connection) { return effective_settings(connection, site_id); });
}

}  // namespace checkin::server
