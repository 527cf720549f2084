// SPDX-License-Identifier: AGPL-3.0-or-later
// Check in by name, behind the PIN: a participant who forgot their pass tells a volunteer
// their name; the volunteer types its first letters, picks them from the kiosk's roster and
// the session, and the check-in is recorded as made by staff. Never a public search: the
// list exists only on the admin screen, and nothing typed stays once it closes.
#include <fmt/format.h>

#include "cards.hpp"
#include "checkin/app/staff.hpp"
#include "checkin/core/log.hpp"

namespace checkin::app {

using ui::Intent;

namespace {

constexpr std::size_t kMaxTypedBytes = 40;
constexpr std::size_t kMaxShown = 6;  // more: "type more of the name"

}  // namespace

bool Staff::on_find(const Intent& intent) {
  ui::FindView& find = admin_.find;
  switch (intent.kind) {
    case Intent::Kind::start_find:
      find = {};
      find.active = true;
      find.shifted = true;
      admin_.naming = false;
      return true;
    case Intent::Kind::type_text:
      if (!find.active || !find.chosen.person_id.empty()) return false;
      if (find.typed.size() + intent.text.size() <= kMaxTypedBytes) find.typed += intent.text;
      find.shifted = false;
      find.result = ui::FindView::Result::none;
      return true;
    case Intent::Kind::erase_text:
      if (!find.active || !find.chosen.person_id.empty()) return false;
      erase_last_code_point(find.typed);
      find.shifted = find.typed.empty() || find.typed.back() == ' ';
      return true;
    case Intent::Kind::toggle_shift:
      if (!find.active) return false;
      find.shifted = !find.shifted;
      return true;
    case Intent::Kind::choose_found: {
      if (!find.active) return true;
      auto person = desk_.roster().people.find(intent.text);
      if (person == desk_.roster().people.end()) return true;
      find.chosen = {person->second.id, person->second.preferred_name, person_reference(person->second.id)};
      return true;
    }
    case Intent::Kind::check_in_found:
      if (find.active && !find.chosen.person_id.empty()) check_in_found(intent.text);
      return true;
    case Intent::Kind::cancel_staff_step:
      if (!find.active) return false;
      find = {};
      return true;
    default: return false;
  }
}

void Staff::check_in_found(const Id& session_id) {
  ui::FindView& find = admin_.find;
  const ui::FoundPerson person = find.chosen;
  Decision d = desk_.check_in_by_staff(person.person_id, session_id);
  log_info("admin", "check in by name: outcome={} session={} person={}", to_string(d.outcome), session_id,
           person.person_id);
  find = {};  // the name typed and the list go; what happened stays until the next tap
  const Session* session = schedule_.session(session_id);
  const Program* program = session ? schedule_.program(session->program_id) : nullptr;
  const bool discreet = d.discreet || settings_.get().discreet_mode || (program && program->discreet);
  if (!discreet) {
    find.result_name = person.name;
    find.result_session = program ? program->name : std::string();
  }
  switch (d.outcome) {
    case Outcome::checked_in:
      find.result = ui::FindView::Result::checked_in;
      store_fault_.clear();
      if (sync_) sync_->nudge();
      break;
    case Outcome::already_checked_in: find.result = ui::FindView::Result::already_in; break;
    case Outcome::not_recorded:
      store_fault_ = d.reason;
      find.result = ui::FindView::Result::failed;
      find.result_detail = d.reason;
      break;
    default:
      find.result = ui::FindView::Result::failed;
      find.result_detail = d.reason;  // the session closed meanwhile, or the roster changed
      break;
  }
}

void Staff::fill_find(ui::FindView& find, WallTime now) const {
  const KioskSettings& settings = settings_.get();
  const auto open = open_sessions(desk_.schedule(), now);
  // Names never show on a kiosk in discreet mode: there, check in as a walk-in instead.
  find.available = !open.empty() && !settings.discreet_mode && !desk_.roster().people.empty();
  if (!find.active) return;
  if (!find.available) {
    find.active = false;
    return;
  }
  if (!find.chosen.person_id.empty()) {
    find.sessions = session_cards(open, schedule_, desk_, settings);
    return;
  }
  for (const Person* person : desk_.roster().find_by_name(find.typed, kMaxShown + 1))
    find.found.push_back({person->id, person->preferred_name, person_reference(person->id)});
  find.more = find.found.size() > kMaxShown;
  if (find.more) find.found.resize(kMaxShown);
}

}  // namespace checkin::app
