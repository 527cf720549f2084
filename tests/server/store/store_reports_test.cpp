// SPDX-License-Identifier: AGPL-3.0-or-later
// Reports, the live board, the review of auto-closed shifts and retention, over events
// uploaded through ServerStore::ingest as kiosks send them.
#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::testing;
using checkin::server::Device;
using checkin::server::PersonRecord;
using checkin::server::ReportFilter;
using checkin::server::ReviewDecision;
using checkin::server::ShiftStatus;
using checkin::sync::EventStatus;

namespace {

struct Reports {
  StoreDatabase db;
  std::unique_ptr<server::ServerStore> store = db.open();
  Organisation org{*store};
  Device kiosk = org.enrol_kiosk(kNoon, "kiosk-1");
  Device other_kiosk = org.enrol_kiosk(kNoon, "kiosk-2");
  Program discreet = must(store->create_program(Program{.id = "", .name = "Thursday group", .discreet = true}));
  Session discreet_session = org.add_session(discreet.id, kNoon - 30min, kNoon + 90min);
  std::map<Id, std::int64_t> seqs;
  std::map<Id, std::string> passes;

  Reports() { must(store->create_signing_key(kNoon)); }

  PersonRecord person(std::string name) {
    PersonRecord added = org.add_person(std::move(name));
    passes[added.id] = must(store->issue_pass(added.id, kNoon + 24h * 365, kNoon)).record.pass_id;
    return added;
  }

  AttendanceEvent event(const Device& device, EventKind kind, WallTime at) {
    AttendanceEvent e = checkin_event(device, ++seqs[device.id], "", "", "", at);
    e.kind = kind;
    return e;
  }
  AttendanceEvent checkin(const PersonRecord& who, const Session& session, WallTime at = kNoon,
                          const Device* device = nullptr) {
    AttendanceEvent e = event(device ? *device : kiosk, EventKind::checkin, at);
    e.session_id = session.id;
    e.pass_id = passes.at(who.id);
    e.person_id = who.id;
    return e;
  }
  AttendanceEvent checkout(const PersonRecord& who, const Session& session, WallTime at) {
    AttendanceEvent e = checkin(who, session, at);
    e.kind = EventKind::checkout;
    return e;
  }
  AttendanceEvent anonymous(const Session& session, WallTime at = kNoon) {
    AttendanceEvent e = event(kiosk, EventKind::anonymous_checkin, at);
    e.session_id = session.id;
    return e;
  }
  AttendanceEvent walk_in(const Session& session, std::string name, WallTime at = kNoon) {
    AttendanceEvent e = event(kiosk, EventKind::walk_in, at);
    e.session_id = session.id;
    e.walk_in_name = std::move(name);
    return e;
  }
  AttendanceEvent undo(const AttendanceEvent& undone, WallTime at) {
    AttendanceEvent e = event(kiosk, EventKind::undo, at);
    e.undoes_event_id = undone.event_id;
    return e;
  }
  AttendanceEvent shift_event(EventKind kind, const PersonRecord& who, const Shift& shift, WallTime at) {
    AttendanceEvent e = event(kiosk, kind, at);
    e.shift_id = shift.id;
    e.pass_id = passes.at(who.id);
    e.person_id = who.id;
    return e;
  }
  AttendanceEvent shift_end(const PersonRecord& who, const Shift& shift, WallTime at, Millis worked,
                            bool auto_closed = false) {
    AttendanceEvent e = shift_event(EventKind::shift_end, who, shift, at);
    e.shift_duration = worked;
    if (auto_closed) e.flags = flag_auto_closed;
    return e;
  }

  void upload(const Device& device, std::vector<AttendanceEvent> events, WallTime now = kNoon + 1h) {
    auto results = must(store->ingest(device, events, now));
    for (const auto& result : results) REQUIRE(result.status == EventStatus::accepted);
  }
  void upload(std::vector<AttendanceEvent> events, WallTime now = kNoon + 1h) { upload(kiosk, std::move(events), now); }

  ReportFilter everything() const { return ReportFilter{{}, {}, kNoon - 24h * 365, kNoon + 24h * 365}; }

