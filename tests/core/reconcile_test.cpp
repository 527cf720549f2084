// SPDX-License-Identifier: AGPL-3.0-or-later
// Reconciliation of the events of several doors (kiosk/core/reconcile.hpp), and the rules
// deciding with what the other doors recorded (the site feed brings it to the ledger).
#include "checkin_catch.hpp"

#include <map>

#include "checkin/core/corrections.hpp"
#include "checkin/core/reconcile.hpp"
#include "checkin/core/rules.hpp"

using namespace checkin;
using namespace std::chrono;

namespace {

const sys_days kDay = sys_days{2026y / December / 7};

WallTime at(int h, int m) { return kDay + hours{h} + minutes{m}; }

Session lunch(std::optional<int> capacity = {}) {
  Session s;
  s.id = "s-lunch";
  s.program_id = "p-lunch";
  s.site_id = "site";
  s.start = at(12, 0);
  s.end = at(14, 0);
  s.capacity = capacity;
  return with_default_window(s);
}

Program lunch_program(bool tracks_checkout) {
  Program p;
  p.id = "p-lunch";
  p.name = "Community lunch";
  p.anonymous_allowed = true;
  p.walk_ins_allowed = true;
  p.tracks_checkout = tracks_checkout;
  return p;
}

// An event as a door recorded it.
struct Door {
  std::string device;
  std::int64_t seq = 0;

  AttendanceEvent event(EventKind kind, WallTime when, std::string person = {}) {
    Instant now{when, Millis{0}, device + "-boot", true};
    AttendanceEvent e = new_event(kind, device, now);
    e.seq = ++seq;
    e.person_id = std::move(person);
    if (!e.person_id.empty()) e.pass_id = "pass-" + e.person_id;
    return e;
  }
  AttendanceEvent in(WallTime when, std::string person, const Id& session = "s-lunch") {
    auto e = event(EventKind::checkin, when, std::move(person));
    e.session_id = session;
    return e;
  }
  AttendanceEvent out(WallTime when, std::string person) {
    auto e = event(EventKind::checkout, when, std::move(person));
    e.session_id = "s-lunch";
    return e;
  }
  AttendanceEvent shift(EventKind kind, WallTime when, std::string person, Millis duration = Millis{0},
                        std::uint32_t flags = flag_none) {
    auto e = event(kind, when, std::move(person));
    e.shift_id = "sh-desk";
    e.shift_duration = duration;
    e.flags |= flags;
    return e;
  }
};

const ReconcileConfig kConfig{};

}  // namespace

TEST_CASE("stays: a second door's check-in after the minimum stay is leaving, where the program counts check-outs") {
  Door a{"door-a"}, b{"door-b"};
  std::vector<AttendanceEvent> events{a.in(at(12, 0), "ana"), b.in(at(12, 45), "ana")};
  auto tally = tally_session(lunch(), lunch_program(true), events, kConfig, at(13, 0));
  REQUIRE(tally.stays.size() == 1);
  CHECK(tally.stays[0].end == Stay::End::checked_out);
  CHECK(tally.stays[0].out == at(12, 45));
  CHECK(tally.stays[0].checkout_event_id == events[1].event_id);
  CHECK(tally.attendees == 1);
  CHECK(tally.present == 0);

  SECTION("sooner, it is the same visit seen twice") {
    std::vector<AttendanceEvent> twice{a.in(at(12, 0), "ben"), b.in(at(12, 5), "ben")};
    auto t = tally_session(lunch(), lunch_program(true), twice, kConfig, at(13, 0));
    REQUIRE(t.stays.size() == 1);
    CHECK(t.stays[0].is_open());
    CHECK(t.stays[0].seen_twice == std::vector<std::string>{twice[1].event_id});
  }
  SECTION("where nobody checks out, it is the same visit seen twice, however late") {
    auto t = tally_session(lunch(), lunch_program(false), events, kConfig, at(13, 0));
    REQUIRE(t.stays.size() == 1);
    CHECK(t.stays[0].is_open());
    CHECK(t.stays[0].seen_twice.size() == 1);
    CHECK(t.present == 1);
  }
}

