// SPDX-License-Identifier: AGPL-3.0-or-later
// The changes feed: what a kiosk downloads, page by page, since its cursor.
//
// Change counter. Every transaction that changes reference data first runs
// `UPDATE change_counter SET value = value + 1 RETURNING value` and stamps the rows it
// changes with that value (change_seq). The row lock serialises those writers, so on
// PostgreSQL a transaction with a higher stamp commits after every lower one: once a read
// snapshot sees counter value T, every row stamped <= T is in it. A row changed again later
// gets a new, higher stamp and moves to a later round. Cancelled sessions and deleted
// shifts stay as stamped tombstones, so kiosks learn of removals.
//
// Rounds. A kiosk reads pages until has_more is false: one round. A round starts from a
// complete cursor (or none). Its first page, read in one read transaction with the
// counter, fixes target = the counter and covers changes stamped in (base, target], where
// base is the target of the cursor the round started from (0 on a full resync). The first
// page also carries the site, the active public keys and the kiosk settings (always whole,
// they are small). Sections follow in this order, each in keyset order:
//   1. programs      changed in (base, target]            (change_seq, id)
//   2. sessions      at the kiosk's site, changed in (base, target]; cancelled ones as
//                    removed_sessions. A full resync sends only live sessions that end after
//                    now - 24 h.                            (change_seq, id)
//   3. shifts        the same, deleted ones as removed_shifts
//   4. revocations   changed in (base, target] (all of them on a full resync)
//   5. roster        the site's slice (below), sent only when its digest differs from the
//                    one in the round's starting cursor (always on a full resync), on pages
//                    marked roster_replaced.                 (person id)
// A page holds at most max_items items (programs, sessions and removed ones, shifts,
// revocations, roster entries); the next_cursor of a page with has_more continues the
// round where it stopped. The last page's next_cursor is the complete cursor for the next
// round (base = target, with the roster digest of this round). Overlap is harmless: every
// item is an upsert by id.
//
// Roster slice, at `now`: people with a current pass (unrevoked, unexpired) who are
// (a) registered to a program with a non-cancelled session at the site that starts or is in
// progress within [now, now + 48 h], or (b) assigned to a shift at the site within that
// time. Preferred name only, and an empty name for someone expected only through discreet
// programs (a volunteer shift is not discreet); registered_programs lists only the programs
// of (a); pass_ids their current passes. The digest is a SHA-256 over the sorted slice. The
// slice moves with time, so it is compared every round rather than stamped.
//
// Cursor (opaque to kiosks): base64url of
//   c1.<database>.<base>.<target>.<roster digest or ->.<flags>.<section>.<after change_seq>.<after id>
// database: the random id the database got when it was created; flags: 1 = full resync
// round, 2 = the roster is sent this round; section 6 = complete.
// An unparseable cursor, one of another version, one from another database (a replaced
// server), or one whose target is ahead of the counter (a database restored from an
// older backup) starts a full resync.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "checkin/core/log.hpp"
#include "store_internal.hpp"

