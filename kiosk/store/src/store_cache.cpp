// SPDX-License-Identifier: AGPL-3.0-or-later
// What sync downloads (schedule, roster, revocations, keys, settings, device id) and the
// anonymous feedback waiting for upload.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "store_impl.hpp"

namespace checkin::store {

namespace {

using sqlite::Connection;
using sqlite::Query;

bool is_hex(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// Revocations are looked up by text: one spelling, so a revoked pass cannot slip through
// in upper case.
std::string lower_case(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

const char* to_text(Registration registration) { return registration == Registration::roster ? "roster" : "open"; }

std::optional<std::int64_t> optional_int64(std::optional<int> value) {
  if (!value) return std::nullopt;
  return *value;
}

std::string utc_day(WallTime when) {
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(when)};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                     static_cast<unsigned>(day.day()));
}

Result<void> insert_revocations(Connection& db, std::span<const Revocation> revocations, std::string_view doing) {
  for (const auto& revocation : revocations) {
    if (!is_hex(revocation.pass_id_hex))
      return fail(Errc::invalid_input,
                  fmt::format("{} failed: pass id '{}' is not hex", doing, revocation.pass_id_hex));
    // The earliest revocation time wins: a pass revoked once stays revoked from then.
    auto added = db.run(
        "INSERT INTO revocations (pass_id_hex, revoked_at_ms) VALUES (?1, ?2) ON CONFLICT (pass_id_hex) "
        "DO UPDATE SET revoked_at_ms = min(revoked_at_ms, excluded.revoked_at_ms)",
        doing, lower_case(revocation.pass_id_hex), to_millis(revocation.revoked_at));
    if (!added) return added;
  }
  return {};
}

// The writers below run inside the caller's transaction, so apply_download can put
// them all in one.
Result<void> write_schedule(Connection& db, const Schedule& schedule, std::string_view doing) {
  for (auto sql : {"DELETE FROM shift_assignments", "DELETE FROM shifts", "DELETE FROM sessions",
                   "DELETE FROM programs"})
    if (auto cleared = db.run(sql, doing); !cleared) return cleared;

  for (const Program& program : schedule.programs) {
    auto added = db.run(
        "INSERT INTO programs (id, name, discreet, anonymous_allowed, walk_ins_allowed, registration, "
        "tracks_checkout, feedback_enabled) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        doing, program.id, program.name, program.discreet, program.anonymous_allowed, program.walk_ins_allowed,
        std::string_view(to_text(program.registration)), program.tracks_checkout, program.feedback_enabled);
    if (!added) return added;
  }
  for (const Session& session : schedule.sessions) {
    auto added = db.run(
        "INSERT INTO sessions (id, program_id, site_id, room, start_ms, end_ms, window_opens_ms, "
        "window_closes_ms, capacity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        doing, session.id, session.program_id, session.site_id, session.room, to_millis(session.start),
        to_millis(session.end), to_millis(session.window_opens), to_millis(session.window_closes),
        optional_int64(session.capacity));
    if (!added) return added;
  }
  for (const Shift& shift : schedule.shifts) {
    auto added = db.run("INSERT INTO shifts (id, site_id, role, start_ms, end_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                        doing, shift.id, shift.site_id, shift.role, to_millis(shift.start), to_millis(shift.end));
    if (!added) return added;
    for (const Id& person_id : shift.assigned_people) {
      auto assigned = db.run(
          "INSERT INTO shift_assignments (shift_id, person_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING", doing,
          shift.id, person_id);
      if (!assigned) return assigned;
    }
  }
  return {};
}

Result<void> write_roster(Connection& db, const Roster& roster, std::string_view doing) {
  for (auto sql : {"DELETE FROM passes", "DELETE FROM registrations", "DELETE FROM people"})
    if (auto cleared = db.run(sql, doing); !cleared) return cleared;

  for (const auto& [person_id, person] : roster.people) {
    auto added = db.run("INSERT INTO people (id, preferred_name, language) VALUES (?1, ?2, ?3)", doing, person_id,
                        person.preferred_name, person.language);
    if (!added) return added;
    for (const Id& program_id : person.registered_programs) {
      auto registered = db.run(
          "INSERT INTO registrations (person_id, program_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING", doing,
          person_id, program_id);
      if (!registered) return registered;
    }
  }
  for (const auto& [pass_id, person_id] : roster.person_by_pass) {
    auto added = db.run("INSERT INTO passes (pass_id_hex, person_id) VALUES (?1, ?2)", doing, pass_id, person_id);
    if (!added) return added;  // a pass of a person not in the roster fails the foreign key
  }
  return {};
}

Result<void> write_public_keys(Connection& db, std::span<const PublicKeyRecord> keys, std::string_view doing) {
  for (const auto& key : keys)
    if (!is_hex(key.key_id_hex) || !is_hex(key.public_key_hex))
      return fail(Errc::invalid_input, fmt::format("{} failed: key '{}' is not hex", doing, key.key_id_hex));
  if (auto cleared = db.run("DELETE FROM public_keys", doing); !cleared) return cleared;
  for (const auto& key : keys) {
    auto saved = db.run("INSERT INTO public_keys (key_id_hex, public_key_hex) VALUES (?1, ?2)", doing,
                        lower_case(key.key_id_hex), lower_case(key.public_key_hex));
    if (!saved) return saved;
  }
  return {};
}

Result<void> write_setting(Connection& db, std::string_view key, std::string_view value, std::string_view doing) {
  return db.run(
      "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      doing, key, value);
}

}  // namespace

// --- schedule ---

Result<void> Store::replace_schedule(const Schedule& schedule) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  constexpr std::string_view doing = "replacing the schedule";
  return sqlite::in_transaction(db, doing, [&] { return write_schedule(db, schedule, doing); });
}

Result<Schedule> Store::load_schedule() {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  constexpr std::string_view doing = "loading the schedule";
  Schedule schedule;
  auto programs = db.for_each_row(
      "SELECT id, name, discreet, anonymous_allowed, walk_ins_allowed, registration, tracks_checkout, "
      "feedback_enabled FROM programs ORDER BY rowid",
      doing, [&](const Query& row) -> Result<void> {
        schedule.programs.push_back(Program{
            .id = row.text(0),
            .name = row.text(1),
            .discreet = row.int64(2) != 0,
            .anonymous_allowed = row.int64(3) != 0,
            .walk_ins_allowed = row.int64(4) != 0,
            .registration = row.text(5) == "roster" ? Registration::roster : Registration::open,
            .tracks_checkout = row.int64(6) != 0,
            .feedback_enabled = row.int64(7) != 0,
        });
        return {};
      });
  if (!programs) return std::unexpected(programs.error());

  auto sessions = db.for_each_row(
      "SELECT id, program_id, site_id, room, start_ms, end_ms, window_opens_ms, window_closes_ms, capacity "
      "FROM sessions ORDER BY rowid",
      doing, [&](const Query& row) -> Result<void> {
        schedule.sessions.push_back(Session{
            .id = row.text(0),
            .program_id = row.text(1),
            .site_id = row.text(2),
            .room = row.text(3),
            .start = wall_time_from_millis(row.int64(4)),
            .end = wall_time_from_millis(row.int64(5)),
            .window_opens = wall_time_from_millis(row.int64(6)),
            .window_closes = wall_time_from_millis(row.int64(7)),
            .capacity = row.is_null(8) ? std::nullopt : std::optional<int>(static_cast<int>(row.int64(8))),
        });
        return {};
      });
  if (!sessions) return std::unexpected(sessions.error());

  auto shifts = db.for_each_row("SELECT id, site_id, role, start_ms, end_ms FROM shifts ORDER BY rowid", doing,
                                [&](const Query& row) -> Result<void> {
                                  schedule.shifts.push_back(Shift{
                                      .id = row.text(0),
                                      .site_id = row.text(1),
                                      .role = row.text(2),
                                      .start = wall_time_from_millis(row.int64(3)),
                                      .end = wall_time_from_millis(row.int64(4)),
                                      .assigned_people = {},
                                  });
                                  return {};
                                });
  if (!shifts) return std::unexpected(shifts.error());

  auto assignments = db.for_each_row(
      "SELECT shift_id, person_id FROM shift_assignments ORDER BY rowid", doing, [&](const Query& row) -> Result<void> {
        const std::string shift_id = row.text(0);
        auto shift = std::find_if(schedule.shifts.begin(), schedule.shifts.end(),
                                  [&](const Shift& s) { return s.id == shift_id; });
        if (shift != schedule.shifts.end()) shift->assigned_people.push_back(row.text(1));
        return {};
      });
  if (!assignments) return std::unexpected(assignments.error());
  return schedule;
}

// --- roster ---

Result<void> Store::replace_roster(const Roster& roster) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  constexpr std::string_view doing = "replacing the roster";
  return sqlite::in_transaction(db, doing, [&] { return write_roster(db, roster, doing); });
}

Result<Roster> Store::load_roster() {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  constexpr std::string_view doing = "loading the roster";
  Roster roster;
  auto people = db.for_each_row("SELECT id, preferred_name, language FROM people ORDER BY rowid", doing,
                                [&](const Query& row) -> Result<void> {
                                  Person person{row.text(0), row.text(1), row.text(2), {}};
                                  roster.people.emplace(person.id, std::move(person));
                                  return {};
                                });
  if (!people) return std::unexpected(people.error());
  auto registrations = db.for_each_row("SELECT person_id, program_id FROM registrations ORDER BY rowid", doing,
                                       [&](const Query& row) -> Result<void> {
                                         auto person = roster.people.find(row.text(0));
                                         if (person != roster.people.end())
                                           person->second.registered_programs.push_back(row.text(1));
                                         return {};
                                       });
  if (!registrations) return std::unexpected(registrations.error());
  auto passes = db.for_each_row("SELECT pass_id_hex, person_id FROM passes", doing,
                                [&](const Query& row) -> Result<void> {
                                  roster.person_by_pass.emplace(row.text(0), row.text(1));
                                  return {};
                                });
  if (!passes) return std::unexpected(passes.error());
  return roster;
}

// --- revocations ---

Result<void> Store::add_revocations(std::span<const Revocation> revocations) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  constexpr std::string_view doing = "adding revocations";
  return sqlite::in_transaction(db, doing, [&] { return insert_revocations(db, revocations, doing); });
}

