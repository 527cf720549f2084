// SPDX-License-Identifier: AGPL-3.0-or-later
// The entry point: one borderless ImGui window over the whole screen, then the screen
// the view state asks for.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"

namespace checkin::ui {

std::string session_title(const Canvas& c, const SessionCard& card) {
  // A discreet program's title, when there is one, is its public alias (cards.cpp).
  if (card.title.empty()) return c.t("common.group_session");
  return card.title;
}

std::string session_details(const Canvas&, const SessionCard& card) {
  std::string details = card.time_range;
  if (!card.discreet && !card.room.empty()) details += (details.empty() ? "" : " · ") + card.room;
  return details;
}

std::string duration_words(const Canvas& c, Millis worked) {
  const auto minutes_total = std::max<long long>(0, std::chrono::duration_cast<std::chrono::minutes>(worked).count());
  const auto hours = minutes_total / 60, minutes = minutes_total % 60;
  if (hours == 0) return c.f("duration.minutes", {{"minutes", std::to_string(minutes)}});
  return c.f("duration.hours_minutes", {{"hours", std::to_string(hours)}, {"minutes", std::to_string(minutes)}});
}

Color sync_color(const Theme& theme, SyncDot dot) {
  switch (dot) {
    case SyncDot::synced: return theme.sync_ok;
    case SyncDot::pending: return theme.sync_pending;
    case SyncDot::offline:
    case SyncDot::not_enrolled: return theme.sync_offline;
    case SyncDot::needs_attention: return theme.sync_attention;
  }
  return theme.sync_offline;
}

// Shape as well as colour, so the state reads without colour vision; small and soft,
// never a warning sign.
void draw_sync_mark(Canvas& c, ImVec2 center, float r, SyncDot dot) {
  const ImU32 col = sync_color(c.theme, dot).packed();
  const float line = std::max(2.f, r * 0.32f);
  switch (dot) {
    case SyncDot::synced:  // a full dot: all sent
      c.dl()->AddCircleFilled(center, r, col, 24);
      break;
    case SyncDot::pending:  // a ring around a small dot: something on its way
      c.dl()->AddCircle(center, r - line / 2, col, 24, line);
      c.dl()->AddCircleFilled(center, r * 0.38f, col, 16);
      break;
    case SyncDot::offline:  // an empty ring: kept here for now
      c.dl()->AddCircle(center, r - line / 2, col, 24, line);
      break;
    case SyncDot::not_enrolled: {  // a short dash: not connected to anything yet
      const float h = line;
      c.dl()->AddRectFilled(ImVec2(center.x - r, center.y - h / 2), ImVec2(center.x + r, center.y + h / 2), col, h / 2);
      break;
    }
    case SyncDot::needs_attention: {  // a soft diamond: staff should look
      const float d = r * 1.15f;
      c.dl()->AddQuadFilled(ImVec2(center.x, center.y - d), ImVec2(center.x + d, center.y),
                            ImVec2(center.x, center.y + d), ImVec2(center.x - d, center.y), col);
      break;
    }
  }
}

namespace {

std::vector<std::pair<std::string, std::string>> offered_languages(const Canvas& c) {
  if (!c.view.admin.languages.empty()) return c.view.admin.languages;
  return c.translator.languages();
}

}  // namespace

float draw_top_bar(Canvas& c, bool with_staff) {
  const float top = std::round(c.g * 0.8f);
  const float h = c.T;
  float right = c.W - c.m;
  if (with_staff) {
    // Small and quiet, in the corner: for staff, not a call to action.
    if (c.button("staff", {right - h, top, h, h}, "", ButtonStyle::quiet, Icon::lock))
      c.emit({Intent::Kind::open_admin});
    right -= h + c.g;
    if (c.view.ready.sync_shown) {
      const float r = std::max(6.f, c.u * 0.22f);
      draw_sync_mark(c, ImVec2(right - r, top + h / 2), r, c.view.ready.sync);
      right -= 2 * r + c.g * 1.5f;
    }
  }

  // Language buttons, each labelled in its own language.
  const auto languages = offered_languages(c);
  std::vector<float> widths;
  float total = 0;
  for (const auto& [code, name] : languages) {
    const float w = std::max(c.T * 1.4f, std::round(c.measure(c.fonts.button, name).x + c.u * 1.4f));
    widths.push_back(w);
    total += w + c.g;
  }
  const float site_min = std::min(c.W * 0.3f, c.u * 8);
  if (languages.size() > 1) {
    if (right - total - c.m >= site_min) {
      for (std::size_t i = languages.size(); i-- > 0;) {
        const auto& [code, name] = languages[i];
        right -= widths[i];
        const bool current = code == c.view.language;
        if (c.button("language:" + code, {right, top, widths[i], h}, name,
                     current ? ButtonStyle::selected : ButtonStyle::normal) &&
            !current)
          c.emit({Intent::Kind::set_language, code});
        right -= c.g;
      }
    } else {
      // Too many to show at once: one button that steps to the next language.
      std::size_t now = 0;
      for (std::size_t i = 0; i < languages.size(); ++i)
        if (languages[i].first == c.view.language) now = i;
      const auto& next = languages[(now + 1) % languages.size()];
      const float w = *std::max_element(widths.begin(), widths.end());
      right -= w;
      if (c.button("language:next", {right, top, w, h}, next.second)) c.emit({Intent::Kind::set_language, next.first});
      right -= c.g;
    }
  }

  std::string place = c.view.site_name;
  if (!c.view.clock_text.empty()) place += (place.empty() ? "" : " · ") + c.view.clock_text;
  if (!place.empty())
    c.text_in({c.fonts.body, c.fonts.small}, place, {c.m, top, right - c.m - c.g, h}, c.theme.text_muted,
              c.theme.background, Align::left, true);
  return top + h;
}

namespace {

Fonts complete(Fonts f) {
  if (!f.small) f.small = f.body;
  if (!f.button) f.button = f.body;
  if (!f.large) f.large = f.button;
  if (!f.huge) f.huge = f.large;
  if (!f.lead) f.lead = f.body;
  return f;
}

// One borderless window over the whole screen; `screen` draws into it.
template <class Screen>
FrameReport in_kiosk_window(const ViewState& view, const DrawInput& raw_input, std::vector<Intent>& intents,
                            Screen&& screen) {
  FrameReport report;
  report.screen = view.screen;
  const ImGuiIO& io = ImGui::GetIO();
  report.width = io.DisplaySize.x;
  report.height = io.DisplaySize.y;
  if (!raw_input.fonts.body) return report;  // no fonts yet: nothing sensible to draw
  const DrawInput input{raw_input.translator, complete(raw_input.fonts), raw_input.preview_texture};

  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.f);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_ChildBorderSize, 0.f);
  constexpr ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                     ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground |
                                     ImGuiWindowFlags_NoNav;
  ImGui::Begin("##kiosk", nullptr, flags);
  ImGui::PushFont(input.fonts.body);
  // Each screen its own ID scope: a "cancel" held on one screen is not the next one's.
  ImGui::PushID(static_cast<int>(view.screen));
  {
    Canvas c(view, input, report, intents);
    c.fill({0, 0, c.W, c.H}, c.theme.background, 0);
    screen(c);
  }
  ImGui::PopID();
  ImGui::PopFont();
  ImGui::End();
  ImGui::PopStyleVar(5);
  return report;
}

