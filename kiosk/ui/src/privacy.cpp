// SPDX-License-Identifier: AGPL-3.0-or-later
// "What do we record?": in plain words what a check-in stores, for how long, and who to
// ask, in the kiosk's language; large enough to read from where people stand, and a
// single way back.
#include <algorithm>
#include <cmath>
#include <string>

#include "canvas.hpp"

namespace checkin::ui {

void draw_privacy(Canvas& c) {
  const Theme& th = c.theme;
  const auto& p = c.view.privacy;
  const float top = draw_top_bar(c, false) + c.g;
  const float w = std::min(c.W - 2 * c.m, c.u * 40);
  const float x = (c.W - w) / 2;

  const std::string close = c.t("privacy.close");
  const float close_w = std::max(c.T * 2.5f, c.measure(c.fonts.button, close).x + c.u * 2);
  const Rect close_r{(c.W - close_w) / 2, c.H - c.m - c.T, close_w, c.T};

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

  // The biggest body font whose lines fit between the title and the close button.
  const std::string title = c.t("privacy.title");
  const ImFont* big = c.pick_font({c.fonts.large, c.fonts.button}, title, w, 2);
  const float title_h = c.measure(big, title, w).y;
  const float room = close_r.y - c.g * 2 - top - title_h - c.g * 1.5f;
  const ImFont* font = c.fonts.small;
  for (const ImFont* candidate : {c.fonts.body, c.fonts.button, c.fonts.small}) {
    float h = 0;
    for (const auto& line : lines) h += c.measure(candidate, line, w - c.u).y + c.g * 0.6f;
    if (h <= room) {
      font = candidate;
      break;
    }
  }

  float y = top;
  y += c.text(big, title, ImVec2(x, y), w, th.text, th.background);
  y += c.g * 1.5f;
  const float dot = std::max(3.f, c.px(font) * 0.12f);
  for (const auto& line : lines) {
    const float line_top = y;
    c.dl()->AddCircleFilled(ImVec2(x + dot, line_top + c.px(font) * 0.55f), dot, th.text_muted.packed());
    y += c.text(font, line, ImVec2(x + c.u, y), w - c.u, th.text, th.background) + c.g * 0.6f;
  }
  if (c.button("close", close_r, close, ButtonStyle::primary)) c.emit({Intent::Kind::dismiss});
}

}  // namespace checkin::ui
