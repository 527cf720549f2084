// SPDX-License-Identifier: AGPL-3.0-or-later
#include "cards.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

namespace checkin::app {

using namespace std::chrono;

std::string local_time(WallTime t) {
  std::time_t tt = system_clock::to_time_t(floor<seconds>(t));
  return fmt::format("{:%H:%M}", fmt::localtime(tt));
}

std::string local_date_time(WallTime t, WallTime now) {
  std::time_t then = system_clock::to_time_t(floor<seconds>(t));
  std::time_t today = system_clock::to_time_t(floor<seconds>(now));
  const auto a = fmt::localtime(then), b = fmt::localtime(today);
  if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday) return fmt::format("{:%H:%M}", a);
  return fmt::format("{:%Y-%m-%d %H:%M}", a);
}

ui::SessionCard session_card(const Session& s, const Schedule& full, const CheckInDesk& desk,
                             const KioskSettings& settings) {
  ui::SessionCard c;
  const Program* p = full.program(s.program_id);
  c.id = s.id;
  c.discreet = (p && p->discreet) || settings.discreet_mode;
  // A discreet program's name here is its public alias, all the server sends (often empty:
  // "A group session"); the kiosk's own discreet mode hides every program's name.
  if (p && !settings.discreet_mode) c.title = p->name;
  if (!c.discreet) c.room = s.room;
  c.time_range = local_time(s.start) + "–" + local_time(s.end);
  c.anonymous_allowed = p && p->anonymous_allowed;
  c.walk_ins_allowed = p && p->walk_ins_allowed;
  const SessionTally& tally = desk.session_tally(s);
  c.full = s.capacity && tally.present >= *s.capacity;
  c.served = !settings.unserved.contains(s.id);
  c.checked_in = tally.attendees;
  return c;
}

std::vector<ui::SessionCard> session_cards(const std::vector<const Session*>& sessions, const Schedule& full,
                                           const CheckInDesk& desk, const KioskSettings& settings) {
  std::vector<ui::SessionCard> out;
  for (const Session* s : sessions) out.push_back(session_card(*s, full, desk, settings));
  return out;
}

void erase_last_code_point(std::string& text) {
  while (!text.empty()) {
    unsigned char c = static_cast<unsigned char>(text.back());
    text.pop_back();
    if ((c & 0xC0) != 0x80) break;  // stop after removing a lead byte or an ASCII char
  }
}

int local_day(WallTime t) {
  std::time_t tt = system_clock::to_time_t(floor<seconds>(t));
  std::tm tm{};
  localtime_r(&tt, &tm);
  return tm.tm_year * 400 + tm.tm_yday;
}

}  // namespace checkin::app