TEST_CASE("stays: check-out at any door, re-entry, and the order of arrival does not matter") {
  Door a{"door-a"}, b{"door-b"};
  std::vector<AttendanceEvent> events{b.out(at(12, 30), "ana"), a.in(at(12, 0), "ana"), a.in(at(12, 40), "ana")};
  auto tally = tally_session(lunch(), lunch_program(true), events, kConfig, at(13, 0));
  REQUIRE(tally.stays.size() == 2);
  CHECK(tally.stays[0].end == Stay::End::checked_out);
  CHECK(tally.stays[1].is_open());
  CHECK(tally.attendees == 1);
  CHECK(tally.present == 1);
  CHECK(tally.open_stay("person:ana") == &tally.stays[1]);
}

TEST_CASE("stays: forgotten check-outs close at the session's end once the grace is over, flagged") {
  Door a{"door-a"};
  std::vector<AttendanceEvent> events{a.in(at(12, 0), "ana")};
  auto during_grace = tally_session(lunch(), lunch_program(true), events, kConfig, at(14, 59));
  CHECK(during_grace.stays[0].is_open());
  auto after = tally_session(lunch(), lunch_program(true), events, kConfig, at(15, 0));
  CHECK(after.stays[0].end == Stay::End::session_ended);
  CHECK(after.stays[0].out == at(14, 0));
  CHECK(after.present == 0);
  CHECK(after.attendees == 1);
  // Where nobody checks out, a stay is never "forgotten".
  auto open_program = tally_session(lunch(), lunch_program(false), events, kConfig, at(18, 0));
  CHECK(open_program.stays[0].is_open());
}

TEST_CASE("stays: undo and move are corrections, at any door") {
  Door a{"door-a"}, b{"door-b"};
  auto checkin = a.in(at(12, 0), "ana");
  Session workshop = lunch();
  workshop.id = "s-workshop";
  std::vector<AttendanceEvent> events{checkin, a.in(at(12, 1), "ben")};
  auto moved = make_move(checkin, "s-workshop", "door-b", Instant{at(12, 10), Millis{0}, "b", true});
  events.insert(events.end(), moved.begin(), moved.end());
  CHECK(moved[0].kind == EventKind::undo);
  CHECK(moved[0].undoes_event_id == checkin.event_id);
  CHECK(moved[1].flags & flag_staff);

  auto lunch_tally = tally_session(lunch(), lunch_program(true), events, kConfig, at(12, 30));
  CHECK(lunch_tally.attendees == 1);
  CHECK(lunch_tally.open_stay("person:ana") == nullptr);
  auto workshop_tally = tally_session(workshop, lunch_program(true), events, kConfig, at(12, 30));
  CHECK(workshop_tally.attendees == 1);
  CHECK(workshop_tally.open_stay("person:ana"));

  events.push_back(make_undo(events[1], "door-b", Instant{at(12, 20), Millis{0}, "b", true}));
  CHECK(tally_session(lunch(), lunch_program(true), events, kConfig, at(12, 30)).attendees == 0);
  CHECK(correction_problem(events[1], true).has_value());
  CHECK(correction_problem(b.out(at(12, 0), "x"), false).has_value());
}

TEST_CASE("stays: capacity is per session across doors, doors offline go over and the session is flagged") {
  Door a{"door-a"}, b{"door-b"};
  std::vector<AttendanceEvent> events;
  for (int i = 0; i < 5; ++i) events.push_back((i % 2 ? b : a).in(at(12, i), "p" + std::to_string(i)));
  auto over = tally_session(lunch(3), lunch_program(true), events, kConfig, at(12, 30));
  CHECK(over.max_present == 5);
  CHECK(over.over_capacity);
  // People leaving before others come in keep it within the capacity.
  std::vector<AttendanceEvent> turnover{a.in(at(12, 0), "x"), a.in(at(12, 1), "y"), a.in(at(12, 2), "z"),
                                        b.out(at(12, 20), "x"), b.in(at(12, 20), "w")};
  auto fine = tally_session(lunch(3), lunch_program(true), turnover, kConfig, at(12, 30));
  CHECK(fine.max_present == 3);
  CHECK_FALSE(fine.over_capacity);
  CHECK(fine.attendees == 4);
}