Result<void> Store::replace_revocations(std::span<const Revocation> revocations) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  constexpr std::string_view doing = "replacing revocations";
  return sqlite::in_transaction(db, doing, [&]() -> Result<void> {
    if (auto cleared = db.run("DELETE FROM revocations", doing); !cleared) return cleared;
    return insert_revocations(db, revocations, doing);
  });
}

Result<std::vector<Revocation>> Store::revocations() {
  if (!impl_) return closed_store();
  std::vector<Revocation> revocations;
  auto read = impl_->db.for_each_row(
      "SELECT pass_id_hex, revoked_at_ms FROM revocations ORDER BY revoked_at_ms, pass_id_hex", "reading revocations",
      [&](const Query& row) -> Result<void> {
        revocations.push_back(Revocation{row.text(0), wall_time_from_millis(row.int64(1))});
        return {};
      });
  if (!read) return std::unexpected(read.error());
  return revocations;
}

Result<bool> Store::is_revoked(std::string_view pass_id_hex) {
  if (!impl_) return closed_store();
  auto count = impl_->db.single_int64("SELECT count(*) FROM revocations WHERE pass_id_hex = ?1",
                                      "looking up a revocation", lower_case(pass_id_hex));
  if (!count) return std::unexpected(count.error());
  return *count > 0;
}

