// SPDX-License-Identifier: AGPL-3.0-or-later
// The dashboard's privacy pages against the real checkin-server process on SQLite: a
// session's attendance and its corrections, a person's own data and erasure, and the audit
// trail every change and every look at who attended writes.
#include "pages_fixture.hpp"

using namespace checkin::testing::pages;

TEST_CASE("a session's attendance: every door's stays, undo, move and check in by hand, each audited",
          "[dashboard][attendance]") {
  Fixture f;
  auto lunch = f.open_session(f.riverside, f.lunch);
  auto later = f.open_session(f.riverside, f.lunch, now_utc() + 1h);
  auto theirs = f.open_session(f.hilltop, f.lunch);
  auto robin = f.person(f.riverside, "Robin", {f.lunch.id});
  auto sam = f.person(f.riverside, "Sam", {f.lunch.id});
  f.check_in(robin, lunch);
  f.check_in(sam, lunch);
  f.check_in(f.person(f.hilltop, "Harriet"), theirs);
  f.start();
  auto coordinator = f.coordinator();
  const std::string page_path = "/sessions/" + lunch.id + "/attendance";

  auto page = coordinator.get(page_path);
  REQUIRE(page.status == 200);
  CHECK(has(page.body, "Robin"));
  CHECK(has(page.body, "Sam"));
  CHECK(has(page.body, "front-door"));  // which door
  CHECK(coordinator.get("/sessions/" + theirs.id + "/attendance").status == 404);  // another site's

  auto stays = must_ok(f.store->session_attendance(lunch.id, now_utc()));
  REQUIRE(stays.stays.size() == 2);
  const auto robin_in = stays.stays[0].stay.person_id == robin.id ? stays.stays[0].stay.checkin_event_id
                                                                   : stays.stays[1].stay.checkin_event_id;
  const auto sam_in = stays.stays[0].stay.person_id == sam.id ? stays.stays[0].stay.checkin_event_id
                                                               : stays.stays[1].stay.checkin_event_id;

  // Without the CSRF token nothing changes; with it, the undo is asked first, then done.
  CHECK(coordinator.post(page_path + "/" + robin_in + "/undo", {}).status == 403);
  CHECK(must_ok(f.store->attendance_count(lunch.id)) == 2);
  auto asked = coordinator.get(page_path + "/" + robin_in + "/undo");
  REQUIRE(asked.status == 200);
  CHECK(has(asked.body, "Undo the check-in at"));
  CHECK(coordinator.submit(page_path + "/" + robin_in + "/undo", page_path + "/" + robin_in + "/undo",
                           {{"reason", "scanned the wrong pass"}}).status == 303);
  CHECK(must_ok(f.store->attendance_count(lunch.id)) == 1);

  // Moved to the later session.
  CHECK(coordinator.submit(page_path + "/" + sam_in + "/move", page_path + "/" + sam_in + "/move",
                           {{"to_session", later.id}, {"reason", "came for the second sitting"}}).status == 303);
  CHECK(must_ok(f.store->attendance_count(lunch.id)) == 0);
  CHECK(must_ok(f.store->attendance_count(later.id)) == 1);
  // Not to another site's session.
  auto again = must_ok(f.store->session_attendance(later.id, now_utc()));
  REQUIRE(again.stays.size() == 1);
  CHECK(coordinator.post_form("/sessions/" + later.id + "/attendance/" + again.stays[0].stay.checkin_event_id + "/move",
                              {{"to_session", theirs.id}}).status == 404);

  // By hand: a registered person, or a walk-in, never both and never neither.
  CHECK(coordinator.post_form(page_path + "/add", {{"person_id", robin.id}, {"reason", "kiosk was down"}}).status == 303);
  CHECK(coordinator.post_form(page_path + "/add", {{"walk_in", "Jo"}}).status == 303);
  CHECK(coordinator.post_form(page_path + "/add", {{"person_id", robin.id}, {"walk_in", "Jo"}}).status == 303);
  CHECK(coordinator.post_form(page_path + "/add", {}).status == 303);
  CHECK(must_ok(f.store->attendance_count(lunch.id)) == 2);

  // Each correction, and the view of who attended, is in the audit trail with the account
  // and reason, never a name.
  auto trail = must_ok(f.store->audit_log(AuditFilter{.action = "attendance."}));
  CHECK(std::ranges::count_if(trail, [](const AuditEntry& e) { return e.action == "attendance.view"; }) >= 1);
  CHECK(std::ranges::count_if(trail, [](const AuditEntry& e) { return e.action != "attendance.view"; }) == 4);
  for (const auto& entry : trail) {
    CHECK(entry.actor == "coord");  // the account, by its username
    CHECK_FALSE(has(entry.detail, "Robin"));
    CHECK_FALSE(has(entry.detail, "Jo"));
  }
  CHECK(std::ranges::any_of(trail, [](const AuditEntry& e) { return e.reason == "scanned the wrong pass"; }));
  // Admins read the trail; coordinators do not.
  CHECK(coordinator.get("/audit").status == 403);
  auto audit = f.admin().get("/audit");
  REQUIRE(audit.status == 200);
  CHECK(has(audit.body, "attendance.undo"));
  CHECK(has(audit.body, "attendance.move"));
}

