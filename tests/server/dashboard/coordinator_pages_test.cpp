// SPDX-License-Identifier: AGPL-3.0-or-later
// The dashboard's passes, kiosks, live board, reports, review queue and retention pages,
// against the real checkin-server process on SQLite. The organisation and the kiosks'
// uploads are made directly in the same database file through ServerStore; pass images
// are read back with the kiosk's own QR decoder, enrolment codes with the kiosk's parser.
#include "pages_fixture.hpp"

using namespace checkin::testing::pages;

TEST_CASE("passes: issue, download as PNG (that decodes to the pass), SVG and a PDF sheet, reissue, revoke",
          "[dashboard][passes]") {
  Fixture f;
  auto robin = f.person(f.riverside, "Robin");
  auto quiet = f.person(f.riverside, "Quinn", {f.circle.id});  // only a discreet program: never named on a card
  f.start();
  auto admin = f.admin();
  const auto expires = format_utc(now_utc() + 24h * 30).substr(0, 10);

  auto issued = admin.post_form("/people/" + robin.id + "/passes", {{"expires", expires}});
  REQUIRE(issued.status == 303);
  auto passes = must_ok(f.store->passes_of(robin.id));
  REQUIRE(passes.size() == 1);
  const auto pass = passes.front();
  CHECK(format_utc(pass.expires).substr(0, 10) > expires);  // valid to the end of that day
  const auto base = "/people/" + robin.id + "/passes/" + pass.pass_id;

  auto person_page = admin.get("/people/" + robin.id);
  CHECK(has(person_page.body, base + "/png"));
  CHECK(has(person_page.body, "Reissue pass"));

  auto png = admin.get(base + "/png");
  REQUIRE(png.status == 200);
  CHECK(png.header("Content-Type") == "image/png");
  auto disposition = png.header("Content-Disposition");
  CHECK(has(disposition, "attachment"));
  CHECK(has(disposition, "pass-" + pass.pass_id.substr(0, 8)));
  CHECK(!has(disposition, "Robin"));
  auto image = must_ok(qr::load_image_from_memory(
      std::span(reinterpret_cast<const std::uint8_t*>(png.body.data()), png.body.size())));
  auto codes = qr::decode(image.view());
  REQUIRE(codes.size() == 1);
  CHECK(codes.front().text == must_ok(f.store->pass_text(pass.pass_id, now_utc())));

  auto svg = admin.get(base + "/svg");
  REQUIRE(svg.status == 200);
  CHECK(svg.header("Content-Type") == "image/svg+xml");
  CHECK(svg.body.starts_with("<svg"));
  CHECK(has(svg.header("Content-Disposition"), ".svg"));

  // The sheet: Quinn has a pass too, but the name box is not offered for them.
  must_ok(f.store->issue_pass(quiet.id, now_utc() + 24h * 30, now_utc()));
  auto sheet_page = admin.get("/passes?site=" + f.riverside.id);
  REQUIRE(sheet_page.status == 200);
  CHECK(has(sheet_page.body, "Never printed: all their programs are discreet."));
  CHECK(has(sheet_page.body, R"(name="names" value=")" + robin.id));
  CHECK(!has(sheet_page.body, R"(name="names" value=")" + quiet.id));
  auto pdf = admin.post_form("/passes/sheet", {{"site_id", f.riverside.id}, {"person", robin.id}, {"person", quiet.id},
                                               {"names", robin.id}, {"names", quiet.id}, {"paper", "letter"}});
  REQUIRE(pdf.status == 200);
  CHECK(pdf.body.starts_with("%PDF"));
  CHECK(pdf.header("Content-Type") == "application/pdf");
  CHECK(has(pdf.header("Content-Disposition"), "attachment; filename=\"pass-cards-"));
  // A card carries its site's name: someone of another site is not printed under it.
  auto elsewhere = f.person(f.hilltop, "Harriet");
  must_ok(f.store->issue_pass(elsewhere.id, now_utc() + 24h * 30, now_utc()));
  CHECK(admin.post_form("/passes/sheet", {{"site_id", f.riverside.id}, {"person", elsewhere.id}}).status == 404);
  auto nobody = admin.post_form("/passes/sheet", {{"site_id", f.riverside.id}});
  CHECK(nobody.status == 400);
  CHECK(has(nobody.body, "tick at least one card"));

  // Reissue: a new pass, the old one revoked and no longer downloadable.
  CHECK(admin.post_form("/people/" + robin.id + "/passes", {{"expires", expires}}).status == 303);
  passes = must_ok(f.store->passes_of(robin.id));
  REQUIRE(passes.size() == 2);
  auto old_pass = must_ok(f.store->pass(pass.pass_id));
  REQUIRE(old_pass);
  CHECK(old_pass->revoked_at);
  CHECK(admin.get(base + "/png").status == 409);
  const auto& fresh = passes.front().pass_id == pass.pass_id ? passes.back() : passes.front();
  const auto fresh_base = "/people/" + robin.id + "/passes/" + fresh.pass_id;
  CHECK(admin.get(fresh_base + "/png").status == 200);

  // Revoke asks first; the POST needs the token; then the download is refused.
  auto confirm = admin.get(fresh_base + "/revoke");
  CHECK(confirm.status == 200);
  CHECK(has(confirm.body, "Revoke pass"));
  CHECK(admin.post(fresh_base + "/revoke", {}).status == 403);
  CHECK(!must_ok(f.store->pass(fresh.pass_id))->revoked_at);
  CHECK(admin.post_form(fresh_base + "/revoke", {}).status == 303);
  CHECK(must_ok(f.store->pass(fresh.pass_id))->revoked_at);
  auto refused = admin.get(fresh_base + "/png");
  CHECK(refused.status == 409);
  CHECK(has(refused.body, "revoked or has expired"));

  // A date in the past is a clear error and issues nothing.
  auto past = admin.post_form("/people/" + robin.id + "/passes", {{"expires", "2020-01-01"}});
  CHECK(past.status == 400);
  CHECK(has(past.body, "already passed"));
  CHECK(must_ok(f.store->passes_of(robin.id)).size() == 2);
}

TEST_CASE("passes: the first pass of a new organisation makes its signing key", "[dashboard][passes]") {
  Fixture f(false);
  auto robin = f.person(f.riverside, "Robin");
  f.start();
  auto admin = f.admin();
  CHECK(must_ok(f.store->signing_keys()).empty());
  const auto expires = format_utc(now_utc() + 24h * 30).substr(0, 10);
  CHECK(admin.post_form("/people/" + robin.id + "/passes", {{"expires", expires}}).status == 303);
  CHECK(admin.post_form("/people/" + robin.id + "/passes", {{"expires", expires}}).status == 303);
  CHECK(must_ok(f.store->signing_keys()).size() == 1);
  CHECK(must_ok(f.store->passes_of(robin.id)).size() == 2);
}

TEST_CASE("kiosks: the enrolment code on the page is one the kiosk accepts, and kiosks are listed and revoked",
          "[dashboard][kiosks]") {
  Fixture f;
  auto& server = f.start();
  auto admin = f.admin();

  auto page = admin.post_form("/kiosks/enrol", {{"site_id", f.riverside.id}});
  REQUIRE(page.status == 200);
  CHECK(has(page.body, "<svg"));
  CHECK(has(page.body, "tap <strong>Enrol this kiosk</strong>"));
  auto text = html_unescape(between(page.body, R"(id="enrolment-code">)", "</code>"));
  auto code = sync::parse_enrolment_code(text);
  REQUIRE(code);
  CHECK(code->server_url == server.url());
  CHECK(code->cert_sha256.empty());  // plain HTTP
  CHECK(!has(server.log(), code->token));
  // The token is real: a kiosk enrols with it at Riverside, once.
  auto enrolled = must_ok(f.store->enrol(sync::EnrolRequest{code->token, "side-door", "test"}, now_utc()));
  CHECK(enrolled.site.id == f.riverside.id);
  CHECK(!f.store->enrol(sync::EnrolRequest{code->token, "again", "test"}, now_utc()));

  must_ok(f.store->note_contact(f.riverside_kiosk.id, now_utc() - 3h, now_utc() - 3h + 2min));
  auto list = admin.get("/kiosks");
  REQUIRE(list.status == 200);
  CHECK(has(list.body, "side-door"));
  CHECK(has(list.body, "front-door"));
  CHECK(has(list.body, "3 hours ago"));
  CHECK(has(list.body, "lag-warning"));
  CHECK(has(list.body, "2 minutes ahead"));

  // A new token, asked for here: the kiosk takes it at its next sync (its changes say so).
  auto roll = "/kiosks/" + enrolled.device_id + "/roll";
  CHECK(has(admin.get(roll).body, "gets a new token at its next sync"));
  CHECK(admin.post(roll, {}).status == 403);
  CHECK(admin.post_form(roll, {}).status == 303);
  CHECK(has(admin.get("/kiosks").body, "New token asked for"));
  auto side_door = must_ok(f.store->authenticate(enrolled.device_id, enrolled.device_token, now_utc()));
  CHECK(side_door.roll_requested);
  CHECK(must_ok(f.store->changes(side_door, "", now_utc())).token_roll_due);
  auto asked = must_ok(f.store->audit_log(AuditFilter{.action = "device.token_roll_requested"}));
  REQUIRE(asked.size() == 1);
  CHECK(asked.front().object_id == enrolled.device_id);

  auto revoke = "/kiosks/" + enrolled.device_id + "/revoke";
  CHECK(admin.get(revoke).status == 200);
  CHECK(admin.post(revoke, {}).status == 403);
  CHECK(admin.post_form(revoke, {}).status == 303);
  auto devices = must_ok(f.store->devices());
  auto side = std::ranges::find(devices, enrolled.device_id, &Device::id);
  REQUIRE(side != devices.end());
  CHECK(side->revoked_at);
  CHECK(admin.post_form(roll, {}).status == 303);  // "it was revoked": nothing to renew
  CHECK(must_ok(f.store->audit_log(AuditFilter{.action = "device.token_roll_requested"})).size() == 1);
}

TEST_CASE("volunteers on shift now are on Today and on the live board, whichever door they started at",
          "[dashboard][board]") {
  Fixture f;
  auto vic = f.person(f.riverside, "Vic");
  const WallTime start = std::max(now_utc() - 30min, std::chrono::time_point_cast<Millis>(
                                                          std::chrono::floor<std::chrono::days>(now_utc())));
  auto desk = must_ok(f.store->create_shift(Shift{"", f.riverside.id, "Welcome desk", start, start + 4h, {vic.id}}));
  f.start();
  auto admin = f.admin();
  CHECK(has(admin.get("/").body, "Nobody is on shift right now."));
  CHECK(!has(admin.get("/board").body, "On shift now"));

  auto shift_start = f.event(f.riverside_kiosk, EventKind::shift_start, now_utc() - 5min);
  shift_start.shift_id = desk.id;
  shift_start.person_id = vic.id;
  f.upload(f.riverside_kiosk, {shift_start});
  auto today = admin.get("/");
  CHECK(has(today.body, "On shift now at Riverside"));
  CHECK(has(today.body, ">Vic</a>: Welcome desk, since "));
  CHECK(has(admin.get("/board").body, "On shift now"));
  auto board = nlohmann::json::parse(admin.get("/board.json").body);
  REQUIRE(board["on_shift"].size() == 1);
  CHECK(has(board["on_shift"][0].get<std::string>(), "Vic — Welcome desk, since "));
  // Riverside's coordinator sees them too.
  CHECK(nlohmann::json::parse(f.coordinator().get("/board.json").body)["on_shift"].size() == 1);
}

TEST_CASE("the live board: counts and names, and for a discreet program counts only, a small one as fewer than 5", "[dashboard][board]") {
  Fixture f;
  auto lunch = f.open_session(f.riverside, f.lunch);
  auto circle = f.open_session(f.riverside, f.circle);
  auto robin = f.person(f.riverside, "Robin");
  auto sam = f.person(f.riverside, "Sam", {f.circle.id});
  f.check_in(robin, lunch);
  f.check_in(sam, circle);
  f.start();
  auto admin = f.admin();

  auto json_answer = admin.get("/board.json");
  REQUIRE(json_answer.status == 200);
  CHECK(has(json_answer.header("Content-Type"), "application/json"));
  CHECK(!has(json_answer.body, "Sam"));
  auto board = nlohmann::json::parse(json_answer.body);
  REQUIRE(board["sessions"].size() == 2);
  for (const auto& s : board["sessions"]) {
    if (s["id"] == lunch.id) {
      CHECK(s["present"] == "1");
      CHECK(s["checked_in"] == "1");
      CHECK(s["discreet"] == false);
      CHECK(s["names"] == nlohmann::json::array({"Robin"}));
    } else {
      CHECK(s["id"] == circle.id);
      CHECK(s["present"] == "fewer than 5");  // one person in a group could be told apart
      CHECK(s["checked_in"] == "fewer than 5");
      CHECK(s["discreet"] == true);
      CHECK(s["names"].empty());
    }
  }

  auto page = admin.get("/board");
  REQUIRE(page.status == 200);
  CHECK(has(page.body, "<li>Robin</li>"));
  CHECK(!has(page.body, "Sam"));
  CHECK(has(page.body, "Discreet program: counts only, no names."));
  CHECK(has(page.body, R"(<dd data-field="present">fewer than 5</dd>)"));
  // Today's page too.
  auto today = admin.get("/");
  REQUIRE(today.status == 200);
  CHECK(has(today.body, ">fewer than 5</a>"));
  CHECK(has(page.body, "/static/board.js?v="));
  CHECK(!has(page.body, "<script>"));  // no inline script: the CSP forbids it
  auto script = admin.get("/static/board.js");
  REQUIRE(script.status == 200);
  CHECK(has(script.body, "textContent"));
  CHECK(!has(script.body, "innerHTML"));
}

TEST_CASE("report CSV files: BOM, CRLF, formula-like names as text, small discreet counts suppressed",
          "[dashboard][reports]") {
  Fixture f;
  auto lunch = f.open_session(f.riverside, f.lunch);
  auto circle = f.open_session(f.riverside, f.circle);
  auto mallory = f.person(f.riverside, kFormulaName);
  f.check_in(mallory, lunch);
  for (const char* name : {"Ana", "Ben", "Cy"}) f.check_in(f.person(f.riverside, name, {f.circle.id}), circle);
  f.start();
  auto admin = f.admin();
  const auto today = format_utc(now_utc()).substr(0, 10);
  const auto range = "?from=" + today + "&to=" + today;

  auto attendance = admin.get("/reports/attendance.csv" + range);
  REQUIRE(attendance.status == 200);
  CHECK(attendance.header("Content-Type") == "text/csv; charset=utf-8");
  CHECK(has(attendance.header("Content-Disposition"), "attachment; filename=\"attendance-by-session-" + today));
  REQUIRE(attendance.body.starts_with("\xEF\xBB\xBF"));
  auto lines = csv_lines(attendance.body.substr(3));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "Date,Start,End,Site,Program,Room,Attended,Anonymous,Walk-ins,Over capacity");
  CHECK(attendance.body.find('\n') == attendance.body.find("\r\n") + 1);  // every line ends CRLF
  std::string circle_row, lunch_row;
  for (const auto& line : lines) {
    if (has(line, "Thursday circle")) circle_row = line;
    if (has(line, "Community lunch")) lunch_row = line;
  }
  CHECK(has(circle_row, ",fewer than 5,"));
  CHECK(!has(circle_row, ",3,"));
  CHECK(has(lunch_row, ",1,0,0"));

  auto people = admin.get("/reports/people.csv" + range);
  REQUIRE(people.status == 200);
  CHECK(people.body.starts_with("\xEF\xBB\xBF"));
  CHECK(has(people.body, ",'=cmd|' /C calc'!A0,"));  // shown as text, never run as a formula
  CHECK(!has(people.body, ",=cmd"));
  CHECK(!has(people.body, "Ana"));  // discreet programs are never listed

  auto programs = admin.get("/reports/programs.csv" + range);
  CHECK(has(programs.body, "Thursday circle,1,fewer than 5\r\n"));
  CHECK(admin.get("/reports/volunteer-hours.csv" + range).body.starts_with("\xEF\xBB\xBF"));
  CHECK(admin.get("/reports/shifts.csv" + range).body.starts_with("\xEF\xBB\xBF"));

  // On screen the same suppression, and the name escaped.
  auto page = admin.get("/reports" + range);
  REQUIRE(page.status == 200);
  CHECK(has(page.body, "<td>fewer than 5</td>"));
  CHECK(has(page.body, "=cmd|&#39; /C calc&#39;!A0"));
  CHECK(has(page.body, "/reports/attendance.csv?site=&amp;program=&amp;from=" + today));
}

TEST_CASE("a report file with dates it cannot read is refused, not made for another range", "[dashboard][reports]") {
  Fixture f;
  f.start();
  auto admin = f.admin();
  for (const char* file : {"attendance", "programs", "people", "volunteer-hours", "shifts"}) {
    auto answer = admin.get(fmt::format("/reports/{}.csv?from=garbage&to=2026-13-45", file));
    CHECK(answer.status == 400);
    CHECK(has(answer.header("Content-Type"), "text/html"));
    CHECK(answer.header("Content-Disposition").empty());
    CHECK(has(answer.body, "Please check the dates"));
  }
}

TEST_CASE("a coordinator cannot reach another site's reports, board, kiosks or passes, nor change retention",
          "[dashboard][sites]") {
  Fixture f;
  auto theirs = f.open_session(f.hilltop, f.lunch);
  auto mine = f.open_session(f.riverside, f.lunch);
  auto harriet = f.person(f.hilltop, "Harriet");
  auto robin = f.person(f.riverside, "Robin");
  f.check_in(harriet, theirs);
  f.check_in(robin, mine);
  auto their_pass = must_ok(f.store->passes_of(harriet.id)).front();
  f.start();
  auto coordinator = f.coordinator();
  const auto hilltop = f.hilltop.id;

  CHECK(coordinator.get("/reports?site=" + hilltop).status == 404);
  CHECK(coordinator.get("/reports/attendance.csv?site=" + hilltop).status == 404);
  CHECK(coordinator.get("/reports/people.csv?site=" + hilltop).status == 404);
  CHECK(coordinator.get("/kiosks?site=" + hilltop).status == 404);
  CHECK(coordinator.get("/passes?site=" + hilltop).status == 404);
  const auto their_pass_base = "/people/" + harriet.id + "/passes/" + their_pass.pass_id;
  CHECK(coordinator.get(their_pass_base + "/png").status == 404);
  CHECK(coordinator.get(their_pass_base + "/revoke").status == 404);
  // Their pass under my person's id is not found either.
  CHECK(coordinator.get("/people/" + robin.id + "/passes/" + their_pass.pass_id + "/png").status == 404);
  CHECK(coordinator.post_form(their_pass_base + "/revoke", {}).status == 404);
  CHECK(coordinator.post_form("/people/" + harriet.id + "/passes", {{"expires", "2030-01-01"}}).status == 404);
  CHECK(coordinator.post_form("/passes/sheet", {{"site_id", hilltop}, {"person", harriet.id}}).status == 404);
  CHECK(coordinator.post_form("/passes/sheet", {{"site_id", f.riverside.id}, {"person", harriet.id}}).status == 404);
  CHECK(coordinator.post_form("/kiosks/enrol", {{"site_id", hilltop}}).status == 404);
  CHECK(coordinator.get("/kiosks/" + f.hilltop_kiosk.id + "/revoke").status == 404);
  CHECK(coordinator.post_form("/kiosks/" + f.hilltop_kiosk.id + "/revoke", {}).status == 404);
  auto devices = must_ok(f.store->devices());
  auto their_kiosk = std::ranges::find(devices, f.hilltop_kiosk.id, &Device::id);
  REQUIRE(their_kiosk != devices.end());
  CHECK(!their_kiosk->revoked_at);
  CHECK(!must_ok(f.store->pass(their_pass.pass_id))->revoked_at);
  CHECK(must_ok(f.store->passes_of(harriet.id)).size() == 1);

  // Their own pages show only their site.
  auto board = coordinator.get("/board.json");
  REQUIRE(board.status == 200);
  CHECK(has(board.body, mine.id));
  CHECK(!has(board.body, theirs.id));
  CHECK(!has(board.body, "Harriet"));
  auto kiosks = coordinator.get("/kiosks");
  CHECK(has(kiosks.body, "front-door"));
  CHECK(!has(kiosks.body, f.hilltop_kiosk.id));
  auto csv = coordinator.get("/reports/people.csv");
  CHECK(has(csv.body, "Robin"));
  CHECK(!has(csv.body, "Harriet"));

  // Retention: they read it, only admins change it.
  CHECK(coordinator.get("/retention").status == 200);
  CHECK(coordinator.post_form("/retention/discreet_days", {{"days", "7"}}).status == 403);
  CHECK(coordinator.post_form("/retention/apply", {}).status == 403);
  CHECK(must_ok(f.store->retention_status()).discreet_days == kDefaultDiscreetRetentionDays);
}

TEST_CASE("review queue: confirm, edit and reject need the CSRF token", "[dashboard][review]") {
  Fixture f;
  auto start = now_utc() - 6h;
  auto shift = must_ok(f.store->create_shift(Shift{"", f.riverside.id, "Kitchen", start, start + 3h, {}}));
  std::vector<PersonRecord> volunteers{f.person(f.riverside, "Vic"), f.person(f.riverside, "Wren"),
                                       f.person(f.riverside, "Xan")};
  std::vector<std::string> ends;
  for (const auto& v : volunteers) {
    auto pass = must_ok(f.store->issue_pass(v.id, now_utc() + 24h * 365, now_utc()));
    auto e = f.event(f.riverside_kiosk, EventKind::shift_end, start + 3h + 30min);
    e.shift_id = shift.id;
    e.pass_id = pass.record.pass_id;
    e.person_id = v.id;
    e.shift_duration = 3h + 30min;
    e.flags = flag_auto_closed;
    f.upload(f.riverside_kiosk, {e});
    ends.push_back(e.event_id);
  }
  f.start();
  auto coordinator = f.coordinator();

  auto page = coordinator.get("/review");
  REQUIRE(page.status == 200);
  CHECK(has(page.body, "3 shifts waiting, oldest first."));
  CHECK(has(page.body, "Vic"));
  CHECK(has(page.body, "3 h 30 min"));
  CHECK(has(page.body, R"(<label for="hours-1">Hours</label>)"));

  // Without the token nothing changes.
  CHECK(coordinator.post("/review/" + ends[0] + "/confirm", {}).status == 403);
  CHECK(coordinator.post("/review/" + ends[1] + "/edit", {{"hours", "2"}, {"minutes", "15"}}).status == 403);
  CHECK(coordinator.post("/review/" + ends[2] + "/reject", {{"csrf", std::string(64, 'a')}}).status == 403);
  CHECK(must_ok(f.store->review_queue({f.riverside.id})).size() == 3);

  CHECK(coordinator.post_form("/review/" + ends[0] + "/confirm", {}).status == 303);
  auto bad_time = coordinator.post_form("/review/" + ends[1] + "/edit", {{"hours", "2"}, {"minutes", "75"}});
  CHECK(bad_time.status == 400);
  CHECK(coordinator.post_form("/review/" + ends[1] + "/edit", {{"hours", "2"}, {"minutes", "15"}}).status == 303);
  CHECK(coordinator.post_form("/review/" + ends[2] + "/reject", {}).status == 303);
  CHECK(must_ok(f.store->review_queue({f.riverside.id})).empty());
  auto confirmed = must_ok(f.store->worked_shift(ends[0]));
  auto edited = must_ok(f.store->worked_shift(ends[1]));
  auto rejected = must_ok(f.store->worked_shift(ends[2]));
  REQUIRE((confirmed && edited && rejected));
  CHECK(confirmed->status == ShiftStatus::confirmed);
  CHECK(confirmed->credited == 3h + 30min);
  CHECK(edited->status == ShiftStatus::edited);
  CHECK(edited->credited == 2h + 15min);
  CHECK(rejected->status == ShiftStatus::rejected);
  CHECK(rejected->credited == Millis{0});

  // A second decision on the same shift changes nothing.
  auto again = coordinator.post_form("/review/" + ends[2] + "/confirm", {});
  CHECK(again.status == 303);
  CHECK(must_ok(f.store->worked_shift(ends[2]))->status == ShiftStatus::rejected);

  auto decided = coordinator.get("/review");
  CHECK(has(decided.body, "Nothing waiting"));
  CHECK(has(decided.body, "Time set to 2 h 15 min"));
  CHECK(has(decided.body, "Cole Coordinator"));
  // An id that is no shift end: not found.
  CHECK(coordinator.post_form("/review/0190f0e0-0000-7000-8000-000000000000/confirm", {}).status == 404);
}

TEST_CASE("retention: the page says what is kept, and an admin changes the days and reduces now", "[dashboard][retention]") {
  Fixture f;
  // A discreet session that ended 10 days ago, with one identified check-in.
  auto old = f.open_session(f.riverside, f.circle, now_utc() - 24h * 10);
  auto sam = f.person(f.riverside, "Sam", {f.circle.id});
  auto pass = must_ok(f.store->issue_pass(sam.id, now_utc() + 24h * 365, now_utc() - 24h * 11));
  auto e = f.event(f.riverside_kiosk, EventKind::checkin, old.start + 5min);
  e.session_id = old.id;
  e.pass_id = pass.record.pass_id;
  e.person_id = sam.id;
  f.upload(f.riverside_kiosk, {e});
  f.start();
  auto admin = f.admin();

  auto page = admin.get("/retention");
  REQUIRE(page.status == 200);
  CHECK(has(page.body, "<strong>90 days</strong>"));
  CHECK(has(page.body, "Feedback</strong> given at a kiosk is never linked to a person"));
  CHECK(has(page.body, "Reduce now"));

  CHECK(has(page.body, "Other programs</strong>: who attended each session is kept for <strong>730 days</strong>"));

  CHECK(admin.post_form("/retention/discreet_days", {{"days", "0"}}).status == 400);
  CHECK(admin.post_form("/retention/discreet_days", {{"days", "seven"}}).status == 400);
  CHECK(admin.post_form("/retention/discreet_days", {{"days", "7"}}).status == 303);
  CHECK(must_ok(f.store->retention_status()).discreet_days == 7);
  CHECK(admin.post_form("/retention/other_days", {{"days", "400"}}).status == 303);
  CHECK(must_ok(f.store->retention_status()).other_days == 400);

  // A program's own period, and back to the default of its kind.
  CHECK(admin.post_form("/retention/programs/" + f.lunch.id, {{"days", "30"}}).status == 303);
  CHECK(must_ok(f.store->retention_status()).program_days == std::map<Id, int>{{f.lunch.id, 30}});
  CHECK(has(admin.get("/retention").body, "30 days (its own)"));
  CHECK(admin.post_form("/retention/programs/" + f.lunch.id + "/default", {}).status == 303);
  CHECK(must_ok(f.store->retention_status()).program_days.empty());
  CHECK(admin.post_form("/retention/programs/no-such-program", {{"days", "30"}}).status == 404);

  // Someone added three years ago who never came is listed for review, with the way to erase them.
  must_ok(f.store->create_person(PersonRecord{make_uuid_v7(now_utc() - 24h * 365 * 3), "Long Gone", "en", {},
                                              f.riverside.id}));
  auto listed = admin.get("/retention");
  CHECK(has(listed.body, "People without activity for 730 days"));
  CHECK(has(listed.body, "Long Gone"));
  CHECK_FALSE(has(between(listed.body, "People without activity", "</table>"), ">Sam<"));  // came 10 days ago
  // The server's own timer may have run already; either way the session ends up reduced.
  auto applied = admin.post_form("/retention/apply", {});
  CHECK(applied.status == 303);
  auto status = must_ok(f.store->retention_status());
  CHECK(status.identified_discreet_events == 0);
  CHECK(status.reduced_sessions == 1);
  CHECK(has(admin.get("/retention").body, "<strong>7 days</strong>"));
}

TEST_CASE("the retention timer applies retention at once and then on its schedule", "[dashboard][retention]") {
  checkin::testing::TempDir dir;
  auto store = must_ok(ServerStore::open(dir.file("server.db"), 2));
  ManualClock clock(now_utc());
  auto before = must_ok(store->retention_status());
  CHECK(!before.last_run);
  {
    RetentionTimer timer(*store, clock, 20ms);
    for (int i = 0; i < 200 && timer.runs() < 3; ++i) std::this_thread::sleep_for(10ms);
    CHECK(timer.runs() >= 3);
  }  // stops and joins
  CHECK(must_ok(store->retention_status()).last_run);
}

TEST_CASE("feedback: ratings by program and week on the reports page and as CSV, a discreet program's few as 'fewer than 5'",
          "[dashboard][reports]") {
  Fixture f;
  auto lunch = f.open_session(f.riverside, f.lunch);
  auto circle = f.open_session(f.riverside, f.circle);
  std::vector<sync::FeedbackItem> items;
  std::int64_t row = 0;
  const auto day = format_utc(now_utc()).substr(0, 10);
  for (int rating : {5, 4, 4, 3, 5, 2}) items.push_back({++row, Feedback{lunch.id, rating}, day});
  for (int rating : {1, 5}) items.push_back({++row, Feedback{circle.id, rating}, day});
  CHECK(must_ok(f.store->ingest_feedback(f.riverside_kiosk, items, now_utc())).stored == 8);
  f.start();
  auto coordinator = f.coordinator();

  auto page = coordinator.get("/reports?site=" + f.riverside.id);
  REQUIRE(page.status == 200);
  const auto section = between(page.body, "Feedback at check-out", "Volunteer hours");
  REQUIRE_FALSE(section.empty());
  CHECK(has(section, "<td>Community lunch</td><td>6</td><td>0</td><td>1</td><td>1</td><td>2</td><td>2</td><td>3.8</td>"));
  CHECK(has(section, "<td>Thursday circle</td><td colspan=\"7\">fewer than 5</td>"));

  auto file = coordinator.get("/reports/feedback.csv?site=" + f.riverside.id);
  REQUIRE(file.status == 200);
  CHECK(has(file.header("Content-Disposition"), "feedback-by-week-"));
  auto lines = csv_lines(file.body.substr(3));  // after the BOM
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "Week,Program,Answers,Rated 1,Rated 2,Rated 3,Rated 4,Rated 5,Average");
  CHECK(has(lines[1], ",Community lunch,6,0,1,1,2,2,3.8"));
  CHECK(has(lines[2], ",Thursday circle,fewer than 5,,,,,,"));
  // Another site's file is refused.
  CHECK(coordinator.get("/reports/feedback.csv?site=" + f.hilltop.id).status == 404);
}

