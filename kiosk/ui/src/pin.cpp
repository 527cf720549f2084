// SPDX-License-Identifier: AGPL-3.0-or-later
// The staff PIN pad. Neither the digits nor how many were typed show; the digits never
// reach the view state.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"

namespace checkin::ui {

namespace {

void draw_keypad(Canvas& c, Rect pad, float key, float gap, bool locked) {
  static constexpr const char* kLabels[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", ""};
  for (int i = 0; i < 12; ++i) {
    const Rect r{pad.x + static_cast<float>(i % 3) * (key + gap), pad.y + static_cast<float>(i / 3) * (key + gap), key,
                 key};
    if (i == 9) {
      if (c.button("pin:erase", r, c.t("pin.clear"), ButtonStyle::key, Icon::none, !locked))
        c.emit({Intent::Kind::pin_erase});
    } else if (i == 11) {
      if (c.button("pin:ok", r, c.t("pin.ok"), ButtonStyle::primary, Icon::none, !locked))
        c.emit({Intent::Kind::pin_submit});
    } else {
      const int digit = kLabels[i][0] - '0';
      if (c.button("pin:" + std::to_string(digit), r, kLabels[i], ButtonStyle::key, Icon::none, !locked))
        c.emit({Intent::Kind::pin_digit, {}, digit});
    }
  }
}

// Heading, dots and message; returns the height used.
float draw_pin_words(Canvas& c, float x, float y, float w, Align align, bool measure_only) {
  const Theme& th = c.theme;
  const auto& pin = c.view.pin;
  const float y0 = y;
  const std::string title = c.t("pin.title");
  const std::string hint = c.t("pin.hint");
  if (measure_only) {
    y += c.measure(c.fonts.large, title, w).y + c.g;
    y += c.measure(c.fonts.body, hint, w).y + c.g * 2;
  } else {
    y += c.text(c.fonts.large, title, ImVec2(x, y), w, th.text, th.background, align) + c.g;
    y += c.text(c.fonts.body, hint, ImVec2(x, y), w, th.text_muted, th.background, align) + c.g * 2;
  }
  // Four dots, all hollow until a digit is typed, then all filled: someone looking on does
  // not learn the PIN's length. The clear key starts again.
  constexpr int kPlaces = 4;
  const float r = std::round(c.u * 0.36f), step = r * 3.2f;
  const float dots_w = static_cast<float>(kPlaces - 1) * step + 2 * r;
  if (!measure_only) {
    float dx = (align == Align::center ? x + (w - dots_w) / 2 : x) + r;
    for (int i = 0; i < kPlaces; ++i, dx += step) {
      const ImVec2 center(dx, y + r);
      if (pin.digits_entered > 0)
        c.dl()->AddCircleFilled(center, r, th.text.packed(), 24);
      else
        c.dl()->AddCircle(center, r, th.text_muted.packed(), 24, std::max(2.f, c.u * 0.08f));
    }
  }
  y += 2 * r + c.g * 2;
  // The message's place is kept when there is none, so nothing moves when it goes.
  const float pad = std::round(c.u * 0.5f), icon = c.u * 1.2f;
  const float tw = w - 3 * pad - icon;
  const float place = std::max(c.measure(c.fonts.body, c.t("pin.wrong"), tw).y,
                               c.measure(c.fonts.body, c.f("pin.locked", {{"seconds", "300"}}), tw).y) +
                      2 * pad;
  std::string message;
  if (pin.locked_seconds > 0)
    message = c.f("pin.locked", {{"seconds", std::to_string(pin.locked_seconds)}});
  else if (pin.wrong)
    message = c.t("pin.wrong");
  if (!message.empty() && !measure_only) {
    const Rect box{x, y, w, place};
    c.fill(box, th.notice);
    c.push_background(th.notice);
    c.icon(pin.locked_seconds > 0 ? Icon::clock : Icon::info, ImVec2(x + pad + icon / 2, y + box.h / 2), icon,
           th.notice_text);
    c.text(c.fonts.body, message, ImVec2(x + 2 * pad + icon, y + pad), tw, th.notice_text, th.notice);
    c.pop_background();
  }
  y += place + c.g;
  return y - y0;
}

}  // namespace

void draw_pin(Canvas& c) {
  const bool locked = c.view.pin.locked_seconds > 0;
  const std::string cancel = c.t("common.cancel");
  const float cancel_w = std::max(c.T * 2.5f, c.measure(c.fonts.button, cancel).x + c.u * 2);
  const float gap = c.g;

  if (!c.portrait) {
    // Words on the left, keypad on the right, the pair centred on the screen.
    const float avail_h = c.H - 2 * c.m;
    const float key = std::floor(std::clamp((avail_h - 3 * gap) / 4, kMinTouchTarget, c.T * 1.4f));
    const float pad_w = 3 * key + 2 * gap, pad_h = 4 * key + 3 * gap;
    const float words_w = std::min(c.W - 3 * c.m - pad_w, c.u * 18);
    const float x = std::round((c.W - words_w - c.m * 2 - pad_w) / 2);
    const Rect pad{x + words_w + c.m * 2, (c.H - pad_h) / 2, pad_w, pad_h};
    draw_keypad(c, pad, key, gap, locked);
    const float words_h = draw_pin_words(c, x, 0, words_w, Align::left, true);
    const float y = std::max(c.m, (c.H - c.T - c.g - words_h) / 2);
    draw_pin_words(c, x, y, words_w, Align::left, false);
    if (c.button("cancel", {x, std::min(c.H - c.m - c.T, y + words_h + c.g), cancel_w, c.T}, cancel))
      c.emit({Intent::Kind::dismiss});
    return;
  }

  // Portrait: words, keypad, cancel, centred.
  const float w = c.W - 2 * c.m;
  const float words_h = draw_pin_words(c, c.m, 0, w, Align::center, true);
  const float key = std::floor(std::clamp((c.H * 0.5f - 3 * gap) / 4, kMinTouchTarget, std::min(c.T * 1.6f, (w - 2 * gap) / 3)));
  const float pad_w = 3 * key + 2 * gap, pad_h = 4 * key + 3 * gap;
  const float block = words_h + pad_h + c.g * 2 + c.T;
  float y = std::max(c.m, (c.H - block) / 2);
  y += draw_pin_words(c, c.m, y, w, Align::center, false);
  draw_keypad(c, {(c.W - pad_w) / 2, y, pad_w, pad_h}, key, gap, locked);
  y += pad_h + c.g * 2;
  if (c.button("cancel", {(c.W - cancel_w) / 2, y, cancel_w, c.T}, cancel)) c.emit({Intent::Kind::dismiss});
}

}  // namespace checkin::ui
