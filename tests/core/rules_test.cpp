// SPDX-License-Identifier: AGPL-3.0-or-later
// Table-driven tests of the check-in rules: each scenario is a list of steps (a time, who
// scans or what is tapped, the outcome expected); events a step decides are applied to
// the ledger, as the desk does after the store commits them.
#include "checkin_catch.hpp"

#include <map>

#include "checkin/core/rules.hpp"

using namespace checkin;
using namespace std::chrono;

namespace {

const sys_days kDay = sys_days{2026y / November / 26};

// "HH:MM" on the test day, "+1 HH:MM" on the next.
WallTime at(std::string_view hhmm) {
  auto day = kDay;
  if (hhmm.starts_with("+1 ")) {
    day += days{1};
    hhmm.remove_prefix(3);
  }
  int h = std::stoi(std::string(hhmm.substr(0, 2))), m = std::stoi(std::string(hhmm.substr(3, 2)));
  int s = hhmm.size() > 5 ? std::stoi(std::string(hhmm.substr(6, 2))) : 0;
  return day + hours{h} + minutes{m} + seconds{s};
}

Session session(Id id, Id program, std::string_view start, std::string_view end, std::optional<int> capacity = {}) {
  Session s;
  s.id = std::move(id);
  s.program_id = std::move(program);
  s.site_id = "site";
  s.start = at(start);
  s.end = at(end);
  s.capacity = capacity;
  return with_default_window(s);
}

// A community centre's day: a morning drop-in, an afternoon workshop with 2 places, an
// evening discreet peer-support group (roster, check-out, feedback) overlapping an open
// craft evening and a book club, and two volunteer shifts, one across midnight.
struct World {
  SigningKey key = SigningKey::generate();
  SigningKey stranger_key = SigningKey::generate();
  Schedule schedule;
  Roster roster;
  PassVerifier verifier;
  std::map<std::string, std::string> codes;  // who -> pass text
  std::map<std::string, std::string> pass_ids;

  World() {
    Program dropin{"p-dropin", "Morning drop-in", false, true, true, Registration::open, false, false};
    Program group{"p-group", "Peer support", true, true, false, Registration::roster, true, true};
    Program craft{"p-craft", "Craft evening", false, false, false, Registration::open, false, false};
    Program books{"p-books", "Book club", false, false, false, Registration::open, false, false};
    Program workshop{"p-workshop", "Cooking workshop", false, false, false, Registration::open, false, false};
    schedule.programs = {dropin, group, craft, books, workshop};
    schedule.sessions = {
        session("s-morning", "p-dropin", "10:00", "11:30"),
        session("s-workshop", "p-workshop", "14:00", "15:00", 2),
        session("s-group", "p-group", "18:00", "19:30"),
        session("s-craft", "p-craft", "18:15", "19:00"),
        session("s-books", "p-books", "18:15", "19:15"),
    };
    schedule.shifts = {
        Shift{"sh-day", "site", "front desk", at("09:00"), at("13:00"), {"vic"}},
        Shift{"sh-night", "site", "night café", at("22:00"), at("+1 02:00"), {"vic"}},
    };
    add_person("ana", "Ana", {"p-group"});
    add_person("ben", "Ben", {});
    add_person("vic", "Vic", {});
    add_person("zoe", "", {"p-group"});
    for (auto who : {"stranger", "stranger2", "stranger3"}) add_pass(who, key, at("+1 00:00") + days{300});
    add_pass("expired", key, at("09:00"));
    add_pass("revoked", key, at("+1 00:00") + days{300});
    verifier.revocations().insert(pass_ids["revoked"]);
    add_pass("foreign_key", stranger_key, at("+1 00:00") + days{300});
    codes["forged"] = codes["ana"];
    codes["forged"][20] = codes["forged"][20] == 'A' ? 'B' : 'A';
    codes["web"] = "https://example.org/tickets/123";
    REQUIRE(verifier.keys().add(key.public_key()));
  }

