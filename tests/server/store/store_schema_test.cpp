// SPDX-License-Identifier: AGPL-3.0-or-later
// Opening, migrations and the organisation's reference data.
#include <algorithm>

#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::testing;
using checkin::server::PersonRecord;
using checkin::server::ServerStore;

TEST_CASE("a new database is migrated, and reopening keeps data and version", "[server][store]") {
  StoreDatabase db;
  Id site_id;
  {
    auto store = db.open();
    CHECK(store->backend() == db.backend());
    site_id = must(store->create_site(Site{"", "Riverside"})).id;
  }
  auto reopened = db.open();
  auto sites = must(reopened->sites());
  REQUIRE(sites.size() == 1);
  CHECK(sites[0].id == site_id);
  CHECK(sites[0].name == "Riverside");

  auto connection = sql::connect(db.url());
  REQUIRE(connection);
  auto version = (*connection)->query("SELECT version FROM schema_version");
  REQUIRE(version);
  REQUIRE(version->size() == 1);
  CHECK(version->front().integer(0) == ServerStore::schema_version());
}

TEST_CASE("a database from a newer server is refused", "[server][store]") {
  StoreDatabase db;
  db.open();
  {
    auto connection = sql::connect(db.url());
    REQUIRE(connection);
    std::vector<sql::Value> newer{std::int64_t{ServerStore::schema_version() + 1}};
    REQUIRE((*connection)->query("UPDATE schema_version SET version = $1", newer));
  }
  auto refused = ServerStore::open(db.url(), 1);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::storage_io);
  CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("newer"));
}

TEST_CASE("organisation: sites, programs, sessions, shifts and people round-trip", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  Organisation org(*store);

  SECTION("programs keep every flag and can be updated") {
    Program discreet{.id = "", .name = "Recovery circle", .discreet = true, .anonymous_allowed = true,
                     .walk_ins_allowed = true, .registration = Registration::roster, .tracks_checkout = true,
                     .feedback_enabled = true};
    discreet = must(store->create_program(discreet));
    CHECK_FALSE(discreet.id.empty());
    auto programs = must(store->programs());
    auto found = std::find_if(programs.begin(), programs.end(), [&](const Program& p) { return p.id == discreet.id; });
    REQUIRE(found != programs.end());
    CHECK(found->discreet);
    CHECK(found->anonymous_allowed);
    CHECK(found->walk_ins_allowed);
    CHECK(found->registration == Registration::roster);
    CHECK(found->tracks_checkout);
    CHECK(found->feedback_enabled);

    discreet.name = "Renamed";
    discreet.discreet = false;
    must(store->update_program(discreet));
    programs = must(store->programs());
    found = std::find_if(programs.begin(), programs.end(), [&](const Program& p) { return p.id == discreet.id; });
    CHECK(found->name == "Renamed");
    CHECK_FALSE(found->discreet);

    Program unknown{.id = "no-such-program", .name = "x"};
    CHECK(store->update_program(unknown).error().code == Errc::not_found);
  }

  SECTION("sessions: default window, listing by time, update, cancel") {
    auto listed = must(store->sessions(org.site.id, kNoon - 1h, kNoon + 1h));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].id == org.session.id);
    CHECK(listed[0].room == "Hall");
    CHECK(listed[0].window_opens == org.session.start - 30min);
    CHECK(listed[0].window_closes == org.session.end);
    CHECK_FALSE(listed[0].capacity);
    CHECK(must(store->sessions(org.site.id, kNoon + 2h, kNoon + 3h)).empty());

    Session changed = org.session;
    changed.room = "Room 2";
    changed.capacity = 12;
    must(store->update_session(changed));
    listed = must(store->sessions(org.site.id, kNoon - 1h, kNoon + 1h));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].room == "Room 2");
    CHECK(listed[0].capacity == 12);

    must(store->cancel_session(org.session.id));
    must(store->cancel_session(org.session.id));  // again: nothing changes
    CHECK(must(store->sessions(org.site.id, kNoon - 1h, kNoon + 1h)).empty());
    CHECK(store->cancel_session("no-such-session").error().code == Errc::not_found);
  }

  SECTION("a session needs a known program and site, and stays at its site") {
    Session orphan = org.session;
    orphan.id.clear();
    orphan.program_id = "no-such-program";
    CHECK(store->create_session(orphan).error().code == Errc::not_found);
    orphan.program_id = org.program.id;
    orphan.site_id = "no-such-site";
    CHECK(store->create_session(orphan).error().code == Errc::not_found);

    Site other = must(store->create_site(Site{"", "Library"}));
    Session moved = org.session;
    moved.site_id = other.id;
    CHECK(store->update_session(moved).error().code == Errc::conflict);

    Session backwards = org.session;
    backwards.end = backwards.start - 1min;
    CHECK(store->update_session(backwards).error().code == Errc::invalid_input);
  }

  SECTION("shifts with assignments; update replaces them; delete hides the shift") {
    auto ana = org.add_person("Ana");
    auto ben = org.add_person("Ben");
    Shift shift{"", org.site.id, "Welcome desk", kNoon, kNoon + 3h, {ben.id, ana.id, ana.id}};
    shift = must(store->create_shift(shift));
    auto listed = must(store->shifts(org.site.id, kNoon, kNoon + 1h));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].role == "Welcome desk");
    std::vector<Id> both{ana.id, ben.id};
    std::sort(both.begin(), both.end());
    CHECK(listed[0].assigned_people == both);

    shift.assigned_people = {ben.id};
    must(store->update_shift(shift));
    listed = must(store->shifts(org.site.id, kNoon, kNoon + 1h));
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].assigned_people == std::vector<Id>{ben.id});

    Shift unknown_person = shift;
    unknown_person.assigned_people = {"nobody"};
    CHECK(store->update_shift(unknown_person).error().code == Errc::not_found);

    must(store->delete_shift(shift.id));
    CHECK(must(store->shifts(org.site.id, kNoon, kNoon + 1h)).empty());
    CHECK(store->update_shift(shift).error().code == Errc::not_found);
  }

  SECTION("people with registrations; update replaces the registrations") {
    Program second = must(store->create_program(Program{.id = "", .name = "Art group"}));
    auto ana = org.add_person("Ana", {org.program.id});
    auto loaded = must(store->person(ana.id));
    REQUIRE(loaded);
    CHECK(loaded->preferred_name == "Ana");
    CHECK(loaded->language == "en");
    CHECK(loaded->registered_programs == std::vector<Id>{org.program.id});

    ana.preferred_name = "Anita";
    ana.language = "es";
    ana.registered_programs = {second.id};
    must(store->update_person(ana));
    loaded = must(store->person(ana.id));
    REQUIRE(loaded);
    CHECK(loaded->preferred_name == "Anita");
    CHECK(loaded->language == "es");
    CHECK(loaded->registered_programs == std::vector<Id>{second.id});

    CHECK_FALSE(must(store->person("nobody")));
    PersonRecord unregistrable{"", "Cy", "en", {"no-such-program"}, {}};
    CHECK(store->create_person(unregistrable).error().code == Errc::not_found);
    CHECK(must(store->people()).size() == 1);  // the failed create left nothing behind
  }

  SECTION("an id given by the caller is kept; a taken one is a conflict") {
    Site named = must(store->create_site(Site{"site-north", "North"}));
    CHECK(named.id == "site-north");
    CHECK(store->create_site(Site{"site-north", "Again"}).error().code == Errc::conflict);
  }

  SECTION("kiosk settings: global values, overridden per site") {
    Site other = must(store->create_site(Site{"", "Library"}));
    must(store->set_kiosk_setting("", "result_seconds", "4"));
    must(store->set_kiosk_setting("", "language", "en"));
    must(store->set_kiosk_setting(other.id, "result_seconds", "8"));
    auto here = must(store->kiosk_settings(org.site.id));
    CHECK(here == std::map<std::string, std::string>{{"language", "en"}, {"result_seconds", "4"}});
    auto there = must(store->kiosk_settings(other.id));
    CHECK(there == std::map<std::string, std::string>{{"language", "en"}, {"result_seconds", "8"}});
    must(store->clear_kiosk_setting(other.id, "result_seconds"));
    CHECK(must(store->kiosk_settings(other.id)).at("result_seconds") == "4");
    CHECK(store->set_kiosk_setting("no-such-site", "x", "y").error().code == Errc::not_found);
  }
}