TEST_CASE("a person's data: downloads for whoever sees them, erasing for admins only after a page that says what happens",
          "[dashboard][people]") {
  Fixture f;
  auto session = f.open_session(f.riverside, f.lunch);
  auto robin = f.person(f.riverside, "Robin Quarrington", {f.lunch.id});
  auto harriet = f.person(f.hilltop, "Harriet");
  f.check_in(robin, session);
  const auto pass = must_ok(f.store->passes_of(robin.id)).front().pass_id;
  f.start();
  const std::string base = "/people/" + robin.id;

  auto coordinator = f.coordinator();
  auto their_page = coordinator.get(base);
  REQUIRE(their_page.status == 200);
  CHECK(has(their_page.body, base + "/export.json"));
  CHECK(!has(their_page.body, base + "/erase"));
  // The reference kiosks show beside the name when staff check someone in by name.
  CHECK(has(their_page.body, "Reference <strong>" + person_reference(robin.id) + "</strong>"));
  // Language: chosen by name from a list, not typed as a code.
  CHECK(has(their_page.body, R"(<select id="language" name="language")"));
  CHECK(has(their_page.body, "Español (Spanish)"));
  CHECK(has(their_page.body, "own language</option>"));  // the empty choice: the kiosk's
  // People without a name are told apart by that reference.
  auto nameless = f.person(f.riverside, "");
  CHECK(has(coordinator.get("/people").body, "(no name, ref. " + person_reference(nameless.id) + ")"));
  CHECK(coordinator.get(base + "/erase").status == 403);
  CHECK(coordinator.post_form(base + "/erase", {}).status == 403);
  CHECK(coordinator.get("/people/" + harriet.id + "/export.json").status == 404);  // another site's
  auto summary = coordinator.get(base + "/export.html");
  REQUIRE(summary.status == 200);
  CHECK(has(summary.header("Content-Disposition"), "attachment"));
  CHECK(!has(summary.header("Content-Disposition"), "Robin"));
  CHECK(has(summary.body, "Robin Quarrington"));
  CHECK(has(summary.body, "Community lunch"));

  auto admin = f.admin();
  auto json_file = admin.get(base + "/export.json");
  REQUIRE(json_file.status == 200);
  auto json = nlohmann::json::parse(json_file.body);
  CHECK(json["person"]["preferred_name"] == "Robin Quarrington");
  CHECK(json["passes"][0]["pass_id"] == pass);
  CHECK(json["attendance"].size() == 1);
  CHECK(json["stored_records"]["events"].size() == 1);

  auto confirm = admin.get(base + "/erase");
  REQUIRE(confirm.status == 200);
  const std::string words = html_unescape(confirm.body);
  for (const char* said : {"cannot be undone", "name, contact details", "registrations", "passes are revoked",
                           "anonymous counts", "totals do not change", "at their next sync"})
    CHECK(has(words, said));
  CHECK(f.store->attendance_count(session.id).value_or(-1) == 1);
  auto erased = admin.post_form(base + "/erase", {});
  CHECK(erased.status == 303);
  CHECK(admin.get(base).status == 404);
  CHECK_FALSE(must_ok(f.store->person(robin.id)).has_value());
  CHECK(f.store->attendance_count(session.id).value_or(-1) == 1);
  CHECK(must_ok(f.store->pass(pass)) == std::nullopt);

  AuditFilter filter;
  filter.object_id = robin.id;
  std::set<std::string> actions;
  for (const auto& entry : must_ok(f.store->audit_log(filter))) {
    actions.insert(entry.action);
    CHECK(!has(entry.detail, "Robin"));
  }
  CHECK(actions == std::set<std::string>{"person.view", "person.export", "person.erase"});
}

namespace {

// The audit entries written since `before` (the trail is newest first), oldest first.
std::vector<AuditEntry> entries_since(ServerStore& store, std::size_t before) {
  auto all = must_ok(store.audit_log(AuditFilter{.limit = 10000}));
  std::vector<AuditEntry> fresh(all.begin(), all.end() - static_cast<std::ptrdiff_t>(before));
  std::ranges::reverse(fresh);
  return fresh;
}

std::size_t trail_size(ServerStore& store) { return must_ok(store.audit_log(AuditFilter{.limit = 10000})).size(); }

}  // namespace

