// SPDX-License-Identifier: AGPL-3.0-or-later
// The organisation as coordinators edit it: renaming sites, weekly series of sessions,
// looking single sessions and shifts up, importing people all or none, and printing a
// pass again.
#include <chrono>
#include <set>

#include "checkin/core/pass.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::testing;
using checkin::server::PersonRecord;
using checkin::server::SessionState;

namespace {

Session session_at(const Organisation& org, WallTime start, Millis length = 90min) {
  Session session;
  session.program_id = org.program.id;
  session.site_id = org.site.id;
  session.room = "Hall";
  session.start = start;
  session.end = start + length;
  return session;
}

std::vector<Session> weekly(const Organisation& org, WallTime first, int count) {
  std::vector<Session> sessions;
  for (int week = 0; week < count; ++week) sessions.push_back(session_at(org, first + week * 7 * 24h));
  return sessions;
}

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("sites: renaming keeps the id and reaches the kiosks", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  auto kiosk = org.enrol_kiosk();
  auto before = must(store->changes(kiosk, "", kNoon));

  must(store->rename_site(org.site.id, "Riverside Community Centre"));
  auto sites = must(store->sites());
  REQUIRE(sites.size() == 1);
  CHECK(sites[0].id == org.site.id);
  CHECK(sites[0].name == "Riverside Community Centre");
  auto after = must(store->changes(kiosk, before.next_cursor, kNoon));
  CHECK(after.site.name == "Riverside Community Centre");

  CHECK(store->rename_site(org.site.id, "").error().code == Errc::invalid_input);
  CHECK(store->rename_site(org.site.id, std::string(201, 'x')).error().code == Errc::invalid_input);
  CHECK(store->rename_site("no-such-site", "Elsewhere").error().code == Errc::not_found);
  CHECK(must(store->sites())[0].name == "Riverside Community Centre");
}

TEST_CASE("sessions: a weekly series is made all at once and shares its series id", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  const WallTime first = kNoon + 24h * 5;

  auto made = must(store->create_sessions(weekly(org, first, 10), true));
  REQUIRE(made.size() == 10);
  std::set<Id> ids;
  std::set<Id> series;
  for (std::size_t i = 0; i < made.size(); ++i) {
    CHECK(made[i].start == first + static_cast<int>(i) * 7 * 24h);
    CHECK(made[i].window_opens == made[i].start - 30min);  // the default window, as for one session
    ids.insert(made[i].id);
    SessionState state;
    auto stored = must(store->session(made[i].id, &state));
    REQUIRE(stored);
    CHECK(stored->start == made[i].start);
    CHECK_FALSE(state.cancelled);
    CHECK_FALSE(state.series_id.empty());
    series.insert(state.series_id);
  }
  CHECK(ids.size() == 10);
  CHECK(series.size() == 1);
  CHECK(must(store->sessions(org.site.id, first, first + 24h * 70)).size() == 10);

  // Not as a series: no series id. A later series has a series id of its own.
  auto single = must(store->create_sessions({session_at(org, first + 1h * 3)}, false));
  SessionState single_state;
  REQUIRE(must(store->session(single[0].id, &single_state)));
  CHECK(single_state.series_id.empty());
  auto other = must(store->create_sessions(weekly(org, first + 2h * 3, 2), true));
  SessionState other_state;
  REQUIRE(must(store->session(other[0].id, &other_state)));
  CHECK_FALSE(other_state.series_id.empty());
  CHECK(other_state.series_id != *series.begin());
}

TEST_CASE("sessions: one bad session in a series stores none, and the error says which", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  const WallTime first = kNoon + 24h * 5;
  const auto count_before = must(store->sessions(org.site.id, first - 24h, first + 24h * 800)).size();
  auto count_now = [&] { return must(store->sessions(org.site.id, first - 24h, first + 24h * 800)).size(); };

  SECTION("ends before it starts") {
    auto sessions = weekly(org, first, 5);
    sessions[3].end = sessions[3].start - 1min;
    auto made = store->create_sessions(sessions, true);
    REQUIRE_FALSE(made);
    CHECK(made.error().code == Errc::invalid_input);
    CHECK(contains(made.error().message, "session 4:"));
  }
  SECTION("an unknown program, found only in the database") {
    auto sessions = weekly(org, first, 5);
    sessions[4].program_id = "no-such-program";
    auto made = store->create_sessions(sessions, true);
    REQUIRE_FALSE(made);
    CHECK(made.error().code == Errc::not_found);
    CHECK(contains(made.error().message, "session 5: no program with id no-such-program"));
  }
  SECTION("an unknown site") {
    auto sessions = weekly(org, first, 3);
    sessions[1].site_id = "no-such-site";
    auto made = store->create_sessions(sessions, false);
    REQUIRE_FALSE(made);
    CHECK(made.error().code == Errc::not_found);
    CHECK(contains(made.error().message, "session 2: no site"));
  }
  SECTION("two with one id") {
    auto sessions = weekly(org, first, 3);
    sessions[0].id = "fixed";
    sessions[2].id = "fixed";
    auto made = store->create_sessions(sessions, true);
    REQUIRE_FALSE(made);
    CHECK(made.error().code == Errc::conflict);
    CHECK(contains(made.error().message, "session 3:"));
  }
  SECTION("more than two years of weeks, or nothing") {
    CHECK(must(store->create_sessions(weekly(org, first, 104), true)).size() == 104);
    CHECK(count_now() == count_before + 104);
    auto too_many = store->create_sessions(weekly(org, first, 105), true);
    REQUIRE_FALSE(too_many);
    CHECK(too_many.error().code == Errc::limit_exceeded);
    CHECK(store->create_sessions({}, true).error().code == Errc::invalid_input);
    CHECK(count_now() == count_before + 104);
    return;
  }
  CHECK(count_now() == count_before);
}

TEST_CASE("sessions and shifts: looked up one by one", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);