// --- public keys ---

Result<void> Store::save_public_keys(std::span<const PublicKeyRecord> keys) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  constexpr std::string_view doing = "saving public keys";
  return sqlite::in_transaction(db, doing, [&] { return write_public_keys(db, keys, doing); });
}

Result<std::vector<PublicKeyRecord>> Store::load_public_keys() {
  if (!impl_) return closed_store();
  std::vector<PublicKeyRecord> keys;
  auto read = impl_->db.for_each_row("SELECT key_id_hex, public_key_hex FROM public_keys ORDER BY key_id_hex",
                                     "loading public keys", [&](const Query& row) -> Result<void> {
                                       keys.push_back(PublicKeyRecord{row.text(0), row.text(1)});
                                       return {};
                                     });
  if (!read) return std::unexpected(read.error());
  return keys;
}

// --- one download round ---

Result<void> Store::apply_download(const DownloadedChanges& changes) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  constexpr std::string_view doing = "applying downloaded changes";
  return sqlite::in_transaction(db, doing, [&]() -> Result<void> {
    if (auto written = write_schedule(db, changes.schedule, doing); !written) return written;
    if (changes.roster)
      if (auto written = write_roster(db, *changes.roster, doing); !written) return written;
    if (changes.replace_revocations)
      if (auto cleared = db.run("DELETE FROM revocations", doing); !cleared) return cleared;
    if (auto added = insert_revocations(db, changes.revocations, doing); !added) return added;
    if (changes.public_keys)
      if (auto written = write_public_keys(db, *changes.public_keys, doing); !written) return written;
    if (changes.central_settings) {
      if (auto cleared = db.run("DELETE FROM settings WHERE substr(key, 1, length(?1)) = ?1", doing,
                                kCentralSettingPrefix);
          !cleared)
        return cleared;
      for (const auto& [key, value] : *changes.central_settings)
        if (auto written = write_setting(db, fmt::format("{}{}", kCentralSettingPrefix, key), value, doing); !written)
          return written;
    }
    if (changes.site_name)
      if (auto written = write_setting(db, kSiteNameSetting, *changes.site_name, doing); !written) return written;
    if (changes.device_name)
      if (auto written = write_setting(db, kDeviceNameSetting, *changes.device_name, doing); !written) return written;
    return write_setting(db, kSyncCursorSetting, changes.cursor, doing);
  });
}

