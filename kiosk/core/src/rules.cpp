// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/rules.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "checkin/core/ids.hpp"

namespace checkin {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::checked_in: return "checked_in";
    case Outcome::checked_out: return "checked_out";
    case Outcome::shift_started: return "shift_started";
    case Outcome::shift_ended: return "shift_ended";
    case Outcome::already_checked_in: return "already_checked_in";
    case Outcome::choose_session: return "choose_session";
    case Outcome::not_registered: return "not_registered";
    case Outcome::no_session_now: return "no_session_now";
    case Outcome::pass_expired: return "pass_expired";
    case Outcome::pass_revoked: return "pass_revoked";
    case Outcome::not_our_code: return "not_our_code";
    case Outcome::session_full: return "session_full";
    case Outcome::not_recorded: return "not_recorded";
  }
  return "unknown";
}

bool needs_volunteer(Outcome outcome) {
  switch (outcome) {
    case Outcome::not_registered:
    case Outcome::no_session_now:
    case Outcome::pass_expired:
    case Outcome::pass_revoked:
    case Outcome::not_our_code:
    case Outcome::session_full:
    case Outcome::not_recorded: return true;
    default: return false;
  }
}

Millis elapsed_since(WallTime wall, Millis monotonic, const std::string& boot_id, const Instant& now) {
  if (boot_id == now.boot_id && now.monotonic >= monotonic) return now.monotonic - monotonic;
  return std::max(Millis{0}, now.wall - wall);
}

// ---- RepeatFilter ----

bool RepeatFilter::suppress(std::string_view code, const Instant& now) {
  // Forget old sightings so the map stays small on a kiosk that runs for months.
  std::erase_if(last_seen_, [&](const auto& kv) {
    return kv.second.boot_id != now.boot_id || now.monotonic - kv.second.at > window_;
  });
  std::string key(code);
  auto it = last_seen_.find(key);
  bool repeat = it != last_seen_.end() && now.monotonic >= it->second.at;
  last_seen_[std::move(key)] = Sighting{now.monotonic, now.boot_id};
  return repeat;
}

// ---- Decisions ----

namespace {

AttendanceEvent make_event(EventKind kind, const ScanContext& ctx) { return new_event(kind, ctx.device_id, ctx.now); }

Decision refuse(Outcome outcome, std::string reason, std::string pass_id = {}) {
  Decision d;
  d.outcome = outcome;
  d.reason = std::move(reason);
  d.pass_id = std::move(pass_id);
  return d;
}

// An answer to a scan of this pass, by this person when the roster knows them.
Decision answer(Outcome outcome, const PassClaims& pass, const Person* person) {
  Decision d;
  d.outcome = outcome;
  d.pass_id = pass.pass_id;
  if (person) {
    d.person_id = person->id;
    d.greeting_name = person->preferred_name;
  }
  return d;
}

// Ties a decision to a session; a discreet program hides every name.
Decision& about(Decision& d, const Session& session, const Program& program) {
  d.session_id = session.id;
  d.discreet = d.discreet || program.discreet;
  if (d.discreet) d.greeting_name.clear();
  return d;
}

// Adds the event that records this decision.
Decision& record(Decision& d, EventKind kind, const ScanContext& ctx, std::uint32_t flags = flag_none) {
  auto e = make_event(kind, ctx);
  e.session_id = d.session_id;
  e.shift_id = d.shift_id;
  e.pass_id = d.pass_id;
  e.person_id = d.person_id;
  e.shift_duration = d.shift_duration;
  e.flags |= flags;
  d.events.push_back(std::move(e));
  return d;
}

bool may_attend(const Program& program, const Person* person) {
  if (program.registration == Registration::open) return true;
  return person && std::ranges::find(person->registered_programs, program.id) != person->registered_programs.end();
}

// Who a scanned pass counts as: its person when the roster knows them (as the server keys
// the same check-in), else the pass.
std::string attendee_of(const std::string& pass_id, const ScanContext& ctx) {
  AttendanceEvent scan;
  scan.pass_id = pass_id;
  if (const Person* person = ctx.roster.find_by_pass(pass_id)) scan.person_id = person->id;
  return attendee_key(scan);
}

const Program& program_of(const Session& session, const ScanContext& ctx) {
  return *ctx.schedule.program(session.program_id);
}

// Everyone in the room counts against the capacity, whichever door let them in.
bool is_full(const Session& session, const ScanContext& ctx) {
  return session.capacity && session_tally(session, ctx).present >= *session.capacity;
}

std::string full_reason(const Session& session) {
  return fmt::format("session {} is at capacity {}", session.id, session.capacity.value_or(0));
}

Decision check_in(const Session& session, const PassClaims& pass, const Person* person, const ScanContext& ctx) {
  const Program& program = program_of(session, ctx);
  if (is_full(session, ctx)) {
    auto d = refuse(Outcome::session_full, full_reason(session), pass.pass_id);
    d.person_id = person ? person->id : Id{};
    return about(d, session, program);
  }
  auto d = answer(Outcome::checked_in, pass, person);
  return record(about(d, session, program), EventKind::checkin, ctx);
}

// A volunteer's scan: the end of their open shift, at whichever door it started, or the
// start of the one they are assigned to now.
std::optional<Decision> decide_shift(const PassClaims& pass, const Person& person, const ScanContext& ctx) {
  if (const auto* open = ctx.ledger.open_shift_of(attendee_of(pass.pass_id, ctx))) {
    auto d = answer(Outcome::shift_ended, pass, &person);
    d.shift_id = open->shift_id;
    d.shift_started = *open->started;
    d.shift_duration = elapsed_since(*open->started, open->started_monotonic, open->boot_id, ctx.now);
    return record(d, EventKind::shift_end, ctx);
  }
  const Shift* best = nullptr;
  for (const auto& shift : ctx.schedule.shifts) {
    bool assigned = std::ranges::find(shift.assigned_people, person.id) != shift.assigned_people.end();
    bool startable = ctx.now.wall >= shift.start - ctx.config.shift_early_start && ctx.now.wall < shift.end;
    if (assigned && startable && (!best || shift.start < best->start)) best = &shift;
  }
  if (!best) return std::nullopt;
  auto d = answer(Outcome::shift_started, pass, &person);
  d.shift_id = best->id;
  d.shift_started = ctx.now.wall;
  return record(d, EventKind::shift_start, ctx);
}

}  // namespace

