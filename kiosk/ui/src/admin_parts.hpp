// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Pieces of the admin screen that more than one of its files draws with.
#include <string>
#include <string_view>
#include <vector>

#include "canvas.hpp"

namespace checkin::ui {

// A tab's section title over its muted explanation; answers the height used.
float heading(Canvas& c, const std::string& title, const std::string& detail, float x, float y, float w);
// A tinted box with an icon, a line in bold and an optional detail; answers its height.
float note_box(Canvas& c, Icon icon_kind, const std::string& head, const std::string& detail, float x, float y,
               float w, Color face, Color ink);
// The text typed on the on-screen keyboard so far, in an outlined box.
void typed_text_box(Canvas& c, Rect field, std::string_view text);
// A button per session, one under the other; answers the height used.
float session_choice_buttons(Canvas& c, const std::string& prefix, const std::vector<SessionCard>& sessions,
                             Intent::Kind kind, float x, float y, float w);
// The Today tab's "Check in by name" (admin_find.cpp): the button, or the search under way
// and its keyboard, or the sessions to check the person in to; answers the height used.
float draw_find_by_name(Canvas& c, float x, float y, float w);

}  // namespace checkin::ui