  // An account row as the accounts code writes it (only the columns reviews read matter).
  Id add_account(std::string display_name) {
    auto connection = sql::connect(db.url());
    REQUIRE(connection);
    const Id id = make_uuid_v7(kNoon);
    const std::vector<sql::Value> values = {id, "user-" + id, "user-" + id, std::move(display_name), std::string("x"),
                                            std::string("coordinator"), std::int64_t{0}};
    must((*connection)->query("INSERT INTO accounts (id, username, username_key, display_name, password_hash, role, "
                              "created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                              values));
    return id;
  }

  const server::SessionAttendance& row_of(const std::vector<server::SessionAttendance>& rows, const Id& session_id) {
    auto found = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.session.id == session_id; });
    REQUIRE(found != rows.end());
    return *found;
  }
};

}  // namespace

TEST_CASE("reports: attendance by session counts each attendee once", "[server][store][reports]") {
  Reports r;
  auto ana = r.person("Ana");
  auto ben = r.person("Ben");
  auto ben_in = r.checkin(ben, r.org.session, kNoon + 2min);
  // Two offline kiosks both accepted Ana; Ben was checked in by mistake and undone.
  r.upload(r.kiosk, {r.checkin(ana, r.org.session, kNoon), ben_in, r.undo(ben_in, kNoon + 3min),
                     r.anonymous(r.org.session), r.anonymous(r.org.session), r.walk_in(r.org.session, "Sam")});
  r.upload(r.other_kiosk, {r.checkin(ana, r.org.session, kNoon + 1min, &r.other_kiosk)});
  r.upload({r.checkin(ana, r.discreet_session), r.checkin(ben, r.discreet_session)});

  auto rows = must(r.store->attendance_by_session(r.everything()));
  REQUIRE(rows.size() == 2);
  const auto& open_row = r.row_of(rows, r.org.session.id);
  CHECK(open_row.attendees == 4);  // Ana, two anonymous, Sam
  CHECK(open_row.anonymous == 2);
  CHECK(open_row.walk_ins == 1);
  CHECK_FALSE(open_row.reduced);
  CHECK(open_row.program.name == "Tuesday peer support");
  CHECK(open_row.site_name == "Riverside Centre");
  const auto& discreet_row = r.row_of(rows, r.discreet_session.id);
  CHECK(discreet_row.attendees == 2);
  CHECK(discreet_row.program.discreet);
  CHECK(must(r.store->attendance_count(r.org.session.id)) == 4);

  SECTION("the filter limits by program, site and start time") {
    ReportFilter filter = r.everything();
    filter.program_id = r.discreet.id;
    auto only_discreet = must(r.store->attendance_by_session(filter));
    REQUIRE(only_discreet.size() == 1);
    CHECK(only_discreet[0].session.id == r.discreet_session.id);

    Site elsewhere = must(r.store->create_site(Site{"", "Library"}));
    filter = r.everything();
    filter.site_ids = {elsewhere.id};
    CHECK(must(r.store->attendance_by_session(filter)).empty());
    filter.site_ids = {elsewhere.id, r.org.site.id};
    CHECK(must(r.store->attendance_by_session(filter)).size() == 2);

    filter = r.everything();
    filter.from = r.org.session.start + 1min;  // [from, to) on the start
    CHECK(must(r.store->attendance_by_session(filter)).empty());
    filter.from = r.org.session.start;
    filter.to = r.org.session.start;
    CHECK(must(r.store->attendance_by_session(filter)).empty());
  }
  SECTION("a cancelled session is left out") {
    must(r.store->cancel_session(r.discreet_session.id));
    auto left = must(r.store->attendance_by_session(r.everything()));
    REQUIRE(left.size() == 1);
    CHECK(left[0].session.id == r.org.session.id);
  }
}