const SessionTally& session_tally(const Session& session, const ScanContext& ctx) {
  return ctx.ledger.tally(session, program_of(session, ctx), ctx.now.wall);
}

std::vector<const Session*> open_sessions(const Schedule& schedule, WallTime now) {
  std::vector<const Session*> out;
  for (const auto& s : schedule.sessions)
    if (s.window_contains(now) && schedule.program(s.program_id)) out.push_back(&s);
  std::ranges::sort(out, [](const Session* a, const Session* b) { return a->start < b->start; });
  return out;
}

Decision decide_scan(const PassCheck& pass, const ScanContext& ctx, const std::optional<Id>& chosen_session) {
  if (!pass) {
    const auto& r = pass.error();
    switch (r.problem) {
      case PassProblem::expired: return refuse(Outcome::pass_expired, r.detail, r.pass_id);
      case PassProblem::revoked: return refuse(Outcome::pass_revoked, r.detail, r.pass_id);
      default: return refuse(Outcome::not_our_code, fmt::format("{}: {}", to_string(r.problem), r.detail));
    }
  }
  const Person* person = ctx.roster.find_by_pass(pass->pass_id);
  const std::string attendee = attendee_of(pass->pass_id, ctx);

  // A volunteer's scan is about their shift before anything else.
  if (person)
    if (auto shift = decide_shift(*pass, *person, ctx)) return *shift;

  // Check-out: an open stay, from any door, in a session that counts check-outs and is
  // still current.
  const Session* checkout_from = nullptr;
  const Stay* open_stay = nullptr;
  for (const auto& s : ctx.schedule.sessions) {
    const Program* program = ctx.schedule.program(s.program_id);
    if (!program || !program->tracks_checkout || ctx.now.wall < s.window_opens ||
        ctx.now.wall >= s.end + ctx.config.checkout_grace)
      continue;
    if (const Stay* stay = session_tally(s, ctx).open_stay(attendee)) {
      checkout_from = &s;
      open_stay = stay;
    }
  }

  std::vector<const Session*> windows_open = open_sessions(ctx.schedule, ctx.now.wall);
  std::vector<const Session*> eligible, already_in;
  for (const Session* s : windows_open) {
    if (!may_attend(program_of(*s, ctx), person)) continue;
    (session_tally(*s, ctx).open_stay(attendee) ? already_in : eligible).push_back(s);
  }

  if (checkout_from && (ctx.now.wall < checkout_from->end || eligible.empty())) {
    const Program& program = program_of(*checkout_from, ctx);
    if (elapsed_since(open_stay->in, open_stay->in_monotonic, open_stay->boot_id, ctx.now) < ctx.config.min_stay) {
      auto d = answer(Outcome::already_checked_in, *pass, person);
      d.reason = "scanned again soon after checking in";
      return about(d, *checkout_from, program);
    }
    auto d = answer(Outcome::checked_out, *pass, person);
    d.ask_feedback = program.feedback_enabled;
    return record(about(d, *checkout_from, program), EventKind::checkout, ctx);
  }

  // Someone already in an open session (at any door) is not moved to another one by a
  // repeat scan.
  if (!already_in.empty()) {
    auto d = answer(Outcome::already_checked_in, *pass, person);
    return about(d, *already_in.front(), program_of(*already_in.front(), ctx));
  }
  if (chosen_session) {
    auto it = std::ranges::find_if(eligible, [&](const Session* s) { return s->id == *chosen_session; });
    if (it != eligible.end()) return check_in(**it, *pass, person, ctx);
  }
  if (eligible.size() == 1) return check_in(*eligible.front(), *pass, person, ctx);
  // Several sessions fit: ask, never guess (a registration elsewhere says nothing about
  // where someone is going now).
  if (eligible.size() > 1) {
    auto d = answer(Outcome::choose_session, *pass, person);
    for (const Session* s : eligible) {
      about(d, *s, program_of(*s, ctx));
      d.session_choices.push_back(s->id);
    }
    d.session_id.clear();
    return d;
  }
  if (!windows_open.empty()) {
    auto d = refuse(Outcome::not_registered,
                    person ? fmt::format("person {} is not registered for the open sessions", person->id)
                           : "pass not on this kiosk's roster and every open session needs registration",
                    pass->pass_id);
    d.person_id = person ? person->id : Id{};
    for (const Session* s : windows_open) d.session_choices.push_back(s->id);
    return d;
  }
  return refuse(Outcome::no_session_now, "no session's check-in window is open", pass->pass_id);
}