TEST_CASE("the audit trail: each change in the dashboard writes one entry, and so does each look at who attended",
          "[dashboard][audit]") {
  Fixture f;
  auto lunch = f.open_session(f.riverside, f.lunch);
  auto robin = f.person(f.riverside, "Robin Quarrington", {f.lunch.id});
  f.check_in(robin, lunch);
  f.start();
  auto admin = f.admin();
  auto coordinator = f.coordinator();
  ServerStore& store = *f.store;

  // One step, then exactly one new entry: the action, the account, the object.
  auto one_entry = [&](const std::string& action, const std::string& actor, const std::function<void()>& step) {
    INFO(action);
    const auto before = trail_size(store);
    step();
    auto fresh = entries_since(store, before);
    REQUIRE(fresh.size() == 1);
    CHECK(fresh[0].action == action);
    CHECK(fresh[0].actor == actor);
    CHECK_FALSE(has(fresh[0].detail, "Robin"));
    CHECK_FALSE(has(fresh[0].detail, "Quarrington"));
    return fresh[0];
  };

  auto created = one_entry("person.create", "coord", [&] {
    CHECK(coordinator.post_form("/people", {{"preferred_name", "Sam Q"}, {"language", "en"}, {"site_id", f.riverside.id}})
              .status == 303);
  });
  CHECK(created.object_type == "person");
  CHECK(created.site_id == f.riverside.id);
  CHECK(must_ok(store.person(created.object_id)).has_value());  // the new person's id

  auto updated = one_entry("person.update", "coord", [&] {
    // (post_form: the person's page, which a browser would show first, is a look of its own)
    CHECK(coordinator.post_form("/people/" + robin.id, {{"preferred_name", "Robin Quarrington"}, {"language", "es"},
                                                        {"site_id", f.riverside.id}, {"programs", f.lunch.id}})
              .status == 303);
  });
  CHECK(updated.object_id == robin.id);

  one_entry("person.view", "coord", [&] { CHECK(coordinator.get("/people/" + robin.id).status == 200); });
  one_entry("report.view", "coord", [&] { CHECK(coordinator.get("/reports").status == 200); });
  auto download = one_entry("report.download", "coord", [&] {
    CHECK(coordinator.get("/reports/people.csv?site=" + f.riverside.id).status == 200);
  });
  CHECK(download.object_id == "who-attended");
  CHECK(download.site_id == f.riverside.id);
  one_entry("board.view", "coord", [&] { CHECK(coordinator.get("/board").status == 200); });
  one_entry("session.cancel", "coord", [&] {
    CHECK(coordinator.post_form("/sessions/" + lunch.id + "/cancel", {}).status == 303);
  });
  one_entry("program.create", "admin", [&] {
    CHECK(admin.post_form("/programs", {{"name", "Art class"}, {"registration", "open"}}).status == 303);
  });
  one_entry("retention.set", "admin", [&] { CHECK(admin.post_form("/retention/audit_days", {{"days", "400"}}).status == 303); });
  CHECK(must_ok(store.retention_status()).audit_days == 400);

  // Nothing is written for a refused or mistaken request, nor for a page that changes nothing.
  const auto before = trail_size(store);
  CHECK(coordinator.post("/people", {{"preferred_name", "No CSRF"}}).status == 403);
  CHECK(coordinator.post_form("/people", {{"preferred_name", ""}}).status == 400);
  CHECK(admin.post_form("/retention/audit_days", {{"days", "3"}}).status == 400);
  CHECK(coordinator.get("/sessions").status == 200);
  CHECK(coordinator.get("/board.json").status == 200);
  CHECK(coordinator.post_form("/sessions/" + lunch.id + "/cancel", {}).status == 303);  // cancelled already
  CHECK(trail_size(store) == before);
}

TEST_CASE("the audit trail: admins filter it and download it as CSV, and coordinators cannot read or change it",
          "[dashboard][audit]") {
  Fixture f;
  auto robin = f.person(f.riverside, "Robin Quarrington", {f.lunch.id});
  f.start();
  auto admin = f.admin();
  auto coordinator = f.coordinator();
  CHECK(coordinator.get("/people/" + robin.id).status == 200);
  CHECK(admin.submit("/sites", "/sites", {{"name", "Lakeside"}}).status == 303);

  CHECK(coordinator.get("/audit").status == 403);
  CHECK(coordinator.get("/audit.csv").status == 403);
  CHECK(coordinator.post_form("/audit", {}).status == 405);  // no way to change it
  CHECK(admin.post_form("/audit", {}).status == 405);

  auto everything = admin.get("/audit");
  REQUIRE(everything.status == 200);
  CHECK(has(everything.body, "person.view"));
  CHECK(has(everything.body, "site.create"));
  auto people_only = admin.get("/audit?action=person.");
  CHECK(has(people_only.body, "person.view"));
  CHECK_FALSE(has(people_only.body, "site.create"));
  auto admins_only = admin.get("/audit?account=" + must_ok(f.store->accounts()).front().id);
  CHECK(admins_only.status == 200);

  auto file = admin.get("/audit.csv?action=person.");
  REQUIRE(file.status == 200);
  CHECK(has(file.header("Content-Type"), "text/csv"));
  CHECK(has(file.header("Content-Disposition"), "audit-trail-"));
  auto lines = csv_lines(file.body);
  REQUIRE(lines.size() == 2);
  CHECK(has(lines[0], "When,When (UTC),Account,Action,Object type,Object ID,Site ID,Details,Reason"));
  CHECK(has(lines[1], ",coord,person.view,person," + robin.id + ","));
  CHECK_FALSE(has(file.body, "Robin"));
  // The download is itself recorded.
  CHECK(must_ok(f.store->audit_log(AuditFilter{.action = "audit.download"})).size() == 1);
  CHECK(admin.get("/audit.csv?from=yesterday").status == 400);
}

