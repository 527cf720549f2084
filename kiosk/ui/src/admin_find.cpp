// SPDX-License-Identifier: AGPL-3.0-or-later
// The Today tab's "Check in by name", for a participant who forgot their pass: staff type
// the first letters of the name, pick the person (a short reference tells two of the same
// name apart), then the session. Only on the admin screen, behind the PIN; a discreet
// program's check-in is confirmed without the person's or the group's name.
#include <algorithm>
#include <cmath>

#include "admin_parts.hpp"

namespace checkin::ui {

namespace {

std::size_t letters(std::string_view text) {
  return static_cast<std::size_t>(
      std::ranges::count_if(text, [](char ch) { return (ch & 0xC0) != 0x80 && ch != ' '; }));
}

// What the last check-in by name did, in a box above the button.
float draw_result(Canvas& c, const FindView& find, float x, float y, float w) {
  const Theme& th = c.theme;
  const bool named = !find.result_name.empty();
  std::string words;
  switch (find.result) {
    case FindView::Result::none: return 0;
    case FindView::Result::checked_in:
      words = named ? c.f("admin.find.checked_in", {{"name", find.result_name}, {"session", find.result_session}})
                    : c.t("admin.find.checked_in_discreet");
      return note_box(c, Icon::check, words, "", x, y, w, th.surface, th.surface_text) + c.g;
    case FindView::Result::already_in:
      words = named ? c.f("admin.find.already_in", {{"name", find.result_name}}) : c.t("admin.find.already_in_discreet");
      return note_box(c, Icon::info, words, "", x, y, w, th.surface, th.surface_text) + c.g;
    case FindView::Result::failed:
      words = c.f("admin.find.failed", {{"detail", find.result_detail}});
      return note_box(c, Icon::info, words, "", x, y, w, th.notice, th.notice_text) + c.g;
  }
  return 0;
}

// The people the letters typed match, one button each; answers the height used.
float draw_matches(Canvas& c, const FindView& find, float x, float y, float w) {
  const Theme& th = c.theme;
  const float y0 = y;
  if (letters(find.typed) < 2)
    return c.text(c.fonts.body, c.t("admin.find.type_more"), ImVec2(x, y), w, th.text_muted, th.background) + c.g;
  if (find.found.empty())
    return c.text(c.fonts.body, c.t("admin.find.none"), ImVec2(x, y), w, th.text, th.background) + c.g;
  for (const auto& person : find.found) {
    const std::string label = person.name + "  ·  " + c.f("admin.find.reference", {{"reference", person.reference}});
    if (c.button("found:" + person.person_id, {x, y, w, c.T}, label)) c.emit({Intent::Kind::choose_found, person.person_id});
    y += c.T + c.g * 0.5f;
  }
  if (find.more) y += c.text(c.fonts.small, c.t("admin.find.more"), ImVec2(x, y), w, th.text_muted, th.background) + c.g;
  return y - y0;
}

}  // namespace

float draw_find_by_name(Canvas& c, float x, float y, float w) {
  const Theme& th = c.theme;
  const FindView& find = c.view.admin.find;
  const float y0 = y;
  const std::string cancel = c.t("common.cancel");
  const float cancel_w = std::max(c.T * 1.6f, c.measure(c.fonts.button, cancel).x + c.u * 1.2f);

  if (!find.active) {
    y += draw_result(c, find, x, y, w);
    if (find.available) {
      const std::string label = c.t("admin.find.open");
      const float bw = std::min(w, c.measure(c.fonts.button, label).x + c.u * 3 + c.T * 0.6f);
      if (c.button("find:open", {x, y, bw, c.T}, label, ButtonStyle::normal, Icon::person))
        c.emit({Intent::Kind::start_find});
      y += c.T + c.g * 2;
    }
    return y - y0;
  }

  if (!find.chosen.person_id.empty()) {
    // Who, then where: the sessions open now.
    const std::string question = c.f("admin.find.where", {{"name", find.chosen.name}});
    y += heading(c, question, c.f("admin.find.reference", {{"reference", find.chosen.reference}}), x, y, w);
    y += session_choice_buttons(c, "find_in:", find.sessions, Intent::Kind::check_in_found, x, y, w);
    if (c.button("find:cancel", {x, y, cancel_w, c.T}, cancel)) c.emit({Intent::Kind::cancel_staff_step});
    return y + c.T + c.g * 2 - y0;
  }

  // Wide enough: the keyboard on the left right under the title, the letters typed and the
  // people they match on the right. Else (portrait, 800x480) one under the other: the
  // letters, the people, the keyboard.
  const float gap = std::round(std::max(6.f, c.u * 0.22f));
  const float narrowest = 10 * kMinTouchTarget + 9 * gap;
  const bool side_by_side = !c.portrait && w - narrowest - c.g * 1.5f >= c.u * 12;
  const float kb_w = side_by_side ? std::max(narrowest, std::min(c.u * 27, w * 0.6f)) : std::min(w, c.u * 30);
  const float key_w = std::floor((kb_w - 9 * gap) / 10);
  const float key_h = std::max(kMinTouchTarget, std::min(key_w * 0.8f, c.T));
  const float kb_h = 4 * key_h + 3 * gap;
  auto typed_field = [&](float fx, float fy, float fw) {
    const Rect field{fx, fy, std::max(c.u * 4, fw - cancel_w - c.g), c.T};
    typed_text_box(c, field, find.typed);
    if (c.button("find:cancel", {field.right() + c.g, fy, cancel_w, c.T}, cancel))
      c.emit({Intent::Kind::cancel_staff_step});
    return c.T + c.g;
  };

  if (!side_by_side) {
    y += heading(c, c.t("admin.find.title"), c.t("admin.find.detail"), x, y, w);
    y += typed_field(x, y, w);
    y += draw_matches(c, find, x, y, w);
    draw_keyboard(c, {x, y, 10 * key_w + 9 * gap, kb_h}, key_w, key_h, gap, find.shifted);
    return y + kb_h + c.g - y0;
  }
  y += c.text(c.fonts.large, c.t("admin.find.title"), ImVec2(x, y), w, th.text, th.background) + c.g * 0.6f;
  draw_keyboard(c, {x, y, 10 * key_w + 9 * gap, kb_h}, key_w, key_h, gap, find.shifted);
  const float rx = x + 10 * key_w + 9 * gap + c.g * 1.5f, rw = x + w - rx;
  float ry = y + typed_field(rx, y, rw);
  ry += draw_matches(c, find, rx, ry, rw);
  ry += c.text(c.fonts.small, c.t("admin.find.detail"), ImVec2(rx, ry), rw, th.text_muted, th.background) + c.g;
  return std::max(y + kb_h + c.g, ry) - y0;
}

}  // namespace checkin::ui
