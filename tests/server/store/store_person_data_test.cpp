// SPDX-License-Identifier: AGPL-3.0-or-later
// A person's own data: erasing a person (gone from every table, the reports' totals
// unchanged, their passes revoked and their roster entry dropped for the kiosks, on SQLite
// nothing of them left in the file or its log) and exporting what is held about one
// (every person-linked table and column of the schema covered).
#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include <fmt/format.h>

#include "checkin/server/person_data.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::testing;
using checkin::server::Actor;
using checkin::server::PersonRecord;
using checkin::server::ReportFilter;
using checkin::sync::EventStatus;

namespace {

struct People {
  StoreDatabase db;
  std::unique_ptr<server::ServerStore> store = db.open();
  Organisation org{*store};
  server::Device kiosk = org.enrol_kiosk(kNoon, "kiosk-1");
  Program discreet = must(store->create_program(Program{.id = "", .name = "Thursday group", .discreet = true}));
  Session discreet_session = org.add_session(discreet.id, kNoon - 30min, kNoon + 90min);
  Session later_session = org.add_session(org.program.id, kNoon + 24h, kNoon + 26h);
  Shift shift;
  std::int64_t seq = 0;
  std::map<Id, std::string> passes;
  const Actor admin{"account-1", "admin"};

  People() {
    must(store->create_signing_key(kNoon));
    Shift wanted;
    wanted.site_id = org.site.id;
    wanted.role = "Front desk";
    wanted.start = kNoon - 1h;
    wanted.end = kNoon + 3h;
    shift = must(store->create_shift(wanted));
  }

  PersonRecord person(std::string name, std::vector<Id> programs) {
    PersonRecord added =
        must(store->create_person(PersonRecord{"", std::move(name), "en", std::move(programs), org.site.id}));
    passes[added.id] = must(store->issue_pass(added.id, kNoon + 24h * 365, kNoon)).record.pass_id;
    return added;
  }

  AttendanceEvent event(EventKind kind, const PersonRecord& who, WallTime at) {
    AttendanceEvent e = checkin_event(kiosk, ++seq, "", passes.at(who.id), who.id, at);
    e.kind = kind;
    return e;
  }
  AttendanceEvent at_session(EventKind kind, const PersonRecord& who, const Session& session, WallTime at) {
    AttendanceEvent e = event(kind, who, at);
    e.session_id = session.id;
    return e;
  }
  AttendanceEvent at_shift(EventKind kind, const PersonRecord& who, WallTime at, Millis worked = {}) {
    AttendanceEvent e = event(kind, who, at);
    e.shift_id = shift.id;
    e.shift_duration = worked;
    return e;
  }
  void upload(std::vector<AttendanceEvent> events, WallTime now = kNoon + 30h) {
    for (const auto& result : must(store->ingest(kiosk, events, now))) REQUIRE(result.status == EventStatus::accepted);
  }

  ReportFilter everything() const { return ReportFilter{{}, {}, kNoon - 24h * 365, kNoon + 24h * 365}; }

  // Every text cell of every table of the database, as "table.column: value".
  std::vector<std::string> every_text_cell() {
    auto connection = must(sql::connect(db.url()));
    std::vector<std::string> cells;
    for (const auto& [table, columns] : schema(*connection)) {
      for (const auto& column : columns) {
        auto rows = must(connection->query(fmt::format("SELECT CAST({} AS TEXT) FROM {}", column, table)));
        for (const auto& row : rows) cells.push_back(fmt::format("{}.{}: {}", table, column, row.text(0)));
      }
    }
    return cells;
  }

