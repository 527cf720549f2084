// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/desk.hpp"

#include <fmt/format.h>

#include "checkin/core/corrections.hpp"

namespace checkin {

CheckInDesk::CheckInDesk(const Clock& clock, EventStore& store, std::string device_id, RulesConfig config)
    : clock_(clock), store_(store), device_id_(std::move(device_id)), config_(config),
      ledger_(config.reconciling()), repeats_(config.repeat_window) {}

void CheckInDesk::set_roster(Roster roster) {
  roster_ = std::move(roster);
  ledger_.set_pass_owners(roster_.person_by_pass);
}

void CheckInDesk::load_history(const std::vector<AttendanceEvent>& events) {
  for (const auto& e : events) ledger_.apply(e);
}

std::size_t CheckInDesk::learn_site_events(std::span<const AttendanceEvent> events) {
  std::size_t learned = 0;
  for (const auto& e : events) learned += ledger_.apply(e) ? 1 : 0;
  return learned;
}

const SessionTally& CheckInDesk::session_tally(const Session& session) const {
  static const Program kUnknown;
  const Program* program = schedule_.program(session.program_id);
  return ledger_.tally(session, program ? *program : kUnknown, clock_.now().wall);
}

ScanContext CheckInDesk::context(const Instant& now) const {
  return ScanContext{schedule_, roster_, ledger_, config_, now, device_id_};
}

Decision CheckInDesk::commit(Decision decision) {
  if (decision.events.empty()) return decision;
  auto committed = store_.append(decision.events);
  if (!committed) {
    decision.reason = fmt::format("{} not recorded: {}", to_string(decision.outcome), committed.error().message);
    decision.outcome = Outcome::not_recorded;
    decision.events.clear();
    return decision;
  }
  decision.events = std::move(*committed);
  for (const auto& e : decision.events) ledger_.apply(e);
  return decision;
}

std::optional<Decision> CheckInDesk::scan(std::string_view code) {
  Instant now = clock_.now();
  if (repeats_.suppress(code, now)) return std::nullopt;
  // A failure here leaves the shift open to be closed next time; the scan reports the
  // failing store itself if it needs to record.
  (void)close_overdue_shifts();
  auto pass = verifier_.verify(code, now.wall);
  auto decision = decide_scan(pass, context(now));
  pending_choice_code_ = decision.outcome == Outcome::choose_session ? std::string(code) : std::string{};
  return commit(std::move(decision));
}

Decision CheckInDesk::choose_session(const Id& session_id) {
  Instant now = clock_.now();
  if (pending_choice_code_.empty()) {
    Decision d;
    d.outcome = Outcome::no_session_now;
    d.reason = "no pass is waiting for a session choice";
    return d;
  }
  auto pass = verifier_.verify(pending_choice_code_, now.wall);
  pending_choice_code_.clear();
  return commit(decide_scan(pass, context(now), session_id));
}

Decision CheckInDesk::check_in_anonymously(const Id& session_id) {
  return commit(decide_anonymous(session_id, context(clock_.now())));
}

Decision CheckInDesk::walk_in(const Id& session_id, std::string name) {
  return commit(decide_walk_in(session_id, std::move(name), context(clock_.now())));
}

Result<std::vector<AttendanceEvent>> CheckInDesk::record(std::span<const AttendanceEvent> events) {
  if (events.empty()) return std::vector<AttendanceEvent>{};
  auto committed = store_.append(events);
  if (!committed) return std::unexpected(committed.error());
  for (const auto& e : *committed) ledger_.apply(e);
  return committed;
}

Result<std::vector<AttendanceEvent>> CheckInDesk::close_overdue_shifts() {
  return record(overdue_shift_ends(context(clock_.now())));
}

Decision CheckInDesk::let_in(std::string_view code, const Id& session_id) {
  Instant now = clock_.now();
  return commit(decide_let_in(verifier_.verify(code, now.wall), session_id, context(now)));
}

Decision CheckInDesk::check_in_by_staff(const Id& person_id, const Id& session_id) {
  auto person = roster_.people.find(person_id);
  if (person == roster_.people.end()) {
    Decision d;
    d.outcome = Outcome::not_registered;
    d.reason = fmt::format("person {} is not on this kiosk's roster", person_id);
    return d;
  }
  Instant now = clock_.now();
  return commit(decide_staff_check_in(person->second, session_id, context(now)));
}

namespace {
Result<const AttendanceEvent*> correctable(const Ledger& ledger, const std::string& event_id) {
  const AttendanceEvent* target = ledger.find(event_id);
  if (!target) return fail(Errc::invalid_input, fmt::format("event {} is not known at this kiosk", event_id));
  if (auto problem = correction_problem(*target, ledger.undone(event_id)))
    return fail(Errc::invalid_input, *problem);
  return target;
}
}  // namespace

Result<std::vector<AttendanceEvent>> CheckInDesk::undo(const std::string& event_id) {
  auto target = correctable(ledger_, event_id);
  if (!target) return std::unexpected(target.error());
  const AttendanceEvent undo = make_undo(**target, device_id_, clock_.now());
  return record(std::span(&undo, 1));
}

Result<std::vector<AttendanceEvent>> CheckInDesk::move(const std::string& event_id, const Id& to_session) {
  auto target = correctable(ledger_, event_id);
  if (!target) return std::unexpected(target.error());
  if ((*target)->session_id == to_session)
    return fail(Errc::invalid_input, fmt::format("event {} is in session {} already", event_id, to_session));
  if (!schedule_.session(to_session))
    return fail(Errc::invalid_input, fmt::format("session {} is not served here", to_session));
  return record(make_move(**target, to_session, device_id_, clock_.now()));
}

}  // namespace checkin