// --- settings and device ---

Result<std::optional<std::string>> Store::get_setting(std::string_view key) {
  if (!impl_) return closed_store();
  std::optional<std::string> value;
  auto read = impl_->db.for_each_row(
      "SELECT value FROM settings WHERE key = ?1", "reading a setting",
      [&](const Query& row) -> Result<void> {
        value = row.text(0);
        return {};
      },
      key);
  if (!read) return std::unexpected(read.error());
  return value;
}

Result<void> Store::set_setting(std::string_view key, std::string_view value) {
  if (!impl_) return closed_store();
  return impl_->db.run(
      "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      "saving a setting", key, value);
}

Result<std::map<std::string, std::string>> Store::all_settings() {
  if (!impl_) return closed_store();
  std::map<std::string, std::string> settings;
  auto read = impl_->db.for_each_row("SELECT key, value FROM settings", "reading settings",
                                     [&](const Query& row) -> Result<void> {
                                       settings.emplace(row.text(0), row.text(1));
                                       return {};
                                     });
  if (!read) return std::unexpected(read.error());
  return settings;
}

Result<std::optional<std::string>> Store::device_id() {
  if (!impl_) return closed_store();
  std::optional<std::string> id;
  auto read = impl_->db.for_each_row("SELECT device_id FROM device_meta WHERE singleton = 1", "reading the device id",
                                     [&](const Query& row) -> Result<void> {
                                       id = row.text(0);
                                       return {};
                                     });
  if (!read) return std::unexpected(read.error());
  return id;
}

Result<void> Store::set_device_id(std::string_view device_id) {
  if (!impl_) return closed_store();
  if (device_id.empty()) return fail(Errc::invalid_input, "saving the device id failed: it is empty");
  return impl_->db.run(
      "INSERT INTO device_meta (singleton, device_id) VALUES (1, ?1) "
      "ON CONFLICT (singleton) DO UPDATE SET device_id = excluded.device_id",
      "saving the device id", device_id);
}

// --- feedback ---

Result<void> Store::record_feedback(const Feedback& feedback, WallTime when) {
  if (!impl_) return closed_store();
  if (feedback.rating < 1 || feedback.rating > 5)
    return fail(Errc::invalid_input,
                fmt::format("recording feedback failed: rating {} is not between 1 and 5", feedback.rating));
  if (feedback.session_id.empty()) return fail(Errc::invalid_input, "recording feedback failed: no session");
  return impl_->db.run("INSERT INTO feedback (id, session_id, rating, day) VALUES (random(), ?1, ?2, ?3)",
                       "recording feedback", feedback.session_id, feedback.rating, utc_day(when));
}

Result<std::vector<StoredFeedback>> Store::pending_feedback() {
  if (!impl_) return closed_store();
  std::vector<StoredFeedback> pending;
  auto read = impl_->db.for_each_row(
      "SELECT id, session_id, rating, day FROM feedback ORDER BY day, session_id, rating, id", "reading feedback",
      [&](const Query& row) -> Result<void> {
        pending.push_back(
            StoredFeedback{row.int64(0), Feedback{row.text(1), static_cast<int>(row.int64(2))}, row.text(3)});
        return {};
      });
  if (!read) return std::unexpected(read.error());
  return pending;
}

Result<void> Store::remove_feedback(std::span<const std::int64_t> ids) {
  if (!impl_) return closed_store();
  Connection& db = impl_->db;
  constexpr std::string_view doing = "removing uploaded feedback";
  return sqlite::in_transaction(db, doing, [&]() -> Result<void> {
    for (std::int64_t id : ids)
      if (auto removed = db.run("DELETE FROM feedback WHERE id = ?1", doing, id); !removed) return removed;
    return {};
  });
}

}  // namespace checkin::store