TEST_CASE("stays: anonymous check-ins and walk-ins each count on their own") {
  Door a{"door-a"};
  auto anon1 = a.event(EventKind::anonymous_checkin, at(12, 0));
  auto anon2 = a.event(EventKind::anonymous_checkin, at(12, 1));
  auto walk = a.event(EventKind::walk_in, at(12, 2));
  for (auto* e : {&anon1, &anon2, &walk}) e->session_id = "s-lunch";
  walk.walk_in_name = "Sam";
  std::vector<AttendanceEvent> events{anon1, anon2, walk, a.in(at(12, 3), "ana")};
  auto tally = tally_session(lunch(), lunch_program(false), events, kConfig, at(12, 30));
  CHECK(tally.attendees == 4);
  CHECK(tally.anonymous == 2);
  CHECK(tally.walk_ins == 1);
}

TEST_CASE("shifts: a start at one door and a second start at another are one shift, and the doors' automatic ends are not a second") {
  Door a{"door-a"}, b{"door-b"};
  std::vector<AttendanceEvent> events{
      a.shift(EventKind::shift_start, at(10, 0), "vic"),
      b.shift(EventKind::shift_start, at(10, 45), "vic"),
      a.shift(EventKind::shift_end, at(17, 0), "vic", hours{4} + minutes{44}, flag_auto_closed),
      b.shift(EventKind::shift_end, at(17, 0), "vic", hours{3} + minutes{59}, flag_auto_closed),
  };
  auto spans = pair_shifts(events, kConfig);
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].worked == minutes{45});
  CHECK(spans[0].ended_by_second_start);
  CHECK_FALSE(spans[0].auto_closed);  // nothing to review
  CHECK(spans[0].merged.size() == 2);
  CHECK(spans[0].end_event_id == events[1].event_id);
}

TEST_CASE("shifts: double starts merge, an end at another door counts the time between the scans") {
  Door a{"door-a"}, b{"door-b"};
  std::vector<AttendanceEvent> events{
      a.shift(EventKind::shift_start, at(9, 0), "vic"),
      b.shift(EventKind::shift_start, at(9, 4), "vic"),
      b.shift(EventKind::shift_end, at(12, 0), "vic", hours{1}),  // B's own figure is not what counts
  };
  auto spans = pair_shifts(events, kConfig);
  REQUIRE(spans.size() == 1);
  CHECK(spans[0].merged == std::vector<std::string>{events[1].event_id});
  CHECK(spans[0].worked == hours{3});

  SECTION("the same door measured it itself") {
    std::vector<AttendanceEvent> same{a.shift(EventKind::shift_start, at(9, 0), "vic"),
                                      a.shift(EventKind::shift_end, at(12, 0), "vic", hours{2} + minutes{59})};
    CHECK(pair_shifts(same, kConfig)[0].worked == hours{2} + minutes{59});
  }
  SECTION("an automatic end alone needs review, credited as recorded") {
    std::vector<AttendanceEvent> forgotten{a.shift(EventKind::shift_start, at(9, 0), "vic"),
                                           a.shift(EventKind::shift_end, at(14, 0), "vic", hours{4}, flag_auto_closed)};
    auto s = pair_shifts(forgotten, kConfig);
    CHECK(s[0].auto_closed);
    CHECK(s[0].worked == hours{4});
  }
  SECTION("an end whose start has not arrived is a shift of its own") {
    std::vector<AttendanceEvent> orphan{b.shift(EventKind::shift_end, at(12, 0), "ana", hours{2})};
    auto s = pair_shifts(orphan, kConfig);
    REQUIRE(s.size() == 1);
    CHECK_FALSE(s[0].started);
    CHECK(s[0].worked == hours{2});
  }
}

// --- the rules with what the other doors recorded ---

namespace {

struct TestSite {
  SigningKey key = SigningKey::generate();
  Schedule schedule;
  Roster roster;
  PassVerifier verifier;
  std::map<std::string, std::string> codes;
  RulesConfig config;

  TestSite() {
    Program lunch_p = lunch_program(true);
    Program group{"p-group", "Peer support", true, false, false, Registration::roster, false, false};
    Session group_session = lunch(3);
    group_session.id = "s-group";
    group_session.program_id = "p-group";
    schedule.programs = {lunch_p, group};
    schedule.sessions = {lunch(), group_session};
    schedule.shifts = {Shift{"sh-desk", "site", "welcome desk", at(9, 0), at(16, 0), {"vic"}}};
    for (std::string who : {"ana", "ben", "cy", "dee", "eve", "vic"}) {
      std::string pass = new_pass_id();
      codes[who] = issue_pass(key, pass, at(23, 0)).value();
      roster.add(Person{who, who, "en", who == "vic" ? std::vector<Id>{} : std::vector<Id>{"p-group"}}, {pass});
    }
    REQUIRE(verifier.keys().add(key.public_key()));
  }
};

struct Kiosk {
  TestSite& site;
  std::string device;
  Ledger ledger{site.config.reconciling()};
  ManualClock clock{at(0, 0), device + "-boot"};