TEST_CASE("reports: identified attendance, never for discreet programs", "[server][store][reports]") {
  Reports r;
  auto ana = r.person("Ana");
  auto ben = r.person("Ben");
  auto cara = r.person("Cara");
  auto cara_in = r.checkin(cara, r.org.session, kNoon + 4min);
  r.upload(r.other_kiosk, {r.checkin(ana, r.org.session, kNoon + 5min, &r.other_kiosk)});
  r.upload({r.checkin(ana, r.org.session, kNoon + 1min), r.checkout(ana, r.org.session, kNoon + 50min),
            r.checkin(ben, r.org.session, kNoon + 2min), cara_in, r.undo(cara_in, kNoon + 5min),
            r.anonymous(r.org.session), r.walk_in(r.org.session, "Sam", kNoon + 3min),
            r.checkin(ana, r.discreet_session), r.walk_in(r.discreet_session, "Zed")});

  auto records = must(r.store->attendance_records(r.everything(), kNoon + 1h));
  REQUIRE(records.size() == 3);  // Ana once, Ben, Sam; not Cara (undone), not the anonymous one
  CHECK(records[0].preferred_name == "Ana");
  CHECK(records[0].person_id == ana.id);
  CHECK(records[0].checked_in_at == kNoon + 1min);  // the first of the two kiosks' check-ins
  REQUIRE(records[0].checked_out_at);
  CHECK(*records[0].checked_out_at == kNoon + 50min);
  CHECK(records[1].preferred_name == "Ben");
  CHECK_FALSE(records[1].checked_out_at);
  CHECK(records[2].preferred_name == "Sam");
  CHECK(records[2].person_id.empty());
  for (const auto& record : records) {
    CHECK(record.session.id == r.org.session.id);
    CHECK_FALSE(record.program.discreet);
  }

  SECTION("asking for the discreet program by name gives nothing") {
    ReportFilter filter = r.everything();
    filter.program_id = r.discreet.id;
    CHECK(must(r.store->attendance_records(filter, kNoon + 1h)).empty());
  }
}

TEST_CASE("reports: the live board shows who is in now, names only where allowed", "[server][store][reports]") {
  Reports r;
  auto ana = r.person("Ana");
  auto ben = r.person("Ben");
  auto cara = r.person("Cara");
  auto cara_in = r.checkin(cara, r.org.session, kNoon + 1min);
  r.upload({r.checkin(ana, r.org.session), r.checkin(ben, r.org.session), r.checkout(ben, r.org.session, kNoon + 5min),
            cara_in, r.undo(cara_in, kNoon + 2min), r.anonymous(r.org.session), r.walk_in(r.org.session, "Sam"),
            r.checkin(ana, r.discreet_session), r.walk_in(r.discreet_session, "Zed"), r.anonymous(r.discreet_session)});
  r.upload(r.other_kiosk, {r.checkin(ana, r.org.session, kNoon + 1min, &r.other_kiosk)});

  auto board = must(r.store->live_board({}, kNoon + 10min));
  REQUIRE(board.size() == 2);
  const auto& open = board[0].session.id == r.org.session.id ? board[0] : board[1];
  const auto& quiet = board[0].session.id == r.org.session.id ? board[1] : board[0];
  CHECK(open.checked_in == 4);  // Ana, Ben, anonymous, Sam
  CHECK(open.present == 3);     // Ben checked out
  CHECK(open.names == std::vector<std::string>{"Ana", "Sam"});
  CHECK(quiet.present == 3);
  CHECK(quiet.names.empty());

  SECTION("checking in again after checking out is present again") {
    r.upload({r.checkin(ben, r.org.session, kNoon + 8min)});
    auto again = must(r.store->live_board({r.org.site.id}, kNoon + 10min));
    auto session = std::find_if(again.begin(), again.end(), [&](const auto& b) { return b.session.id == r.org.session.id; });
    REQUIRE(session != again.end());
    CHECK(session->present == 4);
  }
  SECTION("only sessions whose window is open, only the sites asked for") {
    CHECK(must(r.store->live_board({}, r.org.session.end + 1min)).empty());
    CHECK(must(r.store->live_board({}, r.org.session.start - 31min)).empty());
    CHECK(must(r.store->live_board({}, r.org.session.start - 29min)).size() == 2);
    Site elsewhere = must(r.store->create_site(Site{"", "Library"}));
    CHECK(must(r.store->live_board({elsewhere.id}, kNoon + 10min)).empty());
  }
}

