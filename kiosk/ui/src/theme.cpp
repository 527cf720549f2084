// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/ui/theme.hpp"

#include <algorithm>
#include <cmath>

namespace checkin::ui {

double relative_luminance(Color c) {
  auto channel = [](std::uint8_t v) {
    const double s = v / 255.0;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double contrast_ratio(Color a, Color b) {
  const double la = relative_luminance(a), lb = relative_luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

namespace {

Theme make_calm() {
  Theme t;
  t.name = "calm";
  t.background = Color::hex(0xF4F1EC);  // warm paper
  t.text = Color::hex(0x1E2A32);        // deep slate, not black
  t.text_muted = Color::hex(0x3D4850);
  t.surface = Color::hex(0xFFFFFF);
  t.surface_text = Color::hex(0x1E2A32);
  t.surface_muted = Color::hex(0x3D4850);
  t.border = Color::hex(0xC9C1B4);

  t.button = Color::hex(0xE1E8E9);  // pale blue-grey
  t.button_text = Color::hex(0x1E2A32);
  t.button_pressed = Color::hex(0xC3D2D4);
  t.primary = Color::hex(0x245B66);  // deep teal
  t.primary_text = Color::hex(0xFFFFFF);
  t.primary_pressed = Color::hex(0x1B4E58);
  t.selected = Color::hex(0x2E4756);
  t.selected_text = Color::hex(0xFFFFFF);
  t.key = Color::hex(0xFFFFFF);
  t.key_text = Color::hex(0x1E2A32);
  t.key_pressed = Color::hex(0xD5E0E1);

  t.success = {Color::hex(0xE2F0E6), Color::hex(0x173F27), Color::hex(0x3C8A5A), Color::hex(0xFFFFFF)};    // sage
  t.info = {Color::hex(0xE3EDF5), Color::hex(0x1B3550), Color::hex(0x3B6E99), Color::hex(0xFFFFFF)};       // sky
  t.attention = {Color::hex(0xF8EBD3), Color::hex(0x4A3412), Color::hex(0xC08A2E), Color::hex(0xFFFFFF)};  // sand, amber
  t.notice = Color::hex(0xF6E7C8);
  t.notice_text = Color::hex(0x4A3A14);
  t.fault = Color::hex(0xF1D9B5);
  t.fault_text = Color::hex(0x4A2A0A);

  t.sync_ok = Color::hex(0x3C8A5A);
  t.sync_pending = Color::hex(0x3B6E99);
  t.sync_offline = Color::hex(0x8A8F94);
  t.sync_attention = Color::hex(0xC08A2E);
  t.camera_frame = Color::hex(0x2B3238);
  t.border_width = 2;
  t.rounding = 16;
  return t;
}

Theme make_high_contrast() {
  Theme t;
  t.name = "high_contrast";
  t.background = Color::hex(0x000000);
  t.text = Color::hex(0xFFFFFF);
  t.text_muted = Color::hex(0xE8E8E8);
  t.surface = Color::hex(0x1A1A1A);
  t.surface_text = Color::hex(0xFFFFFF);
  t.surface_muted = Color::hex(0xE8E8E8);
  t.border = Color::hex(0xFFFFFF);

  t.button = Color::hex(0x000000);
  t.button_text = Color::hex(0xFFFFFF);
  t.button_pressed = Color::hex(0x333333);
  t.primary = Color::hex(0xFFE14D);  // yellow
  t.primary_text = Color::hex(0x000000);
  t.primary_pressed = Color::hex(0xFFD21F);
  t.selected = Color::hex(0xFFE14D);
  t.selected_text = Color::hex(0x000000);
  t.key = Color::hex(0x000000);
  t.key_text = Color::hex(0xFFFFFF);
  t.key_pressed = Color::hex(0x333333);

  t.success = {Color::hex(0x002B14), Color::hex(0xFFFFFF), Color::hex(0x5CE08A), Color::hex(0x000000)};
  t.info = {Color::hex(0x0D2236), Color::hex(0xFFFFFF), Color::hex(0x7CC4FF), Color::hex(0x000000)};
  t.attention = {Color::hex(0x2A1E00), Color::hex(0xFFFFFF), Color::hex(0xFFC14D), Color::hex(0x000000)};
  t.notice = Color::hex(0x2A1E00);
  t.notice_text = Color::hex(0xFFFFFF);
  t.fault = Color::hex(0x2A1E00);
  t.fault_text = Color::hex(0xFFFFFF);

  t.sync_ok = Color::hex(0x5CE08A);
  t.sync_pending = Color::hex(0x7CC4FF);
  t.sync_offline = Color::hex(0xBBBBBB);
  t.sync_attention = Color::hex(0xFFC14D);
  t.camera_frame = Color::hex(0x1A1A1A);
  t.border_width = 3;
  t.rounding = 10;
  return t;
}

}  // namespace

std::vector<Theme::Pair> Theme::text_pairs() const {
  return {
      {"text on background", text, background},
      {"muted text on background", text_muted, background},
      {"text on surface", surface_text, surface},
      {"muted text on surface", surface_muted, surface},
      {"button text", button_text, button},
      {"button text pressed", button_text, button_pressed},
      {"primary text", primary_text, primary},
      {"primary text pressed", primary_text, primary_pressed},
      {"selected text", selected_text, selected},
      {"key text", key_text, key},
      {"key text pressed", key_text, key_pressed},
      {"success text", success.text, success.background},
      {"info text", info.text, info.background},
      {"attention text", attention.text, attention.background},
      {"notice text", notice_text, notice},
      {"fault text", fault_text, fault},
      {"text on camera frame", Color::hex(0xFFFFFF), camera_frame},
  };
}

const Theme& calm_theme() {
  static const Theme theme = make_calm();
  return theme;
}

const Theme& high_contrast_theme() {
  static const Theme theme = make_high_contrast();
  return theme;
}

}  // namespace checkin::ui