  void add_pass(const std::string& who, const SigningKey& k, WallTime expires) {
    pass_ids[who] = new_pass_id();
    codes[who] = issue_pass(k, pass_ids[who], expires).value();
  }
  void add_person(const std::string& who, std::string name, std::vector<Id> programs) {
    add_pass(who, key, at("+1 00:00") + days{300});
    roster.add(Person{who, std::move(name), "en", std::move(programs)}, {pass_ids[who]});
  }
};

enum class Act { scan, choose, anonymous, walk_in, tick, wall_step_back_1h, reboot };

struct Step {
  std::string_view time;  // wall time at this step (the monotonic clock advances with it)
  Act act;
  std::string who;        // scanner, or session id for choose/anonymous/walk_in
  Outcome expect;
  std::string session = {};  // the session or shift the outcome is about, when it matters
};

struct Scenario {
  std::string name;
  std::vector<Step> steps;
};

std::vector<Scenario> scenarios() {
  using enum Outcome;
  using A = Act;
  return {
      {"window opens 30 minutes before the start",
       {{"09:29:59", A::scan, "ben", no_session_now}, {"09:30", A::scan, "ben", checked_in, "s-morning"}}},
      {"window closes at the end",
       {{"11:29:59", A::scan, "ben", checked_in, "s-morning"}, {"11:30", A::scan, "stranger", no_session_now}}},
      {"seen again later: already checked in",
       {{"10:00", A::scan, "ben", checked_in, "s-morning"}, {"10:20", A::scan, "ben", already_checked_in, "s-morning"}}},
      {"open registration takes any valid pass, even one not on the roster",
       {{"10:00", A::scan, "stranger", checked_in, "s-morning"}}},
      {"roster program: registered people only",
       {{"17:35", A::scan, "ben", not_registered},
        {"17:35", A::scan, "stranger", not_registered},
        {"17:35", A::scan, "ana", checked_in, "s-group"}}},
      {"overlapping sessions: a person registered for one of them is asked too, never placed",
       {{"18:20", A::scan, "ana", choose_session}, {"18:20", A::choose, "s-group", checked_in, "s-group"}}},
      {"overlapping sessions: otherwise the person chooses",
       {{"18:20", A::scan, "ben", choose_session}, {"18:20", A::choose, "s-books", checked_in, "s-books"},
        {"18:30", A::scan, "ben", already_checked_in, "s-books"}}},
      {"check-out needs a minimum stay, then asks for feedback; re-entry checks in again",
       {{"17:40", A::scan, "ana", checked_in, "s-group"},
        {"17:45", A::scan, "ana", already_checked_in, "s-group"},
        {"19:00", A::scan, "ana", checked_out, "s-group"},
        {"19:05", A::scan, "ana", choose_session},
        {"19:05", A::choose, "s-group", checked_in, "s-group"}}},
      {"check-out is accepted until the end plus grace",
       {{"18:00", A::scan, "zoe", choose_session},
        {"18:00", A::choose, "s-group", checked_in, "s-group"},
        {"20:29", A::scan, "zoe", checked_out, "s-group"}}},
      {"check-out after the grace is over: no session",
       {{"18:00", A::scan, "zoe", choose_session},
        {"18:00", A::choose, "s-group", checked_in, "s-group"},
        {"20:30", A::scan, "zoe", no_session_now}}},
      {"capacity counts everyone present, anonymous included",
       {{"14:00", A::scan, "ben", checked_in, "s-workshop"},
        {"14:01", A::scan, "stranger", checked_in, "s-workshop"},
        {"14:02", A::scan, "stranger2", session_full, "s-workshop"},
        {"14:03", A::anonymous, "s-morning", no_session_now}}},
      {"anonymous and walk-in check-ins where the program allows them",
       {{"10:00", A::anonymous, "s-morning", checked_in, "s-morning"},
        {"10:01", A::walk_in, "s-morning", checked_in, "s-morning"},
        {"14:00", A::anonymous, "s-workshop", not_registered},
        {"18:00", A::anonymous, "s-group", checked_in, "s-group"},
        {"18:00", A::walk_in, "s-group", not_registered}}},
      {"volunteer: early start allowed 30 minutes before, a later scan ends the shift",
       {{"08:29", A::scan, "vic", no_session_now},
        {"08:30", A::scan, "vic", shift_started, "sh-day"},
        {"12:00", A::scan, "vic", shift_ended, "sh-day"},
        {"12:10", A::scan, "vic", shift_started, "sh-day"},
        {"12:50", A::scan, "vic", shift_ended, "sh-day"}}},
      {"volunteer shift across midnight",
       {{"21:50", A::scan, "vic", shift_started, "sh-night"}, {"+1 01:55", A::scan, "vic", shift_ended, "sh-night"}}},
      {"a forgotten shift end is closed automatically and flagged",
       {{"21:50", A::scan, "vic", shift_started, "sh-night"},
        {"+1 02:59", A::tick, "", no_session_now},
        {"+1 03:00", A::tick, "", shift_ended, "sh-night"},
        {"+1 03:01", A::scan, "vic", no_session_now}}},
      {"volunteers scanning into a session when they have no shift now",
       {{"10:00", A::scan, "vic", shift_started, "sh-day"}, {"18:20", A::scan, "vic", choose_session}}},
      {"pass problems",
       {{"10:00", A::scan, "expired", pass_expired},
        {"10:00", A::scan, "revoked", pass_revoked},
        {"10:00", A::scan, "forged", not_our_code},
        {"10:00", A::scan, "foreign_key", not_our_code},
        {"10:00", A::scan, "web", not_our_code},
        {"+1 03:00", A::scan, "ana", no_session_now}}},
      {"the wall clock going backwards does not check in twice",
       {{"10:10", A::scan, "ben", checked_in, "s-morning"},
        {"10:10", A::wall_step_back_1h, "", no_session_now},
        {"10:40", A::scan, "ben", already_checked_in, "s-morning"}}},
  };
}

struct Runner {
  World world;
  RulesConfig config;
  Ledger ledger{config.reconciling()};
  ManualClock clock{at("00:00")};
  std::string chosen_for;  // who waits for choose_session
  WallTime last{at("00:00")};