TEST_CASE("reports: worked shifts, the review queue and decisions", "[server][store][reports]") {
  Reports r;
  auto dee = r.person("Dee");
  auto eve = r.person("Eve");
  auto fay = r.person("Fay");
  Shift wanted;
  wanted.site_id = r.org.site.id;
  wanted.role = "Door";
  wanted.start = kNoon - 1h;
  wanted.end = kNoon + 2h;
  Shift shift = must(r.store->create_shift(wanted));
  auto fay_end = r.shift_end(fay, shift, kNoon + 1h, 2h);
  r.upload({r.shift_event(EventKind::shift_start, dee, shift, kNoon - 1h), r.shift_end(dee, shift, kNoon + 2h, 3h),
            r.shift_event(EventKind::shift_start, eve, shift, kNoon - 50min),
            r.shift_end(eve, shift, kNoon + 3h, 3h + 50min, true),
            r.shift_event(EventKind::shift_start, fay, shift, kNoon - 1h), fay_end, r.undo(fay_end, kNoon + 1h + 1min)});

  ReportFilter filter = r.everything();
  auto worked = must(r.store->worked_shifts(filter));
  REQUIRE(worked.size() == 2);  // Fay's end was undone
  const auto& dee_shift = worked[0].person_id == dee.id ? worked[0] : worked[1];
  const auto& eve_shift = worked[0].person_id == dee.id ? worked[1] : worked[0];
  CHECK(dee_shift.status == ShiftStatus::credited);
  CHECK(dee_shift.credited == 3h);
  CHECK(dee_shift.preferred_name == "Dee");
  REQUIRE(dee_shift.started_at);
  CHECK(*dee_shift.started_at == kNoon - 1h);
  CHECK(dee_shift.shift.role == "Door");
  CHECK(dee_shift.site_name == "Riverside Centre");
  CHECK(eve_shift.status == ShiftStatus::needs_review);
  CHECK(eve_shift.credited == 0ms);
  CHECK(eve_shift.recorded == 3h + 50min);
  REQUIRE(eve_shift.started_at);
  CHECK(*eve_shift.started_at == kNoon - 50min);

  auto queue = must(r.store->review_queue({}));
  REQUIRE(queue.size() == 1);
  CHECK(queue[0].end_event_id == eve_shift.end_event_id);
  Site elsewhere = must(r.store->create_site(Site{"", "Library"}));
  CHECK(must(r.store->review_queue({elsewhere.id})).empty());
  filter.site_ids = {elsewhere.id};
  CHECK(must(r.store->worked_shifts(filter)).empty());

  const Id lead = r.add_account("Lead Coordinator");
  const std::string eve_end = eve_shift.end_event_id;

  SECTION("confirm credits what the kiosk recorded") {
    must(r.store->review_shift(eve_end, ReviewDecision::confirm, std::nullopt, lead, kNoon + 5h));
    auto decided = must(r.store->worked_shift(eve_end));
    REQUIRE(decided);
    CHECK(decided->status == ShiftStatus::confirmed);
    CHECK(decided->credited == 3h + 50min);
    CHECK(decided->decided_by == "Lead Coordinator");
    CHECK(must(r.store->review_queue({})).empty());
    auto again = r.store->review_shift(eve_end, ReviewDecision::reject, std::nullopt, lead, kNoon + 6h);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == Errc::conflict);
  }
  SECTION("edit credits the coordinator's figure, within 0 to 24 hours") {
    for (auto bad : {std::optional<Millis>{}, std::optional<Millis>{-1ms}, std::optional<Millis>{24h + 1ms}}) {
      auto refused = r.store->review_shift(eve_end, ReviewDecision::edit, bad, lead, kNoon + 5h);
      REQUIRE_FALSE(refused);
      CHECK(refused.error().code == Errc::invalid_input);
    }
    must(r.store->review_shift(eve_end, ReviewDecision::edit, 2h + 30min, lead, kNoon + 5h));
    auto decided = must(r.store->worked_shift(eve_end));
    REQUIRE(decided);
    CHECK(decided->status == ShiftStatus::edited);
    CHECK(decided->credited == 2h + 30min);
    CHECK(decided->recorded == 3h + 50min);
  }
  SECTION("reject credits nothing") {
    must(r.store->review_shift(eve_end, ReviewDecision::reject, std::nullopt, lead, kNoon + 5h));
    auto decided = must(r.store->worked_shift(eve_end));
    REQUIRE(decided);
    CHECK(decided->status == ShiftStatus::rejected);
    CHECK(decided->credited == 0ms);
  }
  SECTION("only an auto-closed shift end can be reviewed") {
    auto own_scan = r.store->review_shift(dee_shift.end_event_id, ReviewDecision::confirm, std::nullopt, lead, kNoon);
    REQUIRE_FALSE(own_scan);
    CHECK(own_scan.error().code == Errc::not_found);
    auto unknown = r.store->review_shift(make_uuid_v7(kNoon), ReviewDecision::confirm, std::nullopt, lead, kNoon);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == Errc::not_found);
    CHECK_FALSE(must(r.store->worked_shift(fay_end.event_id)));  // undone
  }
}

