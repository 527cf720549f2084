// SPDX-License-Identifier: AGPL-3.0-or-later
// Choose session: several sessions fit the pass (or an anonymous check-in); one big
// button each.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"

namespace checkin::ui {

float session_button_height(const Canvas& c) {
  const float pad = std::round(c.u * 0.5f);
  return std::max(c.T, std::round(pad * 2 + c.px(c.fonts.button) * 1.2f + c.px(c.fonts.small) * 1.15f));
}

bool session_button(Canvas& c, const std::string& name, Rect r, const SessionCard& card, bool selected) {
  const Theme& th = c.theme;
  const std::string title = session_title(c, card);
  const std::string details = session_details(c, card);
  const bool enabled = !card.full;
  const bool tapped = c.touch_area(name, r, title + (details.empty() ? "" : " · " + details), enabled);
  Color face = c.last_pressed_look() ? th.button_pressed : th.surface;
  Color ink = th.surface_text, muted = th.surface_muted;
  if (selected) face = th.selected, ink = muted = th.selected_text;
  if (!enabled) face = c.background_under(), ink = muted = th.text_muted;
  c.fill(r, face);
  if (!selected) c.outline(r, th.border, enabled ? th.border_width : 1.f);
  c.push_background(face);
  const float pad = std::round(c.u * 0.5f);
  const float icon = c.px(c.fonts.button) * 1.2f;
  float x = r.x + pad;
  if (selected) {
    c.icon(Icon::check, ImVec2(x + icon / 2, r.y + r.h / 2), icon * 1.2f, ink);
    x += icon + pad;
  }
  float right = r.right() - pad;
  if (card.full) {
    const std::string full = c.t("common.full");
    const float w = c.measure(c.fonts.button, full).x;
    c.text(c.fonts.button, full, ImVec2(right - w, r.y + (r.h - c.px(c.fonts.button)) / 2), w + 1, ink, face);
    right -= w + pad;
  }
  const float w = right - x;
  const float line1 = c.px(c.fonts.button) * 1.2f, line2 = c.px(c.fonts.small) * 1.15f;
  const float y = r.y + std::max(pad * 0.5f, (r.h - line1 - (details.empty() ? 0 : line2)) / 2);
  c.text_in({c.fonts.button, c.fonts.small}, title, {x, y, w, line1}, ink, face);
  if (!details.empty()) c.text_in({c.fonts.small}, details, {x, y + line1, w, line2}, muted, face);
  c.pop_background();
  return tapped;
}

void draw_choose(Canvas& c) {
  const Theme& th = c.theme;
  const auto& choose = c.view.choose;
  float y = draw_top_bar(c, false) + c.g;
  const float w = c.W - 2 * c.m;
  const bool anonymous = choose.purpose == ChoosePurpose::anonymous;

  const std::string title = c.t(anonymous ? "choose.title_anonymous" : "choose.title");
  const ImFont* big = c.pick_font({c.fonts.large, c.fonts.button}, title, w, 2);
  y += c.text(big, title, ImVec2(c.m, y), w, th.text, th.background, c.portrait ? Align::center : Align::left);
  if (anonymous) {
    y += c.g * 0.6f;
    y += c.text(c.fonts.body, c.t("choose.anonymous_detail"), ImVec2(c.m, y), w, th.text_muted, th.background,
                c.portrait ? Align::center : Align::left);
  }
  y += c.g * 1.5f;

  const std::string cancel = c.t("common.cancel");
  const float cancel_w = std::max(c.T * 2.5f, c.measure(c.fonts.button, cancel).x + c.u * 2);
  const Rect cancel_r{c.portrait ? (c.W - cancel_w) / 2 : c.m, c.H - c.m - c.T, cancel_w, c.T};
  if (c.button("cancel", cancel_r, cancel)) c.emit({Intent::Kind::dismiss});

  const auto& choices = choose.choices;
  if (choices.empty()) {
    c.text(c.fonts.body, c.t("choose.none"), ImVec2(c.m, y), w, th.text, th.background);
    return;
  }
  const float bottom = cancel_r.y - c.g * 1.5f;
  const float bh = session_button_height(c);
  const int columns = (!c.portrait && choices.size() >= 4 && c.W >= 1000) ? 2 : 1;
  const float col_w = columns == 1 ? std::min(w, c.u * 30) : (w - c.g) / 2;
  const int rows = (static_cast<int>(choices.size()) + columns - 1) / columns;
  const float content_h = static_cast<float>(rows) * (bh + c.g) - c.g;
  const bool scroll = content_h > bottom - y;
  ImVec2 origin(c.m, y);
  if (scroll) {
    c.begin_scroll("choices", {c.m, y, w, bottom - y});
    origin = c.scroll_origin();
  }
  const float x0 = columns == 1 && !scroll ? c.m + (c.portrait ? (w - col_w) / 2 : 0) : origin.x;
  const float usable_w = scroll ? std::min(col_w, w - c.u) : col_w;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    const int col = static_cast<int>(i) % columns, row = static_cast<int>(i) / columns;
    const Rect r{x0 + static_cast<float>(col) * (col_w + c.g), origin.y + static_cast<float>(row) * (bh + c.g), usable_w, bh};
    if (session_button(c, "session:" + choices[i].id, r, choices[i], false))
      c.emit({Intent::Kind::choose_session, choices[i].id});
  }
  if (scroll) c.end_scroll(content_h);
}

}  // namespace checkin::ui
