// SPDX-License-Identifier: AGPL-3.0-or-later
// Result: one calm screen per outcome - colour, icon and words together. Refusals all look
// and read the same ("Please see a volunteer"): the reason is for staff, not the doorway.
#include <algorithm>
#include <cmath>

#include "canvas.hpp"

namespace checkin::ui {

namespace {

struct Look {
  const Tone* tone;
  Icon icon;
  std::string title;
  std::string detail;
};

Look look_for(const Canvas& c, const ResultView& r) {
  const Theme& th = c.theme;
  // A discreet program never shows a name, whatever the caller passed.
  const std::string name = r.discreet ? std::string() : r.name;
  const bool named = !name.empty();
  auto titled = [&](std::string_view key) {
    const std::string base(key);
    return named ? c.f(base + ".title_name", {{"name", name}}) : c.t(base + ".title");
  };
  if (needs_volunteer(r.outcome))
    return {&th.attention, Icon::talk, c.t("result.see_volunteer.title"), c.t("result.see_volunteer.detail")};
  switch (r.outcome) {
    case Outcome::checked_in:
      return {&th.success, Icon::check, titled("result.checked_in"), named ? c.t("result.checked_in.detail") : ""};
    case Outcome::checked_out:
      return {&th.success, Icon::heart, titled("result.checked_out"), c.t("result.checked_out.detail")};
    case Outcome::shift_started:
      return {&th.success, Icon::clock, titled("result.shift_started"),
              r.shift_started.empty() ? c.t("result.shift_started.detail_no_time")
                                      : c.f("result.shift_started.detail", {{"time", r.shift_started}})};
    case Outcome::shift_ended:
      return {&th.success, Icon::heart, titled("result.shift_ended"),
              r.shift_duration.count() > 0
                  ? c.f("result.shift_ended.detail", {{"duration", duration_words(c, r.shift_duration)}})
                  : c.t("result.shift_ended.detail_no_time")};
    case Outcome::already_checked_in:
      return {&th.info, Icon::check, titled("result.already_checked_in"), c.t("result.already_checked_in.detail")};
    case Outcome::choose_session:
      return {&th.info, Icon::info, c.t("result.choose_session.title"), c.t("result.choose_session.detail")};
    default: break;
  }
  return {&th.attention, Icon::talk, c.t("result.see_volunteer.title"), c.t("result.see_volunteer.detail")};
}

}  // namespace

void draw_result(Canvas& c) {
  const auto& r = c.view.result;
  const Look look = look_for(c, r);
  const Tone& tone = *look.tone;
  const bool refusal = needs_volunteer(r.outcome);

  // The whole screen is the "continue" button.
  if (c.touch_area("dismiss", {0, 0, c.W, c.H}, c.t("result.tap_to_continue"))) c.emit({Intent::Kind::dismiss});
  c.fill({0, 0, c.W, c.H}, tone.background, 0);
  c.push_background(tone.background);

  const float col_w = std::min(c.W - 2 * c.m, c.u * (c.portrait ? 24.f : 30.f));
  const float x = (c.W - col_w) / 2;
  // A refusal says nothing of why; only a neutral reference staff look up on the admin screen.
  const std::string where = refusal ? (r.reference.empty() ? std::string() : c.f("result.reference", {{"reference", r.reference}}))
                            : r.discreet ? (r.group ? c.t("result.your_group") : std::string())
                                         : r.where;

  // Measure first, then centre the block vertically above the footer.
  const float footer_h = c.px(c.fonts.small) * 1.5f + c.m;
  const float radius = std::round(std::min({c.u * 2.4f, c.H * 0.12f, c.W * 0.14f}));
  const ImFont* title_font = c.pick_font({c.fonts.huge, c.fonts.large}, look.title, col_w, 3);
  const float title_h = c.measure(title_font, look.title, col_w).y;
  const ImFont* detail_font = c.pick_font({c.fonts.lead, c.fonts.body}, look.detail, col_w, 3);
  const float detail_h = look.detail.empty() ? 0 : c.measure(detail_font, look.detail, col_w).y + c.g * 1.2f;
  const float where_h = where.empty() ? 0 : c.measure(c.fonts.body, where, col_w).y + c.g;
  const float block = 2 * radius + c.g * 2 + title_h + detail_h + where_h;
  float y = std::max(c.m, (c.H - footer_h - block) / 2);

  c.icon_disc(look.icon, ImVec2(c.W / 2, y + radius), radius, tone.icon, tone.icon_mark);
  y += 2 * radius + c.g * 2;
  y += c.text(title_font, look.title, ImVec2(x, y), col_w, tone.text, tone.background, Align::center);
  if (!look.detail.empty()) {
    y += c.g * 1.2f;
    // Volunteers' times and the like are the point of the screen: large, not bold.
    y += c.text(detail_font, look.detail, ImVec2(x, y), col_w, tone.text, tone.background, Align::center);
  }
  if (!where.empty()) {
    y += c.g;
    c.text(c.fonts.body, where, ImVec2(x, y), col_w, tone.text, tone.background, Align::center);
  }

  // Footer: how to go on, and (subtly) how long until it goes on by itself.
  const std::string hint = c.t("result.tap_to_continue");
  const float fy = c.H - c.m - c.px(c.fonts.small) * 1.2f;
  const float ring = std::round(c.px(c.fonts.small) * 0.8f);
  const float hint_w = std::min(c.measure(c.fonts.small, hint).x, c.W - 2 * c.m - 3 * ring);
  const float total = hint_w + (r.seconds_left > 0 ? c.g + 2 * ring : 0);
  const float hx = (c.W - total) / 2;
  c.text(c.fonts.small, hint, ImVec2(hx, fy), hint_w + 1, tone.text, tone.background);
  if (r.seconds_left > 0) {
    const ImVec2 center(hx + hint_w + c.g + ring, fy + c.px(c.fonts.small) * 0.55f);
    c.dl()->AddCircle(center, ring, tone.icon.packed(), 32, std::max(2.f, c.u * 0.08f));
    const std::string secs = std::to_string(r.seconds_left);
    const ImVec2 size = c.measure(c.fonts.small, secs);
    c.text(c.fonts.small, secs, ImVec2(center.x - size.x / 2, center.y - size.y / 2), size.x + 1, tone.text,
           tone.background);
  }
  c.pop_background();
}

}  // namespace checkin::ui