TEST_CASE("retention: old discreet sessions are reduced to the same counts", "[server][store][retention]") {
  Reports r;
  auto ana = r.person("Ana");
  auto ben = r.person("Ben");
  const WallTime later = kNoon + 24h * 95;
  Session recent = r.org.add_session(r.discreet.id, later - 30min, later + 90min);
  r.upload({r.checkin(ana, r.discreet_session), r.checkin(ben, r.discreet_session),
            r.checkout(ben, r.discreet_session, kNoon + 30min), r.anonymous(r.discreet_session),
            r.walk_in(r.discreet_session, "Zed"), r.checkin(ana, r.org.session)});
  r.upload({r.checkin(ana, recent, later)}, later + 1h);
  r.upload(r.other_kiosk, {r.checkin(ana, r.discreet_session, kNoon + 1min, &r.other_kiosk)});

  auto status = must(r.store->retention_status());
  CHECK(status.discreet_days == server::kDefaultDiscreetRetentionDays);
  CHECK_FALSE(status.last_run);
  CHECK(status.identified_discreet_events == 6);  // Ana x2, Ben, Ben's check-out, Zed, Ana later
  REQUIRE(status.oldest_identified);
  CHECK(*status.oldest_identified == kNoon);
  CHECK(status.reduced_sessions == 0);

  const auto before = must(r.store->attendance_by_session(r.everything()));
  const auto old_row = r.row_of(before, r.discreet_session.id);
  CHECK(old_row.attendees == 4);

  const WallTime now = kNoon + 24h * 100;  // the first discreet session ended 100 days ago
  auto run = must(r.store->apply_retention(now));
  CHECK(run.sessions_reduced == 1);
  CHECK(run.events_deidentified == 6);

  auto after = must(r.store->attendance_by_session(r.everything()));
  REQUIRE(after.size() == before.size());
  for (const auto& row : before) {
    const auto& reduced = r.row_of(after, row.session.id);
    CHECK(reduced.attendees == row.attendees);
    CHECK(reduced.anonymous == row.anonymous);
    CHECK(reduced.walk_ins == row.walk_ins);
    CHECK(reduced.reduced == (row.session.id == r.discreet_session.id));
  }
  CHECK(must(r.store->attendance_count(r.discreet_session.id)) == 4);

  // Nothing identifies anyone in the reduced session any more; the others keep their people.
  auto events = must(r.store->events_of_device(r.kiosk.id));
  auto more = must(r.store->events_of_device(r.other_kiosk.id));
  events.insert(events.end(), more.begin(), more.end());
  for (const auto& stored : events) {
    const AttendanceEvent& e = stored.event;
    if (e.session_id == r.discreet_session.id) {
      CHECK(e.pass_id.empty());
      CHECK(e.person_id.empty());
      CHECK(e.walk_in_name.empty());
      CHECK(stored.resolved_person_id.empty());
    } else if (e.kind == EventKind::checkin) {
      CHECK(stored.resolved_person_id == ana.id);
    }
  }
  status = must(r.store->retention_status());
  REQUIRE(status.last_run);
  CHECK(*status.last_run == now);
  CHECK(status.identified_discreet_events == 1);  // the recent session's
  CHECK(*status.oldest_identified == later);
  CHECK(status.reduced_sessions == 1);

  SECTION("a second run changes nothing") {
    auto second = must(r.store->apply_retention(now + 1h));
    CHECK(second.sessions_reduced == 0);
    CHECK(second.events_deidentified == 0);
    CHECK(must(r.store->attendance_count(r.discreet_session.id)) == 4);
  }
  SECTION("a late upload into a reduced session counts, and is reduced on the next run") {
    auto cara = r.person("Cara");
    r.upload({r.checkin(cara, r.discreet_session, kNoon + 10min)}, now + 1h);
    CHECK(must(r.store->attendance_count(r.discreet_session.id)) == 5);
    auto next = must(r.store->apply_retention(now + 2h));
    CHECK(next.sessions_reduced == 1);
    CHECK(next.events_deidentified == 1);
    CHECK(must(r.store->attendance_count(r.discreet_session.id)) == 5);
    auto rows = must(r.store->attendance_by_session(r.everything()));
    CHECK(r.row_of(rows, r.discreet_session.id).reduced);
    CHECK(must(r.store->retention_status()).identified_discreet_events == 1);
  }
  SECTION("a shorter retention reaches the recent session too") {
    must(r.store->set_discreet_retention_days(1));
    auto shorter = must(r.store->apply_retention(later + 48h));
    CHECK(shorter.sessions_reduced == 1);
    CHECK(must(r.store->attendance_count(recent.id)) == 1);
    CHECK(must(r.store->retention_status()).identified_discreet_events == 0);
  }
}