  SessionState state;
  auto found = must(store->session(org.session.id, &state));
  REQUIRE(found);
  CHECK(found->program_id == org.program.id);
  CHECK(found->room == "Hall");
  CHECK_FALSE(state.cancelled);
  CHECK(state.series_id.empty());

  // A cancelled session is still found, and says so.
  must(store->cancel_session(org.session.id));
  found = must(store->session(org.session.id, &state));
  REQUIRE(found);
  CHECK(state.cancelled);
  CHECK(must(store->session(org.session.id)));  // the state is optional
  CHECK_FALSE(must(store->session("no-such-session")));

  auto ana = org.add_person("Ana");
  auto bo = org.add_person("Bo");
  Shift wanted{"", org.site.id, "Kitchen", kNoon, kNoon + 3h, {bo.id, ana.id}};
  auto shift = must(store->create_shift(wanted));
  auto stored = must(store->shift(shift.id));
  REQUIRE(stored);
  CHECK(stored->role == "Kitchen");
  CHECK(stored->start == kNoon);
  CHECK(stored->end == kNoon + 3h);
  CHECK(stored->assigned_people.size() == 2);
  must(store->delete_shift(shift.id));
  CHECK_FALSE(must(store->shift(shift.id)));  // deleted ones are not found
  CHECK_FALSE(must(store->shift("no-such-shift")));
}

