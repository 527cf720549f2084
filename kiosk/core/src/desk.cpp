#include "checkin/core/desk.hpp"

#include <fmt/format.h>

namespace checkin {

CheckInDesk::CheckInDesk(const Clock& clock, EventStore& store, std::string device_id, RulesConfig config)
    : clock_(clock), store_(store), device_id_(std::move(device_id)), config_(config), repeats_(config.repeat_window) {}

void CheckInDesk::load_history(const std::vector<AttendanceEvent>& events) {
  for (const auto& e : events) ledger_.apply(e);
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

Result<std::vector<AttendanceEvent>> CheckInDesk::close_overdue_shifts() {
  auto ends = overdue_shift_ends(context(clock_.now()));
  if (ends.empty()) return ends;
  auto committed = store_.append(ends);
  if (!committed) return std::unexpected(committed.error());
  for (const auto& e : *committed) ledger_.apply(e);
  return committed;
}

}  // namespace checkin