TEST_CASE("reports: passes seen twice, at two doors while already in, without whose pass in discreet programs",
          "[server][store][reports]") {
  Reports r;
  auto ana = r.person("Ana");
  auto ben = r.person("Ben");
  r.upload({r.checkin(ana, r.org.session), r.checkin(ben, r.discreet_session)});
  r.upload(r.other_kiosk, {r.checkin(ana, r.org.session, kNoon + 5min, &r.other_kiosk),
                           r.checkin(ben, r.discreet_session, kNoon + 6min, &r.other_kiosk)});
  auto rows = must(r.store->passes_seen_twice(r.everything(), kNoon + 1h));
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].session.id == r.org.session.id);
  CHECK(rows[0].pass_id == r.passes.at(ana.id));
  CHECK(rows[0].name == "Ana");
  CHECK(rows[0].first_device == "kiosk-1");
  CHECK(rows[0].again_device == "kiosk-2");
  CHECK(rows[0].first_at == kNoon);
  CHECK(rows[0].again_at == kNoon + 5min);
  CHECK(rows[1].session.id == r.discreet_session.id);
  CHECK(rows[1].pass_id.empty());
  CHECK(rows[1].person_id.empty());
  CHECK(rows[1].name.empty());
  // Counted once each.
  CHECK(must(r.store->attendance_count(r.org.session.id)) == 1);
}

TEST_CASE("corrections: a walk-in becomes a person, the check-in kept and theirs", "[server][store][corrections]") {
  Reports r;
  auto jo = r.walk_in(r.org.session, "Jo");
  auto quiet = r.walk_in(r.discreet_session, "Kim");
  auto ana = r.person("Ana");
  auto passed = r.checkin(ana, r.org.session);
  r.upload({jo, quiet, passed});
  const auto actor = server::Actor{"", "coord"};

  auto person = must(r.store->person_from_walk_in(
      jo.event_id, server::PersonRecord{"", "Jo Bloggs", "es", {r.org.program.id}, {}}, actor, kNoon + 1h));
  CHECK(person.site_id == r.org.site.id);  // the walk-in's site
  auto stored = must(r.store->person(person.id));
  REQUIRE(stored);
  CHECK(stored->preferred_name == "Jo Bloggs");
  CHECK(stored->registered_programs == std::vector<Id>{r.org.program.id});
  // The event is unchanged but theirs; the count is the same.
  auto events = must(r.store->events_of_device(r.kiosk.id));
  auto kept = std::ranges::find(events, jo.event_id, [](const server::StoredEvent& e) { return e.event.event_id; });
  REQUIRE(kept != events.end());
  CHECK(kept->event.kind == EventKind::walk_in);
  CHECK(kept->event.walk_in_name == "Jo");
  CHECK(kept->resolved_person_id == person.id);
  CHECK(must(r.store->attendance_count(r.org.session.id)) == 2);
  auto trail = must(r.store->audit_log(server::AuditFilter{.action = "attendance.walk_in_to_person"}));
  REQUIRE(trail.size() == 1);
  CHECK(trail[0].object_id == jo.event_id);
  CHECK(trail[0].detail == "person=" + person.id);

  auto again = r.store->person_from_walk_in(jo.event_id, server::PersonRecord{"", "Jo", "en", {}, {}}, actor, kNoon);
  CHECK(again.error().code == Errc::conflict);
  auto not_walk_in = r.store->person_from_walk_in(passed.event_id, server::PersonRecord{"", "X", "en", {}, {}}, actor, kNoon);
  CHECK(not_walk_in.error().code == Errc::invalid_input);
  auto discreet = r.store->person_from_walk_in(quiet.event_id, server::PersonRecord{"", "Kim", "en", {}, {}}, actor, kNoon);
  CHECK(discreet.error().code == Errc::invalid_input);
  CHECK(must(r.store->people()).size() == 2);  // Ana and Jo: nothing half-made
}