TEST_CASE("SQL metacharacters in every text field are stored as text", "[server][store]") {
  StoreDatabase db;
  auto store = db.open();
  const std::string nasty = "Robert'); DROP TABLE people; -- \"quoted\" $1 ? % _ \\ ; /* */";
  Site site = must(store->create_site(Site{"site'; --", nasty}));
  Program program = must(store->create_program(Program{.id = "prog\"$1", .name = nasty}));
  Session wanted;
  wanted.id = "session' OR '1'='1";
  wanted.program_id = program.id;
  wanted.site_id = site.id;
  wanted.room = nasty;
  wanted.start = kNoon;
  wanted.end = kNoon + 1h;
  must(store->create_session(wanted));
  auto person = must(store->create_person(PersonRecord{"person?%", nasty, "e'n", {program.id}, {}}));
  must(store->create_shift(Shift{"shift;--", site.id, nasty, kNoon, kNoon + 1h, {person.id}}));
  must(store->set_kiosk_setting(site.id, nasty, nasty));
  auto token = must(store->create_enrolment_token(site.id, kNoon));
  auto enrolled = must(store->enrol(sync::EnrolRequest{token.token, nasty, nasty}, kNoon));

  auto sites = must(store->sites());
  REQUIRE(sites.size() == 1);
  CHECK(sites[0].id == "site'; --");
  CHECK(sites[0].name == nasty);
  CHECK(must(store->programs()).front().name == nasty);
  auto sessions = must(store->sessions(site.id, kNoon, kNoon + 1h));
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0].id == "session' OR '1'='1");
  CHECK(sessions[0].room == nasty);
  auto loaded = must(store->person("person?%"));
  REQUIRE(loaded);
  CHECK(loaded->preferred_name == nasty);
  CHECK(loaded->language == "e'n");
  auto shifts = must(store->shifts(site.id, kNoon, kNoon + 1h));
  REQUIRE(shifts.size() == 1);
  CHECK(shifts[0].role == nasty);
  CHECK(must(store->kiosk_settings(site.id)).at(nasty) == nasty);
  auto device = must(store->authenticate(enrolled.device_id, enrolled.device_token, kNoon));
  CHECK(device.name == nasty);
  CHECK(device.site_id == "site'; --");
  CHECK(must(store->people()).size() == 1);  // the table is still there
}