namespace checkin::server {

using namespace detail;

namespace {

constexpr std::string_view kCursorVersion = "c1";
constexpr std::string_view kNoDigest = "-";
constexpr Millis kFullResyncPast = std::chrono::hours{24};
constexpr std::size_t kMaxCursorLength = 1024;

enum class Section : int { programs = 1, sessions, shifts, revocations, roster, complete };

constexpr int kFlagFull = 1;
constexpr int kFlagSendRoster = 2;

struct Cursor {
  std::string database;
  std::int64_t base = 0;
  std::int64_t target = 0;
  std::string roster_digest{kNoDigest};
  bool full = false;
  bool send_roster = false;
  Section section = Section::complete;
  std::int64_t after_seq = 0;
  std::string after_id;  // empty: from the start of the section
};

std::string encode(const Cursor& cursor) {
  int flags = (cursor.full ? kFlagFull : 0) | (cursor.send_roster ? kFlagSendRoster : 0);
  return base64url_encode(fmt::format("{}.{}.{}.{}.{}.{}.{}.{}.{}", kCursorVersion, cursor.database, cursor.base,
                                      cursor.target, cursor.roster_digest, flags, static_cast<int>(cursor.section),
                                      cursor.after_seq, cursor.after_id));
}

std::optional<std::int64_t> parse_number(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

bool is_digest(std::string_view text) {
  if (text == kNoDigest) return true;
  return text.size() == 32 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Anything that is not a cursor this build wrote reads as "no cursor".
std::optional<Cursor> decode(std::string_view text) {
  if (text.empty() || text.size() > kMaxCursorLength) return std::nullopt;
  auto decoded = base64url_decode(text);
  if (!decoded) return std::nullopt;
  std::string_view rest = *decoded;
  std::vector<std::string_view> fields;
  // Eight dot-separated fields, then the id, which may itself hold dots.
  for (int i = 0; i < 8; ++i) {
    auto dot = rest.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    fields.push_back(rest.substr(0, dot));
    rest.remove_prefix(dot + 1);
  }
  if (fields[0] != kCursorVersion || fields[1].empty()) return std::nullopt;
  auto base = parse_number(fields[2]);
  auto target = parse_number(fields[3]);
  auto flags = parse_number(fields[5]);
  auto section = parse_number(fields[6]);
  auto after_seq = parse_number(fields[7]);
  if (!base || !target || !flags || !section || !after_seq || !is_digest(fields[4])) return std::nullopt;
  if (*flags > (kFlagFull | kFlagSendRoster) || *section < static_cast<int>(Section::programs) ||
      *section > static_cast<int>(Section::complete) || *base > *target || rest.size() > kMaxIdLength)
    return std::nullopt;
  Cursor cursor;
  cursor.database = std::string(fields[1]);
  cursor.base = *base;
  cursor.target = *target;
  cursor.roster_digest = std::string(fields[4]);
  cursor.full = (*flags & kFlagFull) != 0;
  cursor.send_roster = (*flags & kFlagSendRoster) != 0;
  cursor.section = static_cast<Section>(*section);
  cursor.after_seq = *after_seq;
  cursor.after_id = std::string(rest);
  return cursor;
}

// --- the roster slice ---

// The sessions in the horizon are found first (few, by the site/start index) and their
// programs' registrations after: joining every registration to every session of its
// program would read people x sessions rows.
Result<std::vector<sync::RosterEntry>> roster_slice(sql::Connection& connection, const Id& site_id, WallTime now) {
  const WallTime horizon = now + kRosterHorizon;
  STORE_TRY(by_program, run(connection,
                            "SELECT DISTINCT r.person_id, r.program_id, p.discreet FROM registrations r "
                            "JOIN programs p ON p.id = r.program_id WHERE r.program_id IN ("
                            "SELECT s.program_id FROM sessions s "
                            "WHERE s.site_id = $1 AND s.cancelled = 0 AND s.end_ms > $2 AND s.start_ms <= $3)",
                            {text(site_id), millis(now), millis(horizon)}));
  STORE_TRY(by_shift, run(connection,
                          "SELECT DISTINCT a.person_id FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id "
                          "WHERE s.site_id = $1 AND s.deleted = 0 AND s.end_ms > $2 AND s.start_ms <= $3",
                          {text(site_id), millis(now), millis(horizon)}));
  STORE_TRY(with_passes,
            run(connection,
                "SELECT pe.id, pe.preferred_name, pe.language, pa.pass_id FROM people pe "
                "JOIN passes pa ON pa.person_id = pe.id "
                "WHERE pa.revoked_at_ms IS NULL AND pa.expires_ms > $1 AND pe.id IN ("
                "SELECT r.person_id FROM registrations r WHERE r.program_id IN ("
                "SELECT s.program_id FROM sessions s "
                "WHERE s.site_id = $2 AND s.cancelled = 0 AND s.end_ms > $3 AND s.start_ms <= $4) "
                "UNION SELECT a.person_id FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id "
                "WHERE s.site_id = $5 AND s.deleted = 0 AND s.end_ms > $6 AND s.start_ms <= $7) "
                "ORDER BY pe.id, pa.pass_id",
                {millis(now), text(site_id), millis(now), millis(horizon), text(site_id), millis(now),
                 millis(horizon)}));

  std::map<Id, std::set<Id>> programs_of;
  std::set<Id> may_be_named;  // expected through at least one program or shift that is not discreet
  for (const auto& row : by_program) {
    programs_of[row.text(0)].insert(row.text(1));
    if (row.integer(2) == 0) may_be_named.insert(row.text(0));
  }
  for (const auto& row : by_shift) may_be_named.insert(row.text(0));

  std::vector<sync::RosterEntry> slice;
  for (const auto& row : with_passes) {
    const Id person_id = row.text(0);
    if (slice.empty() || slice.back().person.id != person_id) {
      sync::RosterEntry& entry = slice.emplace_back();
      entry.person.id = person_id;
      if (may_be_named.contains(person_id)) entry.person.preferred_name = row.text(1);
      entry.person.language = row.text(2);
      if (auto programs = programs_of.find(person_id); programs != programs_of.end())
        entry.person.registered_programs.assign(programs->second.begin(), programs->second.end());
    }
    slice.back().pass_ids.push_back(row.text(3));
  }
  return slice;
}

std::string roster_digest(const std::vector<sync::RosterEntry>& slice) {
  // Lengths before values, so no two different slices serialise alike.
  std::string serialised;
  auto add = [&](std::string_view value) {
    serialised += std::to_string(value.size());
    serialised += ':';
    serialised += value;
  };
  for (const auto& entry : slice) {
    add(entry.person.id);
    add(entry.person.preferred_name);
    add(entry.person.language);
    add(std::to_string(entry.person.registered_programs.size()));
    for (const auto& program : entry.person.registered_programs) add(program);
    add(std::to_string(entry.pass_ids.size()));
    for (const auto& pass : entry.pass_ids) add(pass);
  }
  return sha256_hex(serialised).substr(0, 32);
}

// --- one page ---

class PageBuilder {
 public:
  PageBuilder(sql::Connection& connection, const Device& device, WallTime now, std::size_t room, Cursor& position,
              sync::ChangesPage& page)
      : connection_(connection), device_(device), now_(now), room_(room), position_(position), page_(page) {}

  // Fills the page from the cursor's position on; afterwards the position is where the
  // next page starts (or complete).
  Result<void> fill() {
    while (position_.section != Section::complete) {
      if (position_.section == Section::roster && !position_.send_roster) {
        advance();
        continue;
      }
      STORE_TRY(more, fill_section());
      if (more) {
        page_.has_more = true;
        return {};
      }
      advance();
    }
    return {};
  }

  // The roster slice when the first page computed it already.
  void use_slice(std::vector<sync::RosterEntry> slice) { slice_ = std::move(slice); }

 private:
  void advance() {
    position_.section = static_cast<Section>(static_cast<int>(position_.section) + 1);
    position_.after_seq = 0;
    position_.after_id.clear();
  }

  // Each query asks for one row more than fits: whether it came says whether the section
  // continues on the next page.
  sql::Value limit() const { return integer(static_cast<std::int64_t>(room_) + 1); }

  void took(std::int64_t seq, std::string id) {
    --room_;
    position_.after_seq = seq;
    position_.after_id = std::move(id);
  }

  Result<bool> fill_section() {
    switch (position_.section) {
      case Section::programs: return fill_programs();
      case Section::sessions: return fill_sessions();
      case Section::shifts: return fill_shifts();
      case Section::revocations: return fill_revocations();
      case Section::roster: return fill_roster();
      case Section::complete: break;
    }
    return false;
  }

  Result<bool> fill_programs() {
    STORE_TRY(rows, run(connection_,
                        "SELECT id, name, discreet, anonymous_allowed, walk_ins_allowed, registration, "
                        "tracks_checkout, feedback_enabled, change_seq, public_alias FROM programs "
                        "WHERE change_seq > $1 AND change_seq <= $2 AND (change_seq > $3 OR (change_seq = $4 AND id > $5)) "
                        "ORDER BY change_seq, id LIMIT $6",
                        {integer(position_.base), integer(position_.target), integer(position_.after_seq),
                         integer(position_.after_seq), text(position_.after_id), limit()}));
    for (const auto& row : rows) {
      if (room_ == 0) return true;
      Program program = program_from_row(row);
      program.public_alias = row.text(9);
      page_.programs.push_back(as_kiosks_see(std::move(program)));
      took(row.integer(8), row.text(0));
    }
    return false;
  }

  // One page of a site's sessions or shifts in keyset order. `columns` ends with the
  // tombstone flag and change_seq; `removed` names the tombstone column. A full resync
  // leaves out what the kiosk would only delete again: tombstones and rows that ended
  // more than a day ago. The SQL is put together from these literals only, never from data.
  Result<sql::Rows> site_rows(std::string_view columns, std::string_view table, std::string_view removed) {
    std::string statement = fmt::format(
        "SELECT {} FROM {} WHERE site_id = $1 AND change_seq > $2 AND change_seq <= $3 "
        "AND (change_seq > $4 OR (change_seq = $5 AND id > $6)) ",
        columns, table);
    std::vector<sql::Value> params{text(device_.site_id),         integer(position_.base),
                                   integer(position_.target),     integer(position_.after_seq),
                                   integer(position_.after_seq),  text(position_.after_id)};
    if (position_.full) {
      statement += fmt::format("AND {} = 0 AND end_ms > $7 ", removed);
      params.push_back(millis(now_ - kFullResyncPast));
    }
    statement += fmt::format("ORDER BY change_seq, id LIMIT ${}", params.size() + 1);
    params.push_back(limit());
    return connection_.query(statement, params);
  }

  Result<bool> fill_sessions() {
    auto rows = site_rows("id, program_id, site_id, room, start_ms, end_ms, window_opens_ms, window_closes_ms, "
                          "capacity, cancelled, change_seq",
                          "sessions", "cancelled");
    if (!rows) return std::unexpected(rows.error());
    const sql::Rows& found = *rows;
    for (const auto& row : found) {
      if (room_ == 0) return true;
      if (row.integer(9) != 0) page_.removed_sessions.push_back(row.text(0));
      else page_.sessions.push_back(session_from_row(row));
      took(row.integer(10), row.text(0));
    }
    return false;
  }

  Result<bool> fill_shifts() {
    auto rows = site_rows("id, site_id, role, start_ms, end_ms, deleted, change_seq", "shifts", "deleted");
    if (!rows) return std::unexpected(rows.error());
    const sql::Rows& found = *rows;
    for (const auto& row : found) {
      if (room_ == 0) return true;
      if (row.integer(5) != 0) {
        page_.removed_shifts.push_back(row.text(0));
      } else {
        Shift shift = shift_from_row(row);
        STORE_TRY(assigned, shift_assignments(connection_, shift.id));
        shift.assigned_people = std::move(assigned);
        page_.shifts.push_back(std::move(shift));
      }
      took(row.integer(6), row.text(0));
    }
    return false;
  }

  Result<bool> fill_revocations() {
    STORE_TRY(rows, run(connection_,
                        "SELECT pass_id, revoked_at_ms, change_seq FROM revocations "
                        "WHERE change_seq > $1 AND change_seq <= $2 "
                        "AND (change_seq > $3 OR (change_seq = $4 AND pass_id > $5)) "
                        "ORDER BY change_seq, pass_id LIMIT $6",
                        {integer(position_.base), integer(position_.target), integer(position_.after_seq),
                         integer(position_.after_seq), text(position_.after_id), limit()}));
    for (const auto& row : rows) {
      if (room_ == 0) return true;
      page_.revocations.push_back(sync::RevocationEntry{row.text(0), wall_time(row.integer(1))});
      took(row.integer(2), row.text(0));
    }
    return false;
  }

  Result<bool> fill_roster() {
    if (!slice_) {
      STORE_TRY(slice, roster_slice(connection_, device_.site_id, now_));
      slice_ = std::move(slice);
    }
    auto next = std::upper_bound(slice_->begin(), slice_->end(), position_.after_id,
                                 [](const std::string& id, const sync::RosterEntry& entry) { return id < entry.person.id; });
    for (; next != slice_->end(); ++next) {
      if (room_ == 0) {
        // A page that could carry none of the roster does not claim to replace it.
        if (!page_.roster.empty()) page_.roster_replaced = true;
        return true;
      }
      page_.roster.push_back(*next);
      took(0, next->person.id);
    }
    page_.roster_replaced = true;  // this page ends the slice (an empty slice clears the roster)
    return false;
  }

  sql::Connection& connection_;
  const Device& device_;
  WallTime now_;
  std::size_t room_;
  Cursor& position_;
  sync::ChangesPage& page_;
  std::optional<std::vector<sync::RosterEntry>> slice_;
};

}  // namespace

Result<sync::ChangesPage> ServerStore::changes(const Device& device, std::string_view cursor, WallTime now,
                                               std::size_t max_items) {
  max_items = std::clamp<std::size_t>(max_items, 1, sync::kMaxItemsPerPage);
  const std::optional<Cursor> presented = decode(cursor);
  return impl_->transact(false, [&](sql::Connection& connection) -> Result<sync::ChangesPage> {
    STORE_TRY(counter_rows, run(connection, "SELECT value FROM change_counter WHERE singleton = 1"));
    if (counter_rows.empty()) return fail(Errc::storage_corrupt, "the change_counter row is missing");
    const std::int64_t counter = counter_rows.front().integer(0);

    sync::ChangesPage page;
    page.server_time = now;
    STORE_TRY(site, load_site(connection, device.site_id));
    page.site = std::move(site);
    page.device_name = device.name;
    page.token_roll_due = token_roll_due(device, now);

    Cursor position;
    std::optional<std::vector<sync::RosterEntry>> first_page_slice;
    const bool usable = presented && presented->database == impl_->database_id && presented->target <= counter;
    if (usable && presented->section != Section::complete) {
      position = *presented;  // a round goes on
    } else {
      // A new round: from the complete cursor, or from nothing (full resync).
      const bool full = !usable;
      if (!cursor.empty() && full)
        log_info("store", "device {}: cursor not accepted, full resync", device.id);
      STORE_TRY(slice, roster_slice(connection, device.site_id, now));
      const std::string digest = roster_digest(slice);
      position.database = impl_->database_id;
      position.full = full;
      position.base = full ? 0 : presented->target;
      position.target = counter;
      position.send_roster = full || digest != presented->roster_digest;
      position.roster_digest = digest;
      position.section = Section::programs;
      page.full_resync = full;
      STORE_TRY(keys, active_public_keys(connection));
      page.public_keys = std::move(keys);
      STORE_TRY(settings, effective_settings(connection, device.site_id));
      STORE_TRY(retention, retention_for_kiosks(connection));
      settings.insert(retention.begin(), retention.end());
      page.settings = std::move(settings);
      first_page_slice = std::move(slice);
    }

    PageBuilder builder(connection, device, now, max_items, position, page);
    if (first_page_slice) builder.use_slice(std::move(*first_page_slice));
    STORE_CHECK(builder.fill());
    if (position.section == Section::complete) {
      Cursor complete;
      complete.database = position.database;
      complete.base = position.target;
      complete.target = position.target;
      complete.roster_digest = position.roster_digest;
      page.next_cursor = encode(complete);
    } else {
      page.next_cursor = encode(position);
    }
    return page;
  });
}

}  // namespace checkin::server