  ScanContext ctx() { return ScanContext{world.schedule, world.roster, ledger, config, clock.now(), "kiosk-1"}; }
  int attendees(const Id& session) { return session_tally(*world.schedule.session(session), ctx()).attendees; }

  void go_to(std::string_view time) {
    WallTime t = at(time);
    if (t > last) clock.advance(duration_cast<Millis>(t - last));
    last = t;
  }

  Decision run(const Step& step) {
    go_to(step.time);
    Decision d;
    switch (step.act) {
      case Act::scan:
        for (const auto& e : overdue_shift_ends(ctx())) ledger.apply(e);  // as the desk does first
        d = decide_scan(world.verifier.verify(world.codes.at(step.who), clock.now().wall), ctx());
        if (d.outcome == Outcome::choose_session) chosen_for = step.who;
        break;
      case Act::choose:
        d = decide_scan(world.verifier.verify(world.codes.at(chosen_for), clock.now().wall), ctx(), step.who);
        break;
      case Act::anonymous: d = decide_anonymous(step.who, ctx()); break;
      case Act::walk_in: d = decide_walk_in(step.who, "Sam", ctx()); break;
      case Act::tick:
        d.events = overdue_shift_ends(ctx());
        if (!d.events.empty()) {
          d.outcome = Outcome::shift_ended;
          d.shift_id = d.events.front().shift_id;
        }
        break;
      case Act::wall_step_back_1h:
        clock.step_wall(-1h);
        last -= 1h;
        clock.advance(1h);  // the real time that passes until the next step's label
        last += 1h;
        break;
      case Act::reboot: clock.reboot("boot-2"); break;
    }
    for (const auto& e : d.events) ledger.apply(e);
    return d;
  }
};

}  // namespace

TEST_CASE("check-in rules, scenario by scenario") {
  for (const auto& scenario : scenarios()) {
    DYNAMIC_SECTION(scenario.name) {
      Runner r;
      for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
        const auto& step = scenario.steps[i];
        auto d = r.run(step);
        if (step.act == Act::wall_step_back_1h || step.act == Act::reboot) continue;
        INFO("step " << i << " at " << step.time << " (" << step.who << "): got " << to_string(d.outcome) << " — "
                     << d.reason);
        CHECK(d.outcome == step.expect);
        if (!step.session.empty()) CHECK((d.session_id == step.session || d.shift_id == step.session));
        bool records = d.outcome == Outcome::checked_in || d.outcome == Outcome::checked_out ||
                       d.outcome == Outcome::shift_started || d.outcome == Outcome::shift_ended;
        CHECK(d.events.empty() != records);
      }
    }
  }
}

