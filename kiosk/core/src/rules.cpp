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

// ---- Ledger ----

void Ledger::apply(const AttendanceEvent& event) {
  events_.push_back(event);
  if (event.kind == EventKind::undo) {
    undone_[event.undoes_event_id] = true;
    rebuild();
  } else {
    fold(event);
  }
}

void Ledger::forget_before(WallTime cutoff) {
  std::unordered_map<std::string, bool> keep;
  for (const auto& [_, open] : open_shifts_) keep[open.start_event_id] = true;
  auto before = events_.size();
  std::erase_if(events_, [&](const AttendanceEvent& e) { return e.wall_time < cutoff && !keep.contains(e.event_id); });
  if (events_.size() != before) rebuild();
}

void Ledger::rebuild() {
  sessions_.clear();
  open_shifts_.clear();
  for (const auto& e : events_)
    if (e.kind != EventKind::undo) fold(e);
}

void Ledger::fold(const AttendanceEvent& e) {
  if (undone_.contains(e.event_id)) return;
  switch (e.kind) {
    case EventKind::checkin: {
      auto& stay = sessions_[e.session_id].stays[e.pass_id];
      stay = Stay{e.event_id, e.wall_time, e.monotonic, e.boot_id, false};
      break;
    }
    case EventKind::checkout: {
      auto& stays = sessions_[e.session_id].stays;
      if (auto it = stays.find(e.pass_id); it != stays.end()) it->second.checked_out = true;
      break;
    }
    case EventKind::anonymous_checkin:
    case EventKind::walk_in: ++sessions_[e.session_id].anonymous; break;
    case EventKind::shift_start:
      open_shifts_[e.person_id] =
          OpenShift{e.shift_id, e.person_id, e.pass_id, e.event_id, e.wall_time, e.monotonic, e.boot_id};
      break;
    case EventKind::shift_end: open_shifts_.erase(e.person_id); break;
    case EventKind::undo: break;
  }
}

const Ledger::Stay* Ledger::stay(const Id& session_id, const std::string& pass_id) const {
  auto s = sessions_.find(session_id);
  if (s == sessions_.end()) return nullptr;
  auto it = s->second.stays.find(pass_id);
  return it == s->second.stays.end() ? nullptr : &it->second;
}

int Ledger::present_count(const Id& session_id) const {
  auto s = sessions_.find(session_id);
  if (s == sessions_.end()) return 0;
  auto present = std::count_if(s->second.stays.begin(), s->second.stays.end(),
                               [](const auto& kv) { return !kv.second.checked_out; });
  return static_cast<int>(present) + s->second.anonymous;
}

int Ledger::attendance_count(const Id& session_id) const {
  auto s = sessions_.find(session_id);
  if (s == sessions_.end()) return 0;
  return static_cast<int>(s->second.stays.size()) + s->second.anonymous;
}

const Ledger::OpenShift* Ledger::open_shift_of(const Id& person_id) const {
  auto it = open_shifts_.find(person_id);
  return it == open_shifts_.end() ? nullptr : &it->second;
}

