// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Colours of the screens. Two themes: a calm one (soft warm background, deep teal
// actions, sage for success, warm sand and amber for "please see a volunteer" - never
// red) and a high-contrast one (black, white and yellow). Every text colour reaches a
// WCAG contrast of at least 7:1 against the background it is drawn on.
#include <cstdint>
#include <string>
#include <vector>

namespace checkin::ui {

struct Color {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;

  static constexpr Color hex(std::uint32_t rgb, std::uint8_t alpha = 255) {
    return {static_cast<std::uint8_t>(rgb >> 16), static_cast<std::uint8_t>(rgb >> 8), static_cast<std::uint8_t>(rgb),
            alpha};
  }
  constexpr Color with_alpha(std::uint8_t alpha) const { return {r, g, b, alpha}; }
  // ImGui's packed colour (IM_COL32 layout: A B G R from the high byte down).
  constexpr std::uint32_t packed() const {
    return (std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{g} << 8) | std::uint32_t{r};
  }
  friend constexpr bool operator==(Color, Color) = default;
};

// WCAG 2 relative luminance and contrast ratio (1..21). Alpha is ignored.
double relative_luminance(Color c);
double contrast_ratio(Color a, Color b);

// The colours of one outcome family on the Result screen.
struct Tone {
  Color background;
  Color text;
  Color icon;        // the big icon's disc
  Color icon_mark;   // the mark drawn on the disc
};

struct Theme {
  std::string name;  // "calm", "high_contrast"

  Color background;      // the screen
  Color text;            // body text on background
  Color text_muted;      // secondary text on background (still >= 7:1)
  Color surface;         // cards and panels
  Color surface_text;    // text on cards
  Color surface_muted;   // secondary text on cards
  Color border;          // card and button outlines

  Color button;          // ordinary buttons
  Color button_text;
  Color button_pressed;
  Color primary;         // the main action of a screen
  Color primary_text;
  Color primary_pressed;
  Color selected;        // a chosen option (session chip, active tab, switch on)
  Color selected_text;
  Color key;             // on-screen keyboard keys and PIN digits
  Color key_text;
  Color key_pressed;

  Tone success;    // checked in, checked out, shift started or ended
  Tone info;       // already checked in, choose a session
  Tone attention;  // please see a volunteer: warm sand and amber, never red
  Color notice;       // inline "wrong PIN" or camera-missing panels
  Color notice_text;
  Color fault;        // the admin screen's storage fault banner
  Color fault_text;

  Color sync_ok, sync_pending, sync_offline, sync_attention;  // the status dot
  Color camera_frame;  // behind the live preview

  float border_width = 2;
  float rounding = 14;  // at body size 28; scaled with it

  // Every (text colour, background) pair the screens draw text with, named, so a test
  // can hold each to 7:1.
  struct Pair {
    std::string what;
    Color text;
    Color background;
  };
  std::vector<Pair> text_pairs() const;
};

const Theme& calm_theme();
const Theme& high_contrast_theme();
inline const Theme& theme_for(bool high_contrast) { return high_contrast ? high_contrast_theme() : calm_theme(); }

}  // namespace checkin::ui
