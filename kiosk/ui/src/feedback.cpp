// SPDX-License-Identifier: AGPL-3.0-or-later
// Feedback at check-out: one tap from 1 to 5, or skip. Not linked to the person, and the
// screen says so.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"

namespace checkin::ui {

void draw_feedback(Canvas& c) {
  const Theme& th = c.theme;
  const float top = draw_top_bar(c, false) + c.g;
  const float w = c.W - 2 * c.m;

  const std::string skip = c.t("feedback.skip");
  const float skip_w = std::max(c.T * 2.5f, c.measure(c.fonts.button, skip).x + c.u * 2);
  const Rect skip_r{(c.W - skip_w) / 2, c.H - c.m - c.T, skip_w, c.T};
  const std::string note = c.t("feedback.anonymous_note");
  const float note_h = c.measure(c.fonts.small, note, w).y;

  const std::string title = c.t("feedback.title");
  const ImFont* big = c.pick_font({c.fonts.large, c.fonts.button}, title, w, 2);
  const float title_h = c.measure(big, title, w).y;

  // Five faces in a row, each a big button with its word underneath.
  const float gap = c.g;
  const float cell_w = std::min((w - 4 * gap) / 5, c.u * 7);
  const float label_h = c.px(c.fonts.button) * 2.4f;  // two lines for the longer words
  const float avail = skip_r.y - c.g * 2 - note_h - c.g - top - title_h - c.g * 2;
  const float face_d = std::max(c.u * 1.6f, std::min({cell_w * 0.5f, avail - label_h - c.g * 2, c.u * 3.f}));
  const float cell_h = std::max(kMinTouchTarget, face_d + label_h + c.g * 2);
  const float block = title_h + c.g * 2 + cell_h;
  float y = top + std::max(0.f, (skip_r.y - c.g * 2 - note_h - c.g - top - block) / 2);

  y += c.text(big, title, ImVec2(c.m, y), w, th.text, th.background, Align::center);
  y += c.g * 2;
  const float row_w = 5 * cell_w + 4 * gap;
  float x = c.m + (w - row_w) / 2;
  for (int mood = 1; mood <= 5; ++mood) {
    const Rect r{x, y, cell_w, cell_h};
    const std::string label = c.t("feedback.rating_" + std::to_string(mood));
    const bool tapped = c.touch_area("feedback:" + std::to_string(mood), r, label);
    const Color face = c.last_pressed_look() ? th.button_pressed : th.surface;
    c.fill(r, face);
    c.outline(r, th.border, th.border_width);
    c.push_background(face);
    c.face(ImVec2(r.x + r.w / 2, r.y + c.g + face_d / 2), face_d / 2, mood, face, th.surface_text);
    c.text_in({c.fonts.button, c.fonts.small}, label, {r.x + 4, r.y + c.g * 1.5f + face_d, r.w - 8, label_h},
              th.surface_text, face, Align::center);
    c.pop_background();
    if (tapped) c.emit({Intent::Kind::feedback, {}, mood});
    x += cell_w + gap;
  }

  c.text(c.fonts.small, note, ImVec2(c.m, skip_r.y - c.g * 1.5f - note_h), w, th.text_muted, th.background,
         Align::center);
  if (c.button("skip", skip_r, skip)) c.emit({Intent::Kind::skip_feedback});
}

}  // namespace checkin::ui