TEST_CASE("the privacy notice for the door: the kiosks' words with the organisation's periods and contact",
          "[dashboard][privacy]") {
  Fixture f;
  must_ok(f.store->set_discreet_retention_days(60));
  must_ok(f.store->set_kiosk_setting("", "privacy_contact", "Ask at reception, or write to privacy@example.org"));
  f.start();
  auto page = f.coordinator().get("/privacy-notice");
  REQUIRE(page.status == 200);
  const std::string words = html_unescape(page.body);
  CHECK(has(words, "What we record when you check in"));
  CHECK(has(words, "Support groups: who came is kept for 60 days"));
  CHECK(has(words, "Other activities: who came is kept for 730 days"));
  CHECK(has(words, "Questions, or want your record deleted? Ask at reception, or write to privacy@example.org"));
  CHECK(has(f.admin().get("/retention").body, "href=\"/privacy-notice\""));
}

TEST_CASE("a walk-in becomes a person from the session's attendance page, the check-in kept and audited",
          "[dashboard][attendance]") {
  Fixture f;
  auto lunch = f.open_session(f.riverside, f.lunch);
  auto circle = f.open_session(f.riverside, f.circle);
  auto walk_in = [&](const Session& session, std::string name) {
    auto e = f.event(f.riverside_kiosk, EventKind::walk_in, now_utc() - 1min);
    e.session_id = session.id;
    e.walk_in_name = std::move(name);
    f.upload(f.riverside_kiosk, {e});
    return e.event_id;
  };
  const auto jo = walk_in(lunch, "Jo");
  const auto kim = walk_in(circle, "Kim");
  f.start();
  auto coordinator = f.coordinator();
  const std::string base = "/sessions/" + lunch.id + "/attendance";

  auto page = coordinator.get(base);
  REQUIRE(page.status == 200);
  CHECK(has(page.body, base + "/" + jo + "/person"));
  CHECK_FALSE(has(coordinator.get("/sessions/" + circle.id + "/attendance").body, "/person\""));  // discreet: never
  auto form = coordinator.get(base + "/" + jo + "/person");
  REQUIRE(form.status == 200);
  CHECK(has(form.body, R"(value="Jo")"));
  CHECK(has(html_unescape(form.body), "Register for Community lunch"));

  CHECK(coordinator.post(base + "/" + jo + "/person", {{"preferred_name", "Jo Bloggs"}}).status == 403);  // no CSRF
  auto added = coordinator.post_form(base + "/" + jo + "/person",
                                     {{"preferred_name", "Jo Bloggs"}, {"language", "es"}, {"register", "1"}});
  REQUIRE(added.status == 303);
  const auto location = added.header("Location");
  REQUIRE(location.starts_with("/people/"));
  const auto person_id = location.substr(8, location.find('#') - 8);
  auto person = must_ok(f.store->person(person_id));
  REQUIRE(person);
  CHECK(person->preferred_name == "Jo Bloggs");
  CHECK(person->site_id == f.riverside.id);
  CHECK(person->registered_programs == std::vector<Id>{f.lunch.id});
  CHECK(must_ok(f.store->attendance_count(lunch.id)) == 1);  // the same one check-in
  CHECK(must_ok(f.store->audit_log(AuditFilter{.action = "attendance.walk_in_to_person"})).size() == 1);
  // Done once; the discreet one is refused even when asked directly.
  CHECK_FALSE(has(coordinator.get(base).body, base + "/" + jo + "/person"));
  auto refused = coordinator.post_form("/sessions/" + circle.id + "/attendance/" + kim + "/person",
                                       {{"preferred_name", "Kim"}});
  CHECK(refused.status == 303);
  CHECK(has(refused.header("Location"), "/sessions/" + circle.id + "/attendance"));
  CHECK(must_ok(f.store->audit_log(AuditFilter{.action = "attendance.walk_in_to_person"})).size() == 1);
}