  Kiosk(TestSite& s, std::string d) : site(s), device(std::move(d)) { ledger.set_pass_owners(site.roster.person_by_pass); }
  ScanContext ctx() { return ScanContext{site.schedule, site.roster, ledger, site.config, clock.now(), device}; }
  void at_time(WallTime t) { clock.advance(duration_cast<Millis>(t - clock.now().wall)); }
  Decision scan(const std::string& who, std::optional<Id> choice = {}) {
    auto d = decide_scan(site.verifier.verify(site.codes.at(who), clock.now().wall), ctx(), choice);
    for (const auto& e : d.events) ledger.apply(e);
    return d;
  }
};

// The site feed between two doors: each learns what the other recorded.
void exchange(Kiosk& a, Kiosk& b) {
  auto copy = [](Kiosk& from, Kiosk& to) {
    for (const auto& e : from.ledger.events()) to.ledger.apply(e);
  };
  copy(a, b);
  copy(b, a);
}

}  // namespace

TEST_CASE("rules across doors: check out and end a shift at the other door, already in is known everywhere") {
  TestSite site;
  Kiosk a{site, "door-a"}, b{site, "door-b"};
  a.at_time(at(11, 40));
  b.at_time(at(11, 40));
  REQUIRE(a.scan("vic").outcome == Outcome::shift_started);
  REQUIRE(a.scan("ana", "s-lunch").outcome == Outcome::checked_in);
  exchange(a, b);

  b.at_time(at(11, 45));
  CHECK(b.scan("ana").outcome == Outcome::already_checked_in);  // not a second check-in
  b.at_time(at(12, 25));
  auto left = b.scan("ana");
  CHECK(left.outcome == Outcome::checked_out);
  CHECK(left.session_id == "s-lunch");
  auto ended = b.scan("vic");
  CHECK(ended.outcome == Outcome::shift_ended);
  CHECK(ended.shift_duration == minutes{45});
  exchange(a, b);
  CHECK(a.ledger.open_shift_of("person:vic") == nullptr);
}

TEST_CASE("rules across doors: capacity holds across doors, and someone inside is never refused as full") {
  TestSite site;
  Kiosk a{site, "door-a"}, b{site, "door-b"};
  a.at_time(at(11, 40));
  b.at_time(at(11, 40));
  std::vector<std::string> people{"ana", "ben", "cy", "dee", "eve"};
  std::vector<Outcome> outcomes;
  for (std::size_t i = 0; i < people.size(); ++i) {
    Kiosk& door = i % 2 ? b : a;
    outcomes.push_back(door.scan(people[i], "s-group").outcome);
    exchange(a, b);
  }
  CHECK(outcomes == std::vector<Outcome>{Outcome::checked_in, Outcome::checked_in, Outcome::checked_in,
                                         Outcome::session_full, Outcome::session_full});
  a.at_time(at(11, 45));
  CHECK(a.scan("ben", "s-group").outcome == Outcome::already_checked_in);

  // Staff let the fourth in anyway: a check-in flagged forced.
  auto let_in = decide_let_in(site.verifier.verify(site.codes["dee"], a.clock.now().wall), "s-group", a.ctx());
  REQUIRE(let_in.outcome == Outcome::checked_in);
  REQUIRE(let_in.events.size() == 1);
  CHECK(let_in.events[0].flags & flag_forced);
  CHECK(let_in.events[0].flags & flag_staff);
}

TEST_CASE("rules: a refusal for a missing registration names the sessions staff could let the person in to") {
  TestSite site;
  std::erase_if(site.schedule.sessions, [](const Session& s) { return s.id != "s-group"; });
  std::string pass = new_pass_id();
  site.codes["stranger"] = issue_pass(site.key, pass, at(23, 0)).value();
  Kiosk a{site, "door-a"};
  a.at_time(at(11, 40));
  auto refused = a.scan("stranger");
  CHECK(refused.outcome == Outcome::not_registered);
  CHECK(refused.session_choices == std::vector<Id>{"s-group"});
  CHECK(refused.pass_id == pass);
}