TEST_CASE("retention: every program has a period, its own or the default of its kind", "[server][store][retention]") {
  Reports r;
  auto ana = r.person("Ana");
  r.upload({r.checkin(ana, r.org.session), r.checkin(ana, r.discreet_session)});
  auto status = must(r.store->retention_status());
  CHECK(status.other_days == server::kDefaultOtherRetentionDays);
  CHECK(status.identified_other_events == 1);
  CHECK(status.program_days.empty());

  // A year on, the discreet session is reduced and the other is not (730 days).
  CHECK(must(r.store->apply_retention(kNoon + 24h * 365)).sessions_reduced == 1);
  CHECK(must(r.store->retention_status()).identified_other_events == 1);
  // Its program's own period of 100 days reaches it.
  must(r.store->set_program_retention_days(r.org.program.id, 100));
  CHECK(must(r.store->retention_status()).program_days == std::map<Id, int>{{r.org.program.id, 100}});
  auto run = must(r.store->apply_retention(kNoon + 24h * 365 + 1h));
  CHECK(run.sessions_reduced == 1);
  CHECK(must(r.store->retention_status()).identified_other_events == 0);
  CHECK(must(r.store->attendance_count(r.org.session.id)) == 1);  // the count stays

  // Back to the default; bad values and unknown programs are refused.
  must(r.store->set_program_retention_days(r.org.program.id, std::nullopt));
  CHECK(must(r.store->retention_status()).program_days.empty());
  CHECK(r.store->set_program_retention_days(r.org.program.id, 0).error().code == Errc::invalid_input);
  CHECK(r.store->set_program_retention_days("no-such-program", 10).error().code == Errc::not_found);
  CHECK(r.store->set_other_retention_days(3651).error().code == Errc::invalid_input);
  must(r.store->set_other_retention_days(30));
  CHECK(must(r.store->retention_status()).other_days == 30);
}

TEST_CASE("retention: volunteer hours are kept, with the volunteer, past every period", "[server][store][retention]") {
  Reports r;
  auto dee = r.person("Dee");
  Shift shift = must(r.store->create_shift(Shift{"", r.org.site.id, "Kitchen", kNoon - 1h, kNoon + 2h, {dee.id}}));
  r.upload({r.shift_event(EventKind::shift_start, dee, shift, kNoon - 1h), r.shift_end(dee, shift, kNoon + 2h, 3h)});
  must(r.store->set_discreet_retention_days(1));
  must(r.store->set_other_retention_days(1));
  must(r.store->apply_retention(kNoon + 24h * 365 * 5));
  auto shifts = must(r.store->worked_shifts(r.everything()));
  REQUIRE(shifts.size() == 1);
  CHECK(shifts[0].person_id == dee.id);
  CHECK(shifts[0].preferred_name == "Dee");
  CHECK(shifts[0].credited == 3h);
}

TEST_CASE("retention: people without activity are listed for review", "[server][store][retention]") {
  Reports r;
  const WallTime now = kNoon + 24h * 800;
  auto gone = must(r.store->create_person(
      server::PersonRecord{make_uuid_v7(kNoon - 24h * 10), "Gone", "en", {}, {}}));  // never came
  auto regular = must(r.store->create_person(server::PersonRecord{make_uuid_v7(kNoon - 24h * 10), "Reg", "en", {}, {}}));
  must(r.store->issue_pass(regular.id, now + 24h * 365, now - 24h * 5));  // a new pass lately
  auto named = must(r.store->create_person(server::PersonRecord{"person-chosen-id", "Old id", "en", {}, {}}));
  auto recent = must(r.store->create_person(server::PersonRecord{make_uuid_v7(now - 24h), "New", "en", {}, {}}));

  auto inactive = must(r.store->inactive_people(now));
  std::vector<Id> ids;
  for (const auto& p : inactive) ids.push_back(p.id);
  CHECK(std::ranges::find(ids, gone.id) != ids.end());
  CHECK(std::ranges::find(ids, regular.id) == ids.end());
  CHECK(std::ranges::find(ids, named.id) != ids.end());  // no datable activity at all
  CHECK(std::ranges::find(ids, recent.id) == ids.end());  // added yesterday
  must(r.store->set_inactive_people_days(3650));
  inactive = must(r.store->inactive_people(now));
  CHECK(std::ranges::none_of(inactive, [&](const server::InactivePerson& p) { return p.id == gone.id; }));
}