std::vector<Ledger::OpenShift> Ledger::open_shifts() const {
  std::vector<OpenShift> out;
  for (const auto& [_, shift] : open_shifts_) out.push_back(shift);
  return out;
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

AttendanceEvent make_event(EventKind kind, const ScanContext& ctx) {
  AttendanceEvent e;
  e.event_id = make_uuid_v7(ctx.now.wall);
  e.device_id = ctx.device_id;
  e.kind = kind;
  e.wall_time = ctx.now.wall;
  e.monotonic = ctx.now.monotonic;
  e.boot_id = ctx.now.boot_id;
  if (!ctx.now.wall_synced) e.flags |= flag_clock_unsynced;
  return e;
}

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
Decision& record(Decision& d, EventKind kind, const ScanContext& ctx) {
  auto e = make_event(kind, ctx);
  e.session_id = d.session_id;
  e.shift_id = d.shift_id;
  e.pass_id = d.pass_id;
  e.person_id = d.person_id;
  e.shift_duration = d.shift_duration;
  d.events.push_back(std::move(e));
  return d;
}

bool may_attend(const Program& program, const Person* person) {
  if (program.registration == Registration::open) return true;
  return person && std::ranges::find(person->registered_programs, program.id) != person->registered_programs.end();
}

bool is_full(const Session& session, const Ledger& ledger) {
  return session.capacity && ledger.present_count(session.id) >= *session.capacity;
}

std::string full_reason(const Session& session) {
  return fmt::format("session {} is at capacity {}", session.id, session.capacity.value_or(0));
}

Decision check_in(const Session& session, const PassClaims& pass, const Person* person, const ScanContext& ctx) {
  const Program& program = *ctx.schedule.program(session.program_id);
  if (is_full(session, ctx.ledger)) {
    auto d = refuse(Outcome::session_full, full_reason(session), pass.pass_id);
    return about(d, session, program);
  }
  auto d = answer(Outcome::checked_in, pass, person);
  return record(about(d, session, program), EventKind::checkin, ctx);
}

std::optional<Decision> decide_shift(const PassClaims& pass, const Person& person, const ScanContext& ctx) {
  if (const auto* open = ctx.ledger.open_shift_of(person.id)) {
    auto d = answer(Outcome::shift_ended, pass, &person);
    d.shift_id = open->shift_id;
    d.shift_started = open->started;
    d.shift_duration = elapsed_since(open->started, open->started_monotonic, open->boot_id, ctx.now);
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

  // A volunteer's scan is about their shift before anything else.
  if (person)
    if (auto shift = decide_shift(*pass, *person, ctx)) return *shift;

  // Check-out: an open stay in a session that counts check-outs and is still current.
  const Session* checkout_from = nullptr;
  for (const auto& s : ctx.schedule.sessions) {
    const Program* program = ctx.schedule.program(s.program_id);
    const auto* stay = ctx.ledger.stay(s.id, pass->pass_id);
    if (program && program->tracks_checkout && stay && !stay->checked_out && ctx.now.wall >= s.window_opens &&
        ctx.now.wall < s.end + ctx.config.checkout_grace)
      checkout_from = &s;
  }

  std::vector<const Session*> windows_open = open_sessions(ctx.schedule, ctx.now.wall);
  std::vector<const Session*> eligible, already_in;
  for (const Session* s : windows_open) {
    if (!may_attend(*ctx.schedule.program(s->program_id), person)) continue;
    const auto* stay = ctx.ledger.stay(s->id, pass->pass_id);
    (stay && !stay->checked_out ? already_in : eligible).push_back(s);
  }

  if (checkout_from && (ctx.now.wall < checkout_from->end || eligible.empty())) {
    const Program& program = *ctx.schedule.program(checkout_from->program_id);
    const auto* stay = ctx.ledger.stay(checkout_from->id, pass->pass_id);
    if (elapsed_since(stay->in, stay->in_monotonic, stay->boot_id, ctx.now) < ctx.config.min_stay) {
      auto d = answer(Outcome::already_checked_in, *pass, person);
      d.reason = "scanned again soon after checking in";
      return about(d, *checkout_from, program);
    }
    auto d = answer(Outcome::checked_out, *pass, person);
    d.ask_feedback = program.feedback_enabled;
    return record(about(d, *checkout_from, program), EventKind::checkout, ctx);
  }

  // Someone already in an open session is not moved to another one by a repeat scan.
  if (!already_in.empty()) {
    auto d = answer(Outcome::already_checked_in, *pass, person);
    return about(d, *already_in.front(), *ctx.schedule.program(already_in.front()->program_id));
  }
  if (chosen_session) {
    auto it = std::ranges::find_if(eligible, [&](const Session* s) { return s->id == *chosen_session; });
    if (it != eligible.end()) return check_in(**it, *pass, person, ctx);
  }
  // Among overlapping sessions, one the person is registered for is the obvious choice.
  if (eligible.size() > 1 && person) {
    std::vector<const Session*> registered;
    for (const Session* s : eligible)
      if (std::ranges::find(person->registered_programs, s->program_id) != person->registered_programs.end())
        registered.push_back(s);
    if (registered.size() == 1) eligible = registered;
  }
  if (eligible.size() == 1) return check_in(*eligible.front(), *pass, person, ctx);
  if (eligible.size() > 1) {
    auto d = answer(Outcome::choose_session, *pass, person);
    for (const Session* s : eligible) {
      about(d, *s, *ctx.schedule.program(s->program_id));
      d.session_choices.push_back(s->id);
    }
    d.session_id.clear();
    return d;
  }
  if (!windows_open.empty())
    return refuse(Outcome::not_registered,
                  person ? fmt::format("person {} is not registered for the open sessions", person->id)
                         : "pass not on this kiosk's roster and every open session needs registration",
                  pass->pass_id);
  return refuse(Outcome::no_session_now, "no session's check-in window is open", pass->pass_id);
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
  if (is_full(*s, ctx.ledger)) {
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
    if (!shift || ctx.now.wall < shift->end + ctx.config.shift_grace) continue;
    auto e = make_event(EventKind::shift_end, ctx);
    e.shift_id = open.shift_id;
    e.pass_id = open.pass_id;
    e.person_id = open.person_id;
    e.flags |= flag_auto_closed;
    e.shift_duration = std::max(Millis{0}, std::chrono::duration_cast<Millis>(shift->end - open.started));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace checkin