Decision decide_let_in(const PassCheck& pass, const Id& session_id, const ScanContext& ctx) {
  if (!pass) return refuse(Outcome::not_our_code, fmt::format("let in: {}", pass.error().detail), pass.error().pass_id);
  const Session* s = ctx.schedule.session(session_id);
  if (!s || !s->window_contains(ctx.now.wall))
    return refuse(Outcome::no_session_now, fmt::format("session {} is not open for check-in", session_id),
                  pass->pass_id);
  const Person* person = ctx.roster.find_by_pass(pass->pass_id);
  const Program& program = program_of(*s, ctx);
  if (session_tally(*s, ctx).open_stay(attendee_of(pass->pass_id, ctx))) {
    auto d = answer(Outcome::already_checked_in, *pass, person);
    return about(d, *s, program);
  }
  auto d = answer(Outcome::checked_in, *pass, person);
  d.reason = "let in by staff";
  return record(about(d, *s, program), EventKind::checkin, ctx, flag_forced | flag_staff);
}

Decision decide_staff_check_in(const Person& person, const Id& session_id, const ScanContext& ctx) {
  const Session* s = ctx.schedule.session(session_id);
  if (!s || !ctx.schedule.program(s->program_id) || !s->window_contains(ctx.now.wall))
    return refuse(Outcome::no_session_now, fmt::format("session {} is not open for check-in", session_id));
  const Program& program = program_of(*s, ctx);
  Decision d;
  d.person_id = person.id;
  d.greeting_name = person.preferred_name;
  AttendanceEvent as_attendee;
  as_attendee.person_id = person.id;
  if (session_tally(*s, ctx).open_stay(attendee_key(as_attendee))) {
    d.outcome = Outcome::already_checked_in;
    return about(d, *s, program);
  }
  d.outcome = Outcome::checked_in;
  d.reason = "checked in by staff, found by name";
  const bool overrides = !may_attend(program, &person) || is_full(*s, ctx);
  return record(about(d, *s, program), EventKind::checkin, ctx, flag_staff | (overrides ? flag_forced : flag_none));
}

namespace {
// Anonymous check-ins and walk-ins: allowed by a program flag, counted against capacity.
Decision decide_unnamed(EventKind kind, const Id& session_id, std::string name, const ScanContext& ctx) {
  const Session* s = ctx.schedule.session(session_id);
  const Program* program = s ? ctx.schedule.program(s->program_id) : nullptr;
  if (!program || !s->window_contains(ctx.now.wall))
    return refuse(Outcome::no_session_now, fmt::format("session {} is not open for check-in", session_id));
  bool walk_in = kind == EventKind::walk_in;
  if (!(walk_in ? program->walk_ins_allowed : program->anonymous_allowed))
    return refuse(Outcome::not_registered,
                  fmt::format("program does not allow {}", walk_in ? "walk-ins" : "anonymous check-in"));
  Decision d;
  if (is_full(*s, ctx)) {
    d = refuse(Outcome::session_full, full_reason(*s));
    return about(d, *s, *program);
  }
  d.outcome = Outcome::checked_in;
  d.greeting_name = name;
  record(about(d, *s, *program), kind, ctx);
  d.events.back().walk_in_name = std::move(name);
  return d;
}
}  // namespace

Decision decide_anonymous(const Id& session_id, const ScanContext& ctx) {
  return decide_unnamed(EventKind::anonymous_checkin, session_id, {}, ctx);
}

Decision decide_walk_in(const Id& session_id, std::string name, const ScanContext& ctx) {
  return decide_unnamed(EventKind::walk_in, session_id, std::move(name), ctx);
}

std::vector<AttendanceEvent> overdue_shift_ends(const ScanContext& ctx) {
  std::vector<AttendanceEvent> out;
  for (const auto& open : ctx.ledger.open_shifts()) {
    const Shift* shift = ctx.schedule.shift(open.shift_id);
    if (!shift || !open.started || ctx.now.wall < shift->end + ctx.config.shift_grace) continue;
    auto e = make_event(EventKind::shift_end, ctx);
    e.shift_id = open.shift_id;
    e.pass_id = open.pass_id;
    e.person_id = open.person_id;
    e.flags |= flag_auto_closed;
    e.shift_duration = std::max(Millis{0}, std::chrono::duration_cast<Millis>(shift->end - *open.started));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace checkin