  // The tables of the database and their columns, on either backend.
  static std::map<std::string, std::set<std::string>> schema(sql::Connection& connection) {
    const char* statement =
        connection.backend() == sql::Backend::sqlite
            ? "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
              "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
            : "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()";
    std::map<std::string, std::set<std::string>> tables;
    for (const auto& row : must(connection.query(statement))) tables[row.text(0)].insert(row.text(1));
    return tables;
  }
};

std::int64_t total_attendance(server::ServerStore& store, const ReportFilter& filter) {
  std::int64_t total = 0;
  for (const auto& row : must(store.attendance_by_session(filter))) total += row.attendees;
  return total;
}

Millis total_hours(server::ServerStore& store, const ReportFilter& filter) {
  Millis total{0};
  for (const auto& worked : must(store.worked_shifts(filter))) total += worked.credited;
  return total;
}

bool contains(const std::vector<std::string>& cells, std::string_view text) {
  return std::any_of(cells.begin(), cells.end(), [&](const auto& cell) { return cell.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("erasing a person removes them from every table and keeps every report's totals") {
  People t;
  PersonRecord ada = t.person("Adaline Erasewell", {t.org.program.id, t.discreet.id});
  PersonRecord bo = t.person("Bo", {t.org.program.id});
  const std::string first_pass = t.passes.at(ada.id);
  t.passes[ada.id] = must(t.store->issue_pass(ada.id, kNoon + 24h * 365, kNoon + 1min)).record.pass_id;  // reissued
  Shift assigned = t.shift;
  assigned.assigned_people = {ada.id, bo.id};
  must(t.store->update_shift(assigned));
  t.upload({t.at_session(EventKind::checkin, ada, t.org.session, kNoon - 20min),
            t.at_session(EventKind::checkin, ada, t.org.session, kNoon - 19min),  // a second door
            t.at_session(EventKind::checkout, ada, t.org.session, kNoon + 60min),
            t.at_session(EventKind::checkin, bo, t.org.session, kNoon - 10min),
            t.at_session(EventKind::checkin, ada, t.discreet_session, kNoon),
            t.at_session(EventKind::checkin, ada, t.later_session, kNoon + 24h),
            t.at_shift(EventKind::shift_start, ada, kNoon - 1h),
            t.at_shift(EventKind::shift_end, ada, kNoon + 2h, 3h),
            t.at_shift(EventKind::shift_start, bo, kNoon - 1h),
            t.at_shift(EventKind::shift_end, bo, kNoon + 1h, 2h)});

  const auto sessions_before = must(t.store->attendance_by_session(t.everything()));
  const std::int64_t attendance_before = total_attendance(*t.store, t.everything());
  const Millis hours_before = total_hours(*t.store, t.everything());
  REQUIRE(attendance_before == 4);  // Ada three times, Bo once
  REQUIRE(hours_before == 5h);
  const std::vector<std::string> before = t.every_text_cell();
  REQUIRE(contains(before, ada.id));
  REQUIRE(contains(before, "Adaline Erasewell"));

  const auto erased = must(t.store->erase_person(ada.id, t.admin, kNoon + 31h));
  CHECK(erased.registrations_removed == 2);
  CHECK(erased.shift_assignments_removed == 1);
  CHECK(erased.passes_revoked == 1);  // the first was revoked by the reissue already
  CHECK(erased.passes_removed == 2);
  CHECK(erased.events_anonymised == 7);

  SECTION("nothing of the person is left, except their id in the audit trail") {
    for (const auto& cell : t.every_text_cell()) {
      INFO(cell);
      CHECK(cell.find("Adaline") == std::string::npos);
      if (cell.find(ada.id) != std::string::npos) CHECK(cell.starts_with("audit_log.object_id: "));
      if (cell.starts_with("passes.")) CHECK(cell.find(first_pass) == std::string::npos);
    }
    CHECK_FALSE(must(t.store->person(ada.id)).has_value());
    CHECK(must(t.store->passes_of(ada.id)).empty());
    CHECK(must(t.store->person(bo.id)).has_value());
  }

  SECTION("every session's and shift's totals are what they were") {
    CHECK(total_attendance(*t.store, t.everything()) == attendance_before);
    const auto sessions_after = must(t.store->attendance_by_session(t.everything()));
    REQUIRE(sessions_after.size() == sessions_before.size());
    for (std::size_t i = 0; i < sessions_after.size(); ++i)
      CHECK(sessions_after[i].attendees == sessions_before[i].attendees);
    CHECK(total_hours(*t.store, t.everything()) == hours_before);
    for (const auto& worked : must(t.store->worked_shifts(t.everything()))) CHECK(worked.person_id != ada.id);
    // Identified reports no longer name or list them.
    for (const auto& record : must(t.store->attendance_records(t.everything(), kNoon + 31h)))
      CHECK(record.person_id != ada.id);
  }

  SECTION("kiosks get their passes as revoked and a roster without them") {
    const auto page = must(t.store->changes(t.kiosk, "", kNoon + 31h));
    std::set<std::string> revoked;
    for (const auto& r : page.revocations) revoked.insert(r.pass_id);
    CHECK(revoked.contains(first_pass));
    CHECK(revoked.contains(t.passes.at(ada.id)));
    for (const auto& entry : page.roster) CHECK(entry.person.id != ada.id);
    for (const auto& shift : page.shifts)
      CHECK(std::find(shift.assigned_people.begin(), shift.assigned_people.end(), ada.id) ==
            shift.assigned_people.end());
  }

  SECTION("the erasure is audited, without the name") {
    server::AuditFilter filter;
    filter.action = "person.erase";
    const auto entries = must(t.store->audit_log(filter));
    REQUIRE(entries.size() == 1);
    CHECK(entries.front().object_id == ada.id);
    CHECK(entries.front().account_id == "account-1");
    CHECK(entries.front().detail.find("Adaline") == std::string::npos);
  }

  SECTION("an offline kiosk's late upload of their check-in counts but does not bring their id back") {
    AttendanceEvent late = t.at_session(EventKind::checkin, ada, t.later_session, kNoon + 24h + 5min);
    late.pass_id = first_pass;
    t.upload({late}, kNoon + 32h);
    for (const auto& cell : t.every_text_cell())
      if (cell.find(ada.id) != std::string::npos) CHECK(cell.starts_with("audit_log.object_id: "));
  }

  SECTION("a second erasure finds nobody") {
    auto again = t.store->erase_person(ada.id, t.admin, kNoon + 32h);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == Errc::not_found);
  }
}

#if !CHECKIN_STORE_TEST_POSTGRES
TEST_CASE("after an erasure the SQLite file and its log hold nothing of the person's name") {
  People t;
  const std::string name = "Quillfeather Zephyrine";
  PersonRecord person = t.person(name, {t.org.program.id});
  t.upload({t.at_session(EventKind::checkin, person, t.org.session, kNoon - 5min)});
  auto bytes_of = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto found = [&](std::string_view text) {
    return bytes_of(t.db.url()).find(text) != std::string::npos ||
           bytes_of(t.db.url() + "-wal").find(text) != std::string::npos;
  };
  REQUIRE(found(name));  // the search can see it: it is there before
  REQUIRE(found(person.id));

  must(t.store->erase_person(person.id, t.admin, kNoon + 1h));
  CHECK_FALSE(found(name));
}
#endif

TEST_CASE("erasing someone unknown changes nothing") {
  People t;
  auto erased = t.store->erase_person("no-such-person", t.admin, kNoon);
  REQUIRE_FALSE(erased);
  CHECK(erased.error().code == Errc::not_found);
  CHECK(must(t.store->audit_log({})).empty());
}

TEST_CASE("a person's export holds everything held about them") {
  People t;
  PersonRecord ada = t.person("Ada", {t.org.program.id, t.discreet.id});
  PersonRecord bo = t.person("Bo", {t.org.program.id});
  Shift assigned = t.shift;
  assigned.assigned_people = {ada.id};
  must(t.store->update_shift(assigned));
  t.upload({t.at_session(EventKind::checkin, ada, t.org.session, kNoon - 20min),
            t.at_session(EventKind::checkin, bo, t.org.session, kNoon - 10min),
            t.at_session(EventKind::checkin, ada, t.discreet_session, kNoon),
            t.at_shift(EventKind::shift_start, ada, kNoon - 1h), t.at_shift(EventKind::shift_end, ada, kNoon + 2h, 3h)});

  const auto exported = must(t.store->export_person(ada.id, t.admin, kNoon + 31h));
  CHECK(exported.profile.preferred_name == "Ada");
  CHECK(exported.site_name == "Riverside Centre");
  CHECK(exported.registrations.size() == 2);
  REQUIRE(exported.passes.size() == 1);
  CHECK(exported.passes.front().pass_id == t.passes.at(ada.id));
  CHECK(exported.activity.size() == 4);
  REQUIRE(exported.shifts.size() == 1);
  CHECK(exported.shifts.front().credited == 3h);
  CHECK(exported.shifts.front().shift.role == "Front desk");
  std::map<std::string, std::size_t> rows;
  for (const auto& table : exported.tables) {
    rows[table.table] = table.rows.size();
    for (const auto& row : table.rows) {
      CHECK(row.size() == table.columns.size());
      for (const auto& value : row) CHECK(value.find(bo.id) == std::string::npos);  // nobody else's
    }
  }
  CHECK(rows["people"] == 1);
  CHECK(rows["registrations"] == 2);
  CHECK(rows["shift_assignments"] == 1);
  CHECK(rows["passes"] == 1);
  CHECK(rows["events"] == 4);
  CHECK(rows["attendance_keys"] == 2);
  server::AuditFilter exports;
  exports.action = "person.export";
  const auto entries = must(t.store->audit_log(exports));
  REQUIRE(entries.size() == 1);
  CHECK(entries.front().object_id == ada.id);

  auto unknown = t.store->export_person("no-such-person", t.admin, kNoon);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == Errc::not_found);
}

TEST_CASE("the export covers every person-linked table and column of the schema") {
  People t;
  auto connection = must(sql::connect(t.db.url()));
  const auto schema = People::schema(*connection);
  std::map<std::string, std::set<std::string>> declared;
  for (const auto& table : server::person_linked_tables())
    for (const char* column : table.columns) declared[table.table].insert(column);

  for (const auto& [table, columns] : schema) {
    const bool person_linked =
        table == "people" || std::any_of(columns.begin(), columns.end(), [](const std::string& column) {
          return column == "person_id" || column.ends_with("_person_id") || column.starts_with("person_");
        });
    if (!person_linked) continue;
    INFO("table " << table << " holds a person's data: person_linked_tables() must export it whole");
    REQUIRE(declared.contains(table));
    for (const auto& column : columns) {
      INFO("column " << column);
      CHECK(declared[table].contains(column));
    }
  }
  for (const auto& [table, columns] : declared) {
    INFO("declared table " << table);
    REQUIRE(schema.contains(table));
    for (const auto& column : columns) {
      INFO("declared column " << column);
      CHECK(schema.at(table).contains(column));
    }
  }
}