void draw_problem_screen(Canvas& c, std::string_view detail) {
  const Theme& th = c.theme;
  const float w = std::min(c.W - 2 * c.m, c.u * 30);
  const float x = (c.W - w) / 2;
  const std::string title = c.t("problem.title");
  const std::string words = c.t("problem.detail");
  const std::string staff = c.t("problem.for_staff");
  const float radius = std::round(std::min(c.u * 1.8f, c.H * 0.1f));
  const ImFont* big = c.pick_font({c.fonts.huge, c.fonts.large}, title, w, 3);
  const float block = 2 * radius + c.g * 2 + c.measure(big, title, w).y + c.g + c.measure(c.fonts.lead, words, w).y +
                      c.g * 3 + c.measure(c.fonts.small, staff, w).y + c.measure(c.fonts.small, detail, w).y;
  float y = std::max(c.m, (c.H - block) / 2);
  c.icon_disc(Icon::info, ImVec2(c.W / 2, y + radius), radius, th.attention.icon, th.attention.icon_mark);
  y += 2 * radius + c.g * 2;
  y += c.text(big, title, ImVec2(x, y), w, th.text, th.background, Align::center) + c.g;
  y += c.text(c.fonts.lead, words, ImVec2(x, y), w, th.text, th.background, Align::center) + c.g * 3;
  y += c.text(c.fonts.small, staff, ImVec2(x, y), w, th.text_muted, th.background, Align::center);
  c.text_in({c.fonts.small}, detail, {x, y, w, c.H - c.m - y}, th.text_muted, th.background, Align::center);
}

}  // namespace

FrameReport draw(const ViewState& view, const DrawInput& input, std::vector<Intent>& intents) {
  return in_kiosk_window(view, input, intents, [&](Canvas& c) {
    switch (view.screen) {
      case Screen::ready: draw_ready(c); break;
      case Screen::result: draw_result(c); break;
      case Screen::choose_session: draw_choose(c); break;
      case Screen::no_pass: draw_no_pass(c); break;
      case Screen::feedback: draw_feedback(c); break;
      case Screen::admin_pin: draw_pin(c); break;
      case Screen::admin: draw_admin(c); break;
      case Screen::privacy: draw_privacy(c); break;
    }
  });
}

FrameReport draw_problem(std::string_view detail, const std::string& language, const DrawInput& input) {
  ViewState view;
  view.language = language;
  std::vector<Intent> ignored;
  return in_kiosk_window(view, input, ignored, [&](Canvas& c) { draw_problem_screen(c, detail); });
}

}  // namespace checkin::ui
