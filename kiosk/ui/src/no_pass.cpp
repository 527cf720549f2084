// SPDX-License-Identifier: AGPL-3.0-or-later
// No pass? A walk-in check-in: choose the session (when there are several), type a first
// name or nickname if you like on a large keyboard, check in.
#include <algorithm>
#include <array>
#include <cmath>

#include "canvas.hpp"

namespace checkin::ui {

namespace {

struct Key {
  const char* name;   // "a", "ñ", "space"...
  const char* lower;  // what it types
  const char* upper;  // with shift
  float units = 1;    // width in key units; every row adds up to 10
};

// Letters for English and Spanish names, plus hyphen and apostrophe (Mary-Jo, O'Neil).
const std::array<std::vector<Key>, 4> kRows = {{
    {{"q", "q", "Q"}, {"w", "w", "W"}, {"e", "e", "E"}, {"r", "r", "R"}, {"t", "t", "T"},
     {"y", "y", "Y"}, {"u", "u", "U"}, {"i", "i", "I"}, {"o", "o", "O"}, {"p", "p", "P"}},
    {{"a", "a", "A"}, {"s", "s", "S"}, {"d", "d", "D"}, {"f", "f", "F"}, {"g", "g", "G"},
     {"h", "h", "H"}, {"j", "j", "J"}, {"k", "k", "K"}, {"l", "l", "L"}, {"ñ", "ñ", "Ñ"}},
    {{"shift", "", "", 1.5f}, {"z", "z", "Z"}, {"x", "x", "X"}, {"c", "c", "C"}, {"v", "v", "V"},
     {"b", "b", "B"}, {"n", "n", "N"}, {"m", "m", "M"}, {"backspace", "", "", 1.5f}},
    {{"á", "á", "Á"}, {"é", "é", "É"}, {"í", "í", "Í"}, {"ó", "ó", "Ó"}, {"ú", "ú", "Ú"},
     {"ü", "ü", "Ü"}, {"-", "-", "-"}, {"'", "'", "'"}, {"space", " ", " ", 2.f}},
}};

}  // namespace

void draw_keyboard(Canvas& c, Rect kb, float key_w, float key_h, float gap, bool shifted) {
  for (std::size_t row = 0; row < kRows.size(); ++row) {
    float x = kb.x;
    const float y = kb.y + static_cast<float>(row) * (key_h + gap);
    for (const Key& key : kRows[row]) {
      const float w = key.units * key_w + (key.units - 1) * gap;
      const Rect r{x, y, w, key_h};
      const std::string name = std::string("key:") + key.name;
      const std::string_view which = key.name;
      if (which == "shift") {
        if (c.button(name, r, "", shifted ? ButtonStyle::selected : ButtonStyle::key, Icon::shift))
          c.emit({Intent::Kind::toggle_shift});
      } else if (which == "backspace") {
        if (c.button(name, r, "", ButtonStyle::key, Icon::backspace)) c.emit({Intent::Kind::erase_text});
      } else if (which == "space") {
        if (c.button(name, r, c.t("keyboard.space"), ButtonStyle::key)) c.emit({Intent::Kind::type_text, " "});
      } else {
        const char* label = shifted ? key.upper : key.lower;
        if (c.button(name, r, label, ButtonStyle::key)) c.emit({Intent::Kind::type_text, label});
      }
      x += w + gap;
    }
  }
}

void draw_no_pass(Canvas& c) {
  const Theme& th = c.theme;
  const auto& np = c.view.no_pass;
  const float mv = std::round(std::min(c.m, c.H * 0.025f));

  // The keyboard sets the width of everything else, so the screen lines up.
  const float kgap = std::round(std::max(6.f, c.u * 0.22f));
  const float key_w = std::floor((std::min(c.W - 2 * c.m, c.u * 40) - 9 * kgap) / 10);
  const float w = 10 * key_w + 9 * kgap;
  const float x0 = std::round((c.W - w) / 2);

  const std::string cancel = c.t("common.cancel");
  const std::string confirm = c.t("no_pass.confirm");
  const float icon_room = std::min(c.u * 1.3f, c.T * 0.6f) + c.g;
  const float cancel_w = std::max(c.T * 2.f, c.measure(c.fonts.button, cancel).x + c.u * 2);
  const float confirm_w = std::max(c.T * 2.5f, c.measure(c.fonts.button, confirm).x + icon_room + c.u * 2);

  if (np.sessions.empty()) {
    float y = c.m * 2;
    y += c.text(c.fonts.large, c.t("no_pass.title"), ImVec2(x0, y), w, th.text, th.background);
    y += c.g;
    c.text(c.fonts.body, c.t("no_pass.none_open"), ImVec2(x0, y), w, th.text, th.background);
    if (c.button("cancel", {x0, c.H - c.m - c.T, cancel_w, c.T}, cancel)) c.emit({Intent::Kind::dismiss});
    return;
  }

  // Session chips: as many per row as fit at a comfortable width.
  const float chip_h = session_button_height(c);
  const std::size_t n = np.sessions.size();
  const std::size_t per_row =
      c.portrait ? 1 : std::clamp<std::size_t>(static_cast<std::size_t>((w + c.g) / (c.u * 11 + c.g)), 1, n);
  const std::size_t chip_rows = (n + per_row - 1) / per_row;
  const float chips_h = static_cast<float>(chip_rows) * (chip_h + c.g) - c.g;

  // Name field and the two actions: one row in landscape, two in portrait.
  const bool stacked = c.portrait || w - (cancel_w + confirm_w + 2 * c.g) < c.u * 8;
  const float name_rows_h = stacked ? 2 * c.T + c.g : c.T;

  // The keyboard takes the height that is left, within sensible key sizes.
  const float fixed = 2 * mv + chips_h + c.g + name_rows_h + c.g * 1.5f;
  const float key_h_max = c.portrait ? std::min(key_w, c.T * 1.6f) : std::min(key_w * 0.85f, c.T * 1.3f);
  const float key_h = std::floor(
      std::clamp((c.H - fixed - 3 * kgap) / 4, kMinTouchTarget, std::max(kMinTouchTarget, key_h_max)));
  const float kb_h = 4 * key_h + 3 * kgap;

  // A heading and a hint when there is room for them (not on 800x480).
  const std::string title = c.t("no_pass.title");
  const std::string hint = c.t("no_pass.hint");
  float spare = c.H - fixed - kb_h;
  const float title_h = c.measure(c.fonts.large, title, w).y + c.g;
  const bool show_title = spare >= title_h;
  if (show_title) spare -= title_h;
  const float hint_h = c.measure(c.fonts.body, hint, w).y + c.g;
  const bool show_hint = spare >= hint_h;
  if (show_hint) spare -= hint_h;

  float y = mv + std::floor(spare * (c.portrait ? 0.35f : 0.5f));
  const Align align = c.portrait ? Align::center : Align::left;
  if (show_title) y += c.text(c.fonts.large, title, ImVec2(x0, y), w, th.text, th.background, align) + c.g;
  if (show_hint) y += c.text(c.fonts.body, hint, ImVec2(x0, y), w, th.text_muted, th.background, align) + c.g;

  const float chip_w = c.portrait ? w : std::min(c.u * 18, (w - static_cast<float>(per_row - 1) * c.g) / static_cast<float>(per_row));
  for (std::size_t i = 0; i < n; ++i) {
    const auto& card = np.sessions[i];
    const float col = static_cast<float>(i % per_row), row = static_cast<float>(i / per_row);
    const Rect r{x0 + col * (chip_w + c.g), y + row * (chip_h + c.g), chip_w, chip_h};
    if (session_button(c, "session:" + card.id, r, card, card.id == np.selected) && card.id != np.selected)
      c.emit({Intent::Kind::select_walk_in_session, card.id});
  }
  y += chips_h + c.g;

  // The name typed so far, or what to type.
  const float field_w = stacked ? w : w - (cancel_w + confirm_w + 2 * c.g);
  const Rect field{x0, y, field_w, c.T};
  c.fill(field, th.surface);
  c.outline(field, th.primary, th.border_width * 1.5f);
  c.push_background(th.surface);
  const float pad = std::round(c.u * 0.6f);
  if (np.name.empty()) {
    c.text_in({c.fonts.body, c.fonts.small}, c.t("no_pass.name_placeholder"),
              {field.x + pad, field.y, field.w - 2 * pad, field.h}, th.surface_muted, th.surface, Align::left, true);
  } else {
    c.text_in({c.fonts.lead, c.fonts.body}, np.name, {field.x + pad, field.y, field.w - 3 * pad, field.h},
              th.surface_text, th.surface, Align::left, true);
    const auto& last = c.texts_drawn().back();
    const float cx = std::min(last.rect.right() + 3, field.right() - pad);
    c.dl()->AddLine(ImVec2(cx, field.y + field.h * 0.22f), ImVec2(cx, field.y + field.h * 0.78f), th.primary.packed(),
                    std::max(2.f, c.u * 0.08f));
  }
  c.pop_background();

  const float by = stacked ? y + c.T + c.g : y;
  const float bx = stacked ? x0 : field.right() + c.g;
  const float cw = stacked ? (w - c.g) / 2 : cancel_w;
  const float fw = stacked ? (w - c.g) / 2 : confirm_w;
  if (c.button("cancel", {bx, by, cw, c.T}, cancel)) c.emit({Intent::Kind::dismiss});
  if (c.button("confirm", {bx + cw + c.g, by, fw, c.T}, confirm, ButtonStyle::primary, Icon::check,
               !np.selected.empty()))
    c.emit({Intent::Kind::confirm_walk_in});
  y = by + c.T + c.g * 1.5f;

  draw_keyboard(c, {x0, y, w, kb_h}, key_w, key_h, kgap, np.shifted);
}

}  // namespace checkin::ui