TEST_CASE("people: an import stores all or none, and names the bad person", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  auto other_program = must(store->create_program(Program{.id = "", .name = "Choir"}));
  auto people_count = [&] { return must(store->people()).size(); };

  std::vector<PersonRecord> good{
      {"", "Ana", "en", {org.program.id}, org.site.id},
      {"", "Bo", "fr", {org.program.id, other_program.id}, {}},
      {"", "Chen", "zh", {}, org.site.id},
  };

  SECTION("three good people and one with an unknown program: none is stored") {
    auto with_bad = good;
    with_bad.push_back({"", "Dee", "en", {"no-such-program"}, org.site.id});
    auto imported = store->import_people(with_bad);
    REQUIRE_FALSE(imported);
    CHECK(imported.error().code == Errc::not_found);
    CHECK(imported.error().message == "person 4: no program with id no-such-program");
    CHECK(people_count() == 0);
  }
  SECTION("an unknown site, a name too long: none is stored") {
    auto with_bad = good;
    with_bad[1].site_id = "no-such-site";
    auto imported = store->import_people(with_bad);
    REQUIRE_FALSE(imported);
    CHECK(imported.error().message == "person 2: no site with id no-such-site");
    with_bad = good;
    with_bad[2].preferred_name = std::string(201, 'x');
    imported = store->import_people(with_bad);
    REQUIRE_FALSE(imported);
    CHECK(imported.error().code == Errc::invalid_input);
    CHECK(contains(imported.error().message, "person 3:"));
    CHECK(people_count() == 0);
  }
  SECTION("an id already taken: none is stored") {
    auto existing = org.add_person("Eve");
    auto with_bad = good;
    with_bad[2].id = existing.id;
    auto imported = store->import_people(with_bad);
    REQUIRE_FALSE(imported);
    CHECK(imported.error().code == Errc::conflict);
    CHECK(contains(imported.error().message, "person 3:"));
    CHECK(people_count() == 1);
  }
  SECTION("good people are stored with new ids and their registrations") {
    auto imported = must(store->import_people(good));
    REQUIRE(imported.size() == 3);
    std::set<Id> ids;
    for (const auto& person : imported) ids.insert(person.id);
    CHECK(ids.size() == 3);
    CHECK_FALSE(ids.contains(""));
    auto bo = must(store->person(imported[1].id));
    REQUIRE(bo);
    CHECK(bo->preferred_name == "Bo");
    CHECK(bo->language == "fr");
    CHECK(bo->registered_programs.size() == 2);
    CHECK(bo->site_id.empty());
    auto ana = must(store->person(imported[0].id));
    REQUIRE(ana);
    CHECK(ana->site_id == org.site.id);
    CHECK(ana->registered_programs == std::vector<Id>{org.program.id});
    CHECK(must(store->person(imported[2].id))->registered_programs.empty());
    CHECK(people_count() == 3);
  }
  SECTION("an empty import is no error") { CHECK(must(store->import_people({})).empty()); }
}

TEST_CASE("people: importing 5,000 people is quick", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  std::vector<PersonRecord> people;
  for (int i = 0; i < 5000; ++i)
    people.push_back({"", "Person " + std::to_string(i), "en", {org.program.id}, org.site.id});
  const auto started = std::chrono::steady_clock::now();
  auto imported = must(store->import_people(people));
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(imported.size() == 5000);
  CHECK(must(store->people()).size() == 5000);
  CHECK(took < 10s);  // about a second here; far slower means one round trip too many per row
}

TEST_CASE("passes: printed again with the same text, until revoked, reissued, expired or the key retired",
          "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);
  auto key = must(store->create_signing_key(kNoon));
  auto ana = org.add_person("Ana");
  auto issued = must(store->issue_pass(ana.id, kNoon + 24h * 30, kNoon));

  auto record = must(store->pass(issued.record.pass_id));
  REQUIRE(record);
  CHECK(record->person_id == ana.id);
  CHECK(record->key_id == key.key_id);
  CHECK(record->expires == issued.record.expires);
  CHECK_FALSE(record->revoked_at);
  CHECK_FALSE(must(store->pass("00000000000000000000000000000000")));

  CHECK(must(store->pass_text(issued.record.pass_id, kNoon + 1h)) == issued.text);
  CHECK(store->pass_text("00000000000000000000000000000000", kNoon).error().code == Errc::not_found);

  SECTION("expired") {
    CHECK(must(store->pass_text(issued.record.pass_id, issued.record.expires - 1s)) == issued.text);
    auto refused = store->pass_text(issued.record.pass_id, issued.record.expires);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::conflict);
    CHECK(contains(refused.error().message, "expired"));
  }
  SECTION("revoked") {
    must(store->revoke_pass(issued.record.pass_id, kNoon + 2h));
    auto refused = store->pass_text(issued.record.pass_id, kNoon + 3h);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::conflict);
    CHECK(contains(refused.error().message, "revoked"));
    CHECK(must(store->pass(issued.record.pass_id))->revoked_at == kNoon + 2h);
  }
  SECTION("reissued: the old text is refused, the new one printed again") {
    auto again = must(store->issue_pass(ana.id, kNoon + 24h * 30, kNoon + 2h));
    CHECK(store->pass_text(issued.record.pass_id, kNoon + 3h).error().code == Errc::conflict);
    CHECK(must(store->pass_text(again.record.pass_id, kNoon + 3h)) == again.text);
    CHECK(again.text != issued.text);
  }
  SECTION("its key retired") {
    must(store->create_signing_key(kNoon + 1h));
    must(store->retire_signing_key(key.key_id, kNoon + 2h));
    auto refused = store->pass_text(issued.record.pass_id, kNoon + 3h);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::conflict);
    CHECK(contains(refused.error().message, "retired"));
  }
}