TEST_CASE("passes seen twice: the report page and its CSV, a discreet program's rows without whose pass",
          "[dashboard][reports]") {
  Fixture f;
  auto lunch = f.open_session(f.riverside, f.lunch);
  auto circle = f.open_session(f.riverside, f.circle);
  auto second_door = f.enrol(f.riverside, "back-door");
  auto share = [&](const PersonRecord& who, const Session& session) {
    auto pass = must_ok(f.store->issue_pass(who.id, now_utc() + 24h * 365, now_utc()));
    for (const Device* door : {&f.riverside_kiosk, &second_door}) {
      auto e = f.event(*door, EventKind::checkin, now_utc() - (door == &second_door ? 1min : 2min));
      e.session_id = session.id;
      e.pass_id = pass.record.pass_id;
      e.person_id = who.id;
      f.upload(*door, {e});
    }
    return pass.record.pass_id;
  };
  auto robin = f.person(f.riverside, "Robin", {f.lunch.id});
  auto sam = f.person(f.riverside, "Sam", {f.circle.id});
  const auto robin_pass = share(robin, lunch);
  const auto sam_pass = share(sam, circle);
  f.start();
  auto coordinator = f.coordinator();

  auto page = coordinator.get("/reports?site=" + f.riverside.id);
  REQUIRE(page.status == 200);
  const auto section = between(page.body, "Passes seen twice", "Feedback at check-out");
  CHECK(has(section, "Robin"));
  CHECK(has(section, robin_pass.substr(0, 8)));
  CHECK(has(section, "front-door"));
  CHECK(has(section, "back-door"));
  CHECK_FALSE(has(section, "Sam"));
  CHECK_FALSE(has(section, sam_pass.substr(0, 8)));

  auto file = coordinator.get("/reports/seen-twice.csv?site=" + f.riverside.id);
  REQUIRE(file.status == 200);
  auto lines = csv_lines(file.body.substr(3));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "Date,Site,Program,Session start,Name,Pass,First kiosk,First at,Again at kiosk,Again at");
  CHECK_FALSE(has(file.body, "Sam"));
  CHECK_FALSE(has(file.body, sam_pass));
  CHECK(has(file.body, robin_pass));
}
