// SPDX-License-Identifier: AGPL-3.0-or-later
// "What do we record?": in plain words what a check-in stores, for how long, and who to
// ask, in the kiosk's language; large enough to read from where people stand, and a
// single way back.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "canvas.hpp"

namespace checkin::ui {

void draw_privacy(Canvas& c) {
  const Theme& th = c.theme;
  const auto& p = c.view.privacy;
  const float top = draw_top_bar(c, false) + c.g;
  const float w = std::min(c.W - 2 * c.m, c.u * 40);
  const float x = (c.W - w) / 2;

  const std::string site = c.view.site_name.empty() ? c.t("privacy.this_place") : c.view.site_name;
  const std::vector<std::string> lines = {
      c.t("privacy.what"),
      c.f("privacy.who", {{"site", site}}),
      c.f("privacy.groups", {{"discreet_days", std::to_string(p.discreet_days)}}),
      c.f("privacy.others", {{"other_days", std::to_string(p.other_days)}}),
      c.t("privacy.feedback"),
      c.t("privacy.choice"),
      c.f("privacy.ask", {{"contact", p.contact.empty() ? c.t("privacy.ask_default") : p.contact}}),
  };
  const std::string title = c.t("privacy.title");
  const std::string close = c.t("privacy.close");
  const float close_w = std::max(c.T * 2.5f, c.measure(c.fonts.button, close).x + c.u * 2);
  const float bullet = c.u;

  // The first layout whose lines fit, biggest text first: the close button under the text,
  // one column then two (landscape); else the button beside the title, which leaves the
  // text the whole height (800x480).
  struct Layout {
    bool close_beside_title;
    int columns;
    const ImFont* font;
  };
  std::vector<Layout> layouts;
  for (bool beside : {false, true})
    for (int columns : {1, 2}) {
      if (columns == 2 && c.portrait) continue;
      for (const ImFont* font : {c.fonts.body, c.fonts.button, c.fonts.small}) {
        if (!beside && font == c.fonts.small) continue;
        layouts.push_back({beside, columns, font});
      }
    }
  auto per_column = [&](int columns) {
    return (lines.size() + static_cast<std::size_t>(columns) - 1) / static_cast<std::size_t>(columns);
  };
  auto column_w = [&](int columns) { return columns == 1 ? w : (w - c.g * 2) / 2; };
  auto title_w = [&](const Layout& l) { return l.close_beside_title ? w - close_w - c.g : w; };
  auto fits = [&](const Layout& l) {
    const ImFont* big = c.pick_font({c.fonts.large, c.fonts.button}, title, title_w(l), 2);
    const float title_h = std::max(c.measure(big, title, title_w(l)).y, l.close_beside_title ? c.T : 0.f);
    const float bottom = l.close_beside_title ? c.H - c.m : c.H - c.m - c.T - c.g * 2;
    const float room = bottom - top - title_h - c.g * 1.5f;
    std::vector<float> heights(static_cast<std::size_t>(l.columns), 0.f);
    for (std::size_t i = 0; i < lines.size(); ++i)
      heights[i / per_column(l.columns)] +=
          c.measure(l.font, lines[i], column_w(l.columns) - bullet).y + c.g * 0.6f;
    return *std::max_element(heights.begin(), heights.end()) <= room;
  };
  Layout chosen = layouts.back();
  for (const auto& l : layouts)
    if (fits(l)) {
      chosen = l;
      break;
    }

  float y = top;
  const ImFont* big = c.pick_font({c.fonts.large, c.fonts.button}, title, title_w(chosen), 2);
  const float title_h = c.text(big, title, ImVec2(x, y), title_w(chosen), th.text, th.background);
  const Rect close_r = chosen.close_beside_title ? Rect{x + w - close_w, y, close_w, c.T}
                                                 : Rect{(c.W - close_w) / 2, c.H - c.m - c.T, close_w, c.T};
  y += std::max(title_h, chosen.close_beside_title ? c.T : 0.f) + c.g * 1.5f;
  const std::size_t each = per_column(chosen.columns);
  const float col_w = column_w(chosen.columns);
  const float dot = std::max(3.f, c.px(chosen.font) * 0.12f);
  float line_y = y;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const float cx = x + static_cast<float>(i / each) * (col_w + c.g * 2);
    if (i % each == 0) line_y = y;  // a new column starts under the title
    c.dl()->AddCircleFilled(ImVec2(cx + dot, line_y + c.px(chosen.font) * 0.55f), dot, th.text_muted.packed());
    line_y += c.text(chosen.font, lines[i], ImVec2(cx + bullet, line_y), col_w - bullet, th.text, th.background) +
              c.g * 0.6f;
  }
  if (c.button("close", close_r, close, ButtonStyle::primary)) c.emit({Intent::Kind::dismiss});
}

}  // namespace checkin::ui
