// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What the public flow and the staff side both show: times and sessions as cards, and the
// text typed on the on-screen keyboard.
#include <string>
#include <vector>

#include "checkin/app/settings_book.hpp"
#include "checkin/core/desk.hpp"
#include "checkin/ui/view.hpp"

namespace checkin::app {

std::string local_time(WallTime t);                     // "18:05", the kiosk's time zone
std::string local_date_time(WallTime t, WallTime now);  // the time alone when it is today
int local_day(WallTime t);  // the kiosk's calendar day: equal for two times on the same day

// A session as the screens show it; a discreet program (or discreet mode) hides its name.
// Counts are every door's together.
ui::SessionCard session_card(const Session& session, const Schedule& full, const CheckInDesk& desk,
                             const KioskSettings& settings);
std::vector<ui::SessionCard> session_cards(const std::vector<const Session*>& sessions, const Schedule& full,
                                           const CheckInDesk& desk, const KioskSettings& settings);

// The on-screen keyboard's backspace: the last character, however many bytes it takes.
void erase_last_code_point(std::string& text);

}  // namespace checkin::app