TEST_CASE("retention: the number of days is checked", "[server][store][retention]") {
  Reports r;
  for (int bad : {0, -1, 3651}) {
    auto refused = r.store->set_discreet_retention_days(bad);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::invalid_input);
  }
  must(r.store->set_discreet_retention_days(30));
  CHECK(must(r.store->retention_status()).discreet_days == 30);
  must(r.store->set_discreet_retention_days(3650));
  CHECK(must(r.store->retention_status()).discreet_days == 3650);
}

TEST_CASE("retention: the audit trail is kept its own days, then removed", "[server][store][retention][audit]") {
  Reports r;
  CHECK(must(r.store->retention_status()).audit_days == server::kDefaultAuditRetentionDays);
  for (int bad : {0, server::kMinAuditRetentionDays - 1, server::kMaxAuditRetentionDays + 1}) {
    auto refused = r.store->set_audit_retention_days(bad);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::invalid_input);
  }
  must(r.store->set_audit_retention_days(60));
  const auto now = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  const auto actor = server::Actor::command_line();
  must(r.store->record_audit(actor, "person.view", "person", "old", "", "", now - std::chrono::days{61}));
  must(r.store->record_audit(actor, "person.view", "person", "recent", "", "", now - std::chrono::days{59}));
  auto status = must(r.store->retention_status());
  CHECK(status.audit_days == 60);
  REQUIRE(status.oldest_audit_entry);
  CHECK(*status.oldest_audit_entry == now - std::chrono::days{61});

  auto run = must(r.store->apply_retention(now));
  CHECK(run.audit_entries_removed == 1);
  auto left = must(r.store->audit_log(server::AuditFilter{.action = "person.view"}));
  REQUIRE(left.size() == 1);
  CHECK(left[0].object_id == "recent");
  CHECK(must(r.store->apply_retention(now)).audit_entries_removed == 0);
}

TEST_CASE("reports: a year of weekly sessions, each counted right", "[server][store][reports]") {
  Reports r;
  std::vector<PersonRecord> people;
  for (int i = 0; i < 6; ++i) people.push_back(r.person(fmt::format("Person {}", i)));
  std::vector<Session> sessions;
  std::vector<AttendanceEvent> events;
  for (int week = 0; week < 52; ++week) {
    const WallTime start = kNoon - 24h * 7 * (week + 1);
    for (const Program* program : {&r.org.program, &r.discreet}) {
      sessions.push_back(r.org.add_session(program->id, start, start + 2h));
      // week % 6 + 1 people, and Person 0 twice (two kiosks): counted once.
      for (int i = 0; i <= week % 6; ++i) events.push_back(r.checkin(people[static_cast<std::size_t>(i)], sessions.back(), start));
      events.push_back(r.checkin(people[0], sessions.back(), start + 1min, &r.other_kiosk));
      events.push_back(r.anonymous(sessions.back(), start));
    }
  }
  for (const Device* device : {&r.kiosk, &r.other_kiosk}) {
    std::vector<AttendanceEvent> own;
    std::copy_if(events.begin(), events.end(), std::back_inserter(own),
                 [&](const AttendanceEvent& e) { return e.device_id == device->id; });
    for (std::size_t first = 0; first < own.size(); first += 200) {
      const auto last = own.begin() + static_cast<std::ptrdiff_t>(std::min(first + 200, own.size()));
      r.upload(*device, std::vector<AttendanceEvent>(own.begin() + static_cast<std::ptrdiff_t>(first), last), kNoon);
    }
  }

  const auto started = std::chrono::steady_clock::now();
  auto rows = must(r.store->attendance_by_session(ReportFilter{{r.org.site.id}, {}, kNoon - 24h * 366, kNoon - 24h}));
  auto records = must(r.store->attendance_records(ReportFilter{{r.org.site.id}, {}, kNoon - 24h * 366, kNoon - 24h}, kNoon));
  const auto took = std::chrono::steady_clock::now() - started;
  REQUIRE(rows.size() == sessions.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const int week = static_cast<int>((kNoon - rows[i].session.start) / (24h * 7)) - 1;
    CHECK(rows[i].attendees == week % 6 + 2);  // the people, plus one anonymous
    CHECK(rows[i].anonymous == 1);
  }
  // Identified records: the open program's people only, each once per session.
  std::size_t expected_records = 0;
  for (int week = 0; week < 52; ++week) expected_records += static_cast<std::size_t>(week % 6 + 1);
  CHECK(records.size() == expected_records);
  // A handful of queries, not one per session: well under a second even on a slow disk.
  CHECK(took < std::chrono::seconds{5});
}
