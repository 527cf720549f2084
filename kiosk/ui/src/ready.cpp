// SPDX-License-Identifier: AGPL-3.0-or-later
// Ready: what is open now, "show your pass to the camera" with a small live preview, and
// the ways in without a pass.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"

namespace checkin::ui {

namespace {

// The camera box: the live picture (mirrored, like a mirror, so people can aim their
// phone), or a calm word on why there is none.
void draw_camera(Canvas& c, Rect box) {
  const auto& ready = c.view.ready;
  const Theme& th = c.theme;
  if (ready.camera == CameraState::missing) {
    c.fill(box, th.notice);
    c.push_background(th.notice);
    const float icon = std::min(box.h * 0.3f, c.u * 2.2f);
    float y = box.y + c.g;
    const std::string title = c.t("ready.camera_missing");
    const std::string hint = c.t("ready.use_scanner");
    const float inner_w = box.w - 2 * c.g;
    const float text_h = c.measure(c.fonts.body, title, inner_w).y + c.g + c.measure(c.fonts.button, hint, inner_w).y;
    y = box.y + std::max(c.g, (box.h - icon - c.g - text_h) / 2);
    c.icon(Icon::camera_off, ImVec2(box.x + box.w / 2, y + icon / 2), icon, th.notice_text);
    y += icon + c.g;
    y += c.text_in({c.fonts.body, c.fonts.small}, title, {box.x + c.g, y, inner_w, box.bottom() - y}, th.notice_text,
                   th.notice, Align::center);
    y += c.g;
    c.text_in({c.fonts.button, c.fonts.small}, hint, {box.x + c.g, y, inner_w, box.bottom() - y}, th.notice_text,
              th.notice, Align::center);
    c.pop_background();
    return;
  }
  c.fill(box, th.camera_frame);
  if (ready.camera == CameraState::ok && c.preview_texture && ready.preview.width > 0 && ready.preview.height > 0) {
    // Fit the picture inside the box, keeping its shape.
    const float aspect = static_cast<float>(ready.preview.width) / static_cast<float>(ready.preview.height);
    float w = box.w, h = box.w / aspect;
    if (h > box.h) {
      h = box.h;
      w = h * aspect;
    }
    const ImVec2 a(box.x + (box.w - w) / 2, box.y + (box.h - h) / 2);
    c.dl()->AddImageRounded(c.preview_texture, a, ImVec2(a.x + w, a.y + h), ImVec2(1, 0), ImVec2(0, 1),
                            IM_COL32_WHITE, c.rounding);
    // Corner marks framing the picture. They stay near its edges so they never cross a
    // code held up close (the screen's preview must stay readable, for people and tests).
    const float len = std::min(w, h) * 0.12f, inset = std::min(w, h) * 0.03f, thick = std::max(3.f, c.u * 0.14f);
    const ImU32 mark = IM_COL32(255, 255, 255, 210);
    const ImVec2 p0(a.x + inset, a.y + inset), p1(a.x + w - inset, a.y + h - inset);
    auto corner = [&](ImVec2 p, float dx, float dy) {
      c.dl()->AddLine(p, ImVec2(p.x + dx * len, p.y), mark, thick);
      c.dl()->AddLine(p, ImVec2(p.x, p.y + dy * len), mark, thick);
    };
    corner(p0, 1, 1);
    corner(ImVec2(p1.x, p0.y), -1, 1);
    corner(ImVec2(p0.x, p1.y), 1, -1);
    corner(p1, -1, -1);
    return;
  }
  // Starting (or no picture yet).
  const Color ink = Color::hex(0xFFFFFF);
  const float icon = std::min(box.h * 0.32f, c.u * 2.2f);
  const std::string words = c.t("ready.camera_starting");
  const float text_h = c.measure(c.fonts.small, words, box.w - 2 * c.g).y;
  const float y = box.y + std::max(c.g, (box.h - icon - c.g - text_h) / 2);
  c.icon(Icon::camera, ImVec2(box.x + box.w / 2, y + icon / 2), icon, ink);
  c.push_background(th.camera_frame);
  c.text_in({c.fonts.small}, words, {box.x + c.g, y + icon + c.g, box.w - 2 * c.g, box.bottom() - y - icon - c.g},
            ink, th.camera_frame, Align::center);
  c.pop_background();
}

// The sessions open now, as calm cards; what does not fit is counted, not cut. Cards get
// more compact (title and time on one line) when the screen is short.
void draw_open_now(Canvas& c, Rect area) {
  const Theme& th = c.theme;
  const auto& sessions = c.view.ready.open_now;
  float y = area.y;
  y += c.text_in({c.fonts.button}, c.t("ready.open_now"), {area.x, y, area.w, c.u * 1.3f}, th.text_muted,
                 th.background);
  y += c.g * 0.8f;
  const float pad = std::round(c.u * 0.45f);
  const float line1 = c.px(c.fonts.button), line2 = c.px(c.fonts.small);
  const float gap = std::round(c.g * 0.6f);
  const int total = static_cast<int>(sessions.size());
  const float more_h = line2 * 1.3f;
  auto fitting = [&](float card_h) {
    const int all = static_cast<int>((area.bottom() - y + gap) / (card_h + gap));
    if (all >= total) return total;
    return std::max(0, static_cast<int>((area.bottom() - y - more_h + gap) / (card_h + gap)));
  };
  float card_h = std::round(pad * 2 + line1 * 1.18f + line2);
  bool compact = false;
  if (fitting(card_h) < std::min(total, 3)) {
    const float compact_h = std::round(pad * 1.2f + line1 * 1.25f);
    if (fitting(compact_h) > fitting(card_h)) {
      compact = true;
      card_h = compact_h;
    }
  }
  const int shown = fitting(card_h);
  for (int i = 0; i < shown; ++i) {
    const auto& card = sessions[static_cast<std::size_t>(i)];
    const Rect r{area.x, y, area.w, card_h};
    c.fill(r, th.surface);
    c.outline(r, th.border, 1.f);
    c.push_background(th.surface);
    const float icon = line1 * 1.1f;
    c.icon(card.discreet ? Icon::people : Icon::clock, ImVec2(r.x + pad + icon / 2, r.y + card_h / 2), icon,
           th.surface_muted);
    const float tx = r.x + pad * 2 + icon;
    const float tw = r.right() - pad - tx;
    const std::string title = session_title(c, card);
    const std::string details = session_details(c, card);
    if (compact) {
      // Title, then the time (no room: there is no space for it) on the same line.
      const std::string& time = card.time_range;
      const float time_w = std::min(tw * 0.45f, c.measure(c.fonts.small, time).x + 1);
      const float ty = r.y + (card_h - line1 * 1.1f) / 2;
      c.text_in({c.fonts.button, c.fonts.small}, title, {tx, ty, tw - time_w - c.g, line1 * 1.1f}, th.surface_text,
                th.surface);
      c.text_in({c.fonts.small}, time, {r.right() - pad - time_w, r.y + (card_h - line2 * 1.1f) / 2, time_w,
                                        line2 * 1.1f},
                th.surface_muted, th.surface, Align::right);
    } else {
      c.text_in({c.fonts.button, c.fonts.small}, title, {tx, r.y + pad, tw, line1 * 1.1f}, th.surface_text,
                th.surface);
      c.text_in({c.fonts.small}, details, {tx, r.y + pad + line1 * 1.18f, tw, line2 * 1.1f}, th.surface_muted,
                th.surface);
    }
    c.pop_background();
    y += card_h + gap;
  }
  if (shown < total)
    c.text(c.fonts.small, c.f("ready.more_open", {{"count", std::to_string(total - shown)}}), ImVec2(area.x, y),
           area.w, th.text_muted, th.background);
}

// "No pass?" and "Check in anonymously", when some open session allows them, and always
// "What do we record?": side by side in `row`, or one above the other when `stacked`.
int ways_in_count(const Canvas& c) {
  return (c.view.ready.walk_in_available ? 1 : 0) + (c.view.ready.anonymous_available ? 1 : 0) + 1;
}

void draw_ways_in(Canvas& c, Rect area, bool stacked) {
  const auto& ready = c.view.ready;
  std::vector<std::pair<std::string, std::string>> buttons;  // name, label
  if (ready.walk_in_available) buttons.emplace_back("no_pass", c.t("ready.no_pass"));
  if (ready.anonymous_available) buttons.emplace_back("anonymous", c.t("ready.anonymous"));
  buttons.emplace_back("privacy", c.t("privacy.button"));
  const float n = static_cast<float>(buttons.size());
  float w = area.w, x = area.x, y = area.y;
  if (!stacked) {
    w = std::min((area.w - (n - 1) * c.g) / n, std::max(c.u * 12, area.w * 0.34f));
    x = area.x + (area.w - (n * w + (n - 1) * c.g)) / 2;
  }
  for (const auto& [name, label] : buttons) {
    const Icon icon = name == "no_pass" ? Icon::person : name == "privacy" ? Icon::info : Icon::people;
    const auto kind = name == "no_pass"     ? Intent::Kind::open_no_pass
                      : name == "privacy"   ? Intent::Kind::open_privacy
                                            : Intent::Kind::open_anonymous;
    if (c.button(name, {x, y, w, c.T}, label, ButtonStyle::normal, icon)) c.emit({kind});
    if (stacked)
      y += c.T + c.g;
    else
      x += w + c.g;
  }
}

}  // namespace

void draw_ready(Canvas& c) {
  const Theme& th = c.theme;
  const auto& ready = c.view.ready;
  const float top = draw_top_bar(c, true) + c.g;
  const int ways = ways_in_count(c);

  // Nothing open: say so, and what opens next, instead of asking for a pass to refuse.
  const bool closed = ready.open_now.empty();
  std::string prompt = c.t(ready.camera == CameraState::missing ? "ready.prompt_scanner" : "ready.prompt");
  std::string hint = c.t(ready.camera == CameraState::missing ? "ready.hint_scanner" : "ready.hint");
  if (closed) {
    prompt = c.t("ready.nothing_open");
    hint = ready.next.id.empty() ? c.t("ready.closed_hint")
                                 : c.f(ready.next_tomorrow ? "ready.next_tomorrow" : "ready.next_today",
                                       {{"session", session_title(c, ready.next)}, {"time", ready.next.time_range}});
  }
  const float aspect = ready.preview.width > 0 && ready.preview.height > 0
                           ? static_cast<float>(ready.preview.width) / static_cast<float>(ready.preview.height)
                           : 4.f / 3.f;

  if (!c.portrait) {
    // Left: the prompt and what is open. Right: the camera, and under it the ways in
    // without a pass.
    const float bottom = c.H - c.m;
    const float buttons_h = static_cast<float>(ways) * (c.T + c.g);
    const float right_w = std::round(std::clamp(c.W * 0.38f, c.u * 11, c.u * 20));
    const float cam_top = top + c.g * 0.5f;
    const float cam_max_h = bottom - cam_top - buttons_h - c.g;
    float cam_h = std::min(right_w / aspect, cam_max_h);
    if (ready.camera == CameraState::missing) cam_h = std::min(cam_max_h, std::max(cam_h, right_w * 0.8f));
    // A short screen leaves less height than the picture wants: keep its shape, centred.
    const float cam_w = ready.camera == CameraState::missing ? right_w : std::min(right_w, cam_h * aspect);
    const Rect cam{c.W - c.m - right_w + (right_w - cam_w) / 2, cam_top, cam_w, cam_h};
    draw_camera(c, cam);
    const float right_x = c.W - c.m - right_w;
    draw_ways_in(c, {right_x, cam.bottom() + c.g * 1.5f, right_w, buttons_h}, true);

    const float left_w = right_x - c.m * 2;
    float y = top;
    const ImFont* big = c.pick_font({c.fonts.huge, c.fonts.large}, prompt, left_w, 2);
    y += c.text(big, prompt, ImVec2(c.m, y), left_w, th.text, th.background);
    y += c.g * 0.8f;
    y += c.text_in({c.fonts.body, c.fonts.small}, hint, {c.m, y, left_w, c.u * 2.5f}, th.text_muted, th.background);
    y += c.g * 2;
    if (!closed) draw_open_now(c, {c.m, y, left_w, bottom - y});
    return;
  }

  // Portrait: prompt, camera, sessions, and the ways in at the bottom (within reach
  // from a wheelchair).
  const float w = c.W - 2 * c.m;
  const float ways_h = static_cast<float>(ways) * (c.T + c.g);
  const float bottom = c.H - c.m - ways_h;
  if (ways > 0) {
    const float bw = std::min(w, c.u * 18);
    draw_ways_in(c, {c.m + (w - bw) / 2, c.H - c.m - ways_h + c.g, bw, ways_h}, true);
  }
  float y = top + c.g;
  const ImFont* big = c.pick_font({c.fonts.huge, c.fonts.large}, prompt, w, 3);
  y += c.text(big, prompt, ImVec2(c.m, y), w, th.text, th.background, Align::center);
  y += c.g;
  y += c.text(c.fonts.body, hint, ImVec2(c.m, y), w, th.text_muted, th.background, Align::center);
  y += c.g * 2;
  float cam_w = std::min(w * 0.75f, (bottom - y) * 0.45f * aspect);
  float cam_h = cam_w / aspect;
  if (ready.camera == CameraState::missing) cam_h = std::max(cam_h, cam_w * 0.6f);
  draw_camera(c, {c.m + (w - cam_w) / 2, y, cam_w, cam_h});
  y += cam_h + c.g * 3;
  if (!closed) draw_open_now(c, {c.m, y, w, bottom - y});
}

}  // namespace checkin::ui