TEST_CASE("events carry what the log and the server need") {
  Runner r;
  r.go_to("10:00");
  auto d = decide_scan(r.world.verifier.verify(r.world.codes["ana"], r.clock.now().wall), r.ctx());
  REQUIRE(d.events.size() == 1);
  const auto& e = d.events.front();
  CHECK(e.kind == EventKind::checkin);
  CHECK(e.device_id == "kiosk-1");
  CHECK(e.pass_id == r.world.pass_ids["ana"]);
  CHECK(e.person_id == "ana");
  CHECK(e.session_id == "s-morning");
  CHECK(e.wall_time == at("10:00"));
  CHECK(e.monotonic == r.clock.now().monotonic);
  CHECK(e.boot_id == r.clock.now().boot_id);
  CHECK(e.flags == flag_none);
  CHECK(e.event_id.size() == 36);
  CHECK(d.greeting_name == "Ana");
  CHECK_FALSE(d.discreet);

  r.clock.set_synced(false);
  auto unsynced = decide_scan(r.world.verifier.verify(r.world.codes["ben"], r.clock.now().wall), r.ctx());
  REQUIRE(unsynced.events.size() == 1);
  CHECK(unsynced.events.front().flags == flag_clock_unsynced);
}

TEST_CASE("discreet programs never carry a name to the screen") {
  Runner r;
  r.go_to("17:40");
  auto d = decide_scan(r.world.verifier.verify(r.world.codes["ana"], r.clock.now().wall), r.ctx());
  for (const auto& e : d.events) r.ledger.apply(e);
  CHECK(d.outcome == Outcome::checked_in);
  CHECK(d.discreet);
  CHECK(d.greeting_name.empty());
  r.go_to("18:20");
  auto choice = decide_scan(r.world.verifier.verify(r.world.codes["zoe"], r.clock.now().wall), r.ctx());
  CHECK(choice.outcome == Outcome::choose_session);  // the group and the open evenings: asked
  CHECK(choice.greeting_name.empty());
  auto chosen = decide_scan(r.world.verifier.verify(r.world.codes["zoe"], r.clock.now().wall), r.ctx(), "s-group");
  CHECK(chosen.outcome == Outcome::checked_in);
  CHECK(chosen.discreet);
  CHECK(chosen.greeting_name.empty());
  r.go_to("19:00");
  auto out = decide_scan(r.world.verifier.verify(r.world.codes["ana"], r.clock.now().wall), r.ctx());
  for (const auto& e : out.events) r.ledger.apply(e);
  CHECK(out.outcome == Outcome::checked_out);
  CHECK(out.ask_feedback);
  CHECK(out.greeting_name.empty());
}

TEST_CASE("shift hours: monotonic within a boot, wall clock across a reboot, never negative") {
  Runner r;
  r.go_to("09:00");
  auto start = decide_scan(r.world.verifier.verify(r.world.codes["vic"], r.clock.now().wall), r.ctx());
  for (const auto& e : start.events) r.ledger.apply(e);
  REQUIRE(start.outcome == Outcome::shift_started);

  SECTION("the wall clock is stepped back an hour; worked time still counts real time") {
    r.clock.step_wall(-1h);
    r.clock.advance(2h);  // wall says 10:00, three hours after... no: two real hours passed
    auto end = decide_scan(r.world.verifier.verify(r.world.codes["vic"], r.clock.now().wall), r.ctx());
    REQUIRE(end.outcome == Outcome::shift_ended);
    CHECK(end.shift_duration == 2h);
    CHECK(end.events.front().shift_duration == 2h);
  }
  SECTION("after a reboot the wall clock is all there is") {
    r.clock.reboot("boot-2");
    r.clock.advance(3h);
    auto end = decide_scan(r.world.verifier.verify(r.world.codes["vic"], r.clock.now().wall), r.ctx());
    REQUIRE(end.outcome == Outcome::shift_ended);
    CHECK(end.shift_duration == 3h);
  }
  SECTION("after a reboot with a clock far behind, the duration is zero, not negative") {
    r.clock.reboot("boot-2");
    r.clock.step_wall(-3h);
    r.clock.advance(1h);
    auto end = decide_scan(r.world.verifier.verify(r.world.codes["vic"], r.clock.now().wall), r.ctx());
    REQUIRE(end.outcome == Outcome::shift_ended);
    CHECK(end.shift_duration == 0ms);
  }
}

