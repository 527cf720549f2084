// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk's screens: one call draws the whole window for a ViewState with Dear ImGui,
// appends what the person tapped to `intents` and reports every button and every piece of
// text it drew with its rectangle (so scripts can tap a button by name and tests can
// check sizes, overlaps, clipping and wording). No I/O, no state of its own.
//
// Call it between Display::begin_frame() and end_frame(), once per frame.
//
// Button names (stable; scripts tap them, tests measure them):
//   Ready          staff, language:<code> (or language:next when they do not all fit),
//                  no_pass, anonymous
//   Result         dismiss (the whole window)
//   Choose session session:<id>, cancel
//   No pass?       session:<id>, key:<letter> (q..p, a..ñ, z..m, á é í ó ú ü - '),
//                  key:space, key:backspace, key:shift, cancel, confirm
//   Feedback       feedback:1 .. feedback:5, skip
//   PIN pad        pin:0 .. pin:9, pin:erase, pin:ok, cancel
//   Admin          dismiss, admin.tab:sessions|sync|export|settings,
//                  served:<id>, names:<id>, retry:<event id>, sync_now, enrol,
//                  enrol:cancel, export,
//                  language:<code>, volume:down, volume:up, setting:discreet,
//                  setting:high_contrast, leave
#include <string>
#include <string_view>
#include <vector>

#include "checkin/ui/theme.hpp"
#include "checkin/ui/translator.hpp"
#include "checkin/ui/view.hpp"
#include "imgui.h"

namespace checkin::ui {

// The fonts to draw with, built by the display for the window size (see
// platform::FontSet, which has the same members). Only `body` is required: a missing
// one is drawn with its nearest relative (lead -> body, huge -> large -> button -> body).
struct Fonts {
  ImFont* small = nullptr;   // hints, footers
  ImFont* body = nullptr;    // body text
  ImFont* button = nullptr;  // bold, body size: button labels
  ImFont* large = nullptr;   // bold: headings
  ImFont* huge = nullptr;    // bold: the one big line of a screen
  ImFont* lead = nullptr;    // regular, heading size: the line under the big one
};

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;

  float right() const { return x + w; }
  float bottom() const { return y + h; }
  ImVec2 min() const { return {x, y}; }
  ImVec2 max() const { return {x + w, y + h}; }
  ImVec2 center() const { return {x + w / 2, y + h / 2}; }
  bool empty() const { return w <= 0 || h <= 0; }
  bool contains(float px, float py) const { return px >= x && px < right() && py >= y && py < bottom(); }
  bool overlaps(const Rect& o) const { return x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom(); }
  Rect intersect(const Rect& o) const;
};

struct ButtonInfo {
  std::string name;   // stable: "no_pass", "session:<id>", "key:a", "pin:7", ...
  std::string label;  // the words on it (translated), empty for icon-only buttons
  Rect rect;          // the whole touch target
  Rect visible;       // the part on screen (a list scrolled away hides some buttons)
  Rect clip;          // the area it may show in: the window, or a scrolling list
  bool enabled = true;
};

struct TextInfo {
  std::string text;  // the whole block, even when wrapped over several lines
  Rect rect;         // bounds of what was drawn
  Rect clip;         // the area it may show in: the window, or a scrolling list
  float font_px = 0;
  Color color;
  Color background;  // what it was drawn on, for contrast checks
  bool scrolls = false;  // inside a scrolling list (may lie below the visible part)
};

struct FrameReport {
  Screen screen = Screen::ready;
  float width = 0, height = 0;
  std::vector<ButtonInfo> buttons;
  std::vector<TextInfo> texts;

  const ButtonInfo* button(std::string_view name) const;
  bool has_text(std::string_view needle) const;  // a substring of any text drawn
  std::string all_text() const;                  // every text, one per line (for messages)
};

struct DrawInput {
  const Translator& translator;
  Fonts fonts;
  // The live camera preview uploaded by the display (Display::update_preview) from
  // view.ready.preview; nullptr shows the "starting the camera" picture.
  ImTextureID preview_texture = nullptr;
};

FrameReport draw(const ViewState& view, const DrawInput& input, std::vector<Intent>& intents);

// The screen of a kiosk that cannot start (a bad configuration, an unusable database):
// a calm "this kiosk needs attention" for everyone and `detail` for staff. No buttons.
FrameReport draw_problem(std::string_view detail, const std::string& language, const DrawInput& input);

// The smallest touch target, in pixels, on any screen and at any window size.
inline constexpr float kMinTouchTarget = 64.f;

}  // namespace checkin::ui