TEST_CASE("auto-closed shifts are credited only up to the scheduled end and flagged") {
  Runner r;
  r.go_to("21:50");
  auto start = decide_scan(r.world.verifier.verify(r.world.codes["vic"], r.clock.now().wall), r.ctx());
  for (const auto& e : start.events) r.ledger.apply(e);
  r.go_to("+1 05:00");
  auto ends = overdue_shift_ends(r.ctx());
  REQUIRE(ends.size() == 1);
  CHECK(ends[0].kind == EventKind::shift_end);
  CHECK(ends[0].flags & flag_auto_closed);
  CHECK(ends[0].shift_duration == 4h + 10min);
  CHECK(ends[0].person_id == "vic");
  for (const auto& e : ends) r.ledger.apply(e);
  CHECK(overdue_shift_ends(r.ctx()).empty());
}

TEST_CASE("an undo cancels a check-in") {
  Runner r;
  r.go_to("10:00");
  auto d = decide_scan(r.world.verifier.verify(r.world.codes["ben"], r.clock.now().wall), r.ctx());
  for (const auto& e : d.events) r.ledger.apply(e);
  CHECK(r.attendees("s-morning") == 1);
  AttendanceEvent undo;
  undo.kind = EventKind::undo;
  undo.event_id = "u1";
  undo.undoes_event_id = d.events.front().event_id;
  r.ledger.apply(undo);
  CHECK(r.attendees("s-morning") == 0);
  r.go_to("10:05");
  CHECK(decide_scan(r.world.verifier.verify(r.world.codes["ben"], r.clock.now().wall), r.ctx()).outcome ==
        Outcome::checked_in);
}

TEST_CASE("repeat sightings within a few seconds are ignored") {
  ManualClock clock{at("10:00")};
  RepeatFilter filter{5s};
  CHECK_FALSE(filter.suppress("CODE-A", clock.now()));
  clock.advance(1s);
  CHECK(filter.suppress("CODE-A", clock.now()));
  CHECK_FALSE(filter.suppress("CODE-B", clock.now()));
  clock.advance(4s);
  CHECK(filter.suppress("CODE-A", clock.now()));  // held in view: every sighting restarts the window
  clock.advance(5001ms);
  CHECK_FALSE(filter.suppress("CODE-A", clock.now()));
  clock.step_wall(-1h);  // wall-clock steps do not matter
  clock.advance(1s);
  CHECK(filter.suppress("CODE-A", clock.now()));
  clock.reboot("boot-2");  // nor do sightings from before a reboot
  CHECK_FALSE(filter.suppress("CODE-A", clock.now()));
}

TEST_CASE("the ledger forgets old days but not shifts still open") {
  Runner r;
  r.go_to("10:00");
  for (const auto& who : {"ben", "vic"}) {
    auto d = decide_scan(r.world.verifier.verify(r.world.codes[who], r.clock.now().wall), r.ctx());
    for (const auto& e : d.events) r.ledger.apply(e);
  }
  REQUIRE(r.ledger.events().size() == 2);
  r.ledger.forget_before(at("11:00"));
  CHECK(r.ledger.events().size() == 1);  // Vic's shift start stays: the shift is still open
  CHECK(r.attendees("s-morning") == 0);
  REQUIRE(r.ledger.open_shift_of("person:vic"));
  CHECK(r.ledger.open_shift_of("person:vic")->shift_id == "sh-day");
}
