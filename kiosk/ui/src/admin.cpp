// SPDX-License-Identifier: AGPL-3.0-or-later
// The admin screen, behind the PIN: what this kiosk serves, check in by name, sync, export
// and settings.
// Staff see refusal reasons here, never on the public screens. Names of people checked in
// appear only when asked for, and never for discreet programs or in discreet mode.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "admin_parts.hpp"

namespace checkin::ui {

// ---- shared by the admin tabs (admin_parts.hpp) ----

float heading(Canvas& c, const std::string& title, const std::string& detail, float x, float y, float w) {
  const Theme& th = c.theme;
  const float y0 = y;
  y += c.text(c.fonts.large, title, ImVec2(x, y), w, th.text, th.background);
  if (!detail.empty()) y += c.g * 0.4f + c.text(c.fonts.small, detail, ImVec2(x, y), w, th.text_muted, th.background);
  return y - y0 + c.g;
}

float note_box(Canvas& c, Icon icon_kind, const std::string& head, const std::string& detail, float x, float y,
               float w, Color face, Color ink) {
  const float pad = std::round(c.u * 0.5f), icon = c.u * 1.3f;
  const float tw = w - 3 * pad - icon;
  const float th_ = c.measure(c.fonts.button, head, tw).y + (detail.empty() ? 0 : c.g * 0.3f + c.measure(c.fonts.body, detail, tw).y);
  const Rect box{x, y, w, std::max(th_, icon) + 2 * pad};
  c.fill(box, face);
  c.push_background(face);
  c.icon(icon_kind, ImVec2(box.x + pad + icon / 2, box.y + box.h / 2), icon, ink);
  float ty = box.y + pad;
  ty += c.text(c.fonts.button, head, ImVec2(box.x + 2 * pad + icon, ty), tw, ink, face);
  if (!detail.empty()) c.text(c.fonts.body, detail, ImVec2(box.x + 2 * pad + icon, ty + c.g * 0.3f), tw, ink, face);
  c.pop_background();
  return box.h;
}

void typed_text_box(Canvas& c, Rect field, std::string_view text) {
  const Theme& th = c.theme;
  c.fill(field, th.surface);
  c.outline(field, th.primary, th.border_width * 1.5f);
  c.push_background(th.surface);
  const float pad = std::round(c.u * 0.6f);
  c.text_in({c.fonts.body, c.fonts.small}, text, {field.x + pad, field.y, field.w - 2 * pad, field.h}, th.surface_text,
            th.surface, Align::left, true);
  c.pop_background();
}

float session_choice_buttons(Canvas& c, const std::string& prefix, const std::vector<SessionCard>& sessions,
                             Intent::Kind kind, float x, float y, float w) {
  const float y0 = y;
  const float h = session_button_height(c);
  for (const auto& card : sessions) {
    if (session_button(c, prefix + card.id, {x, y, std::min(w, c.u * 22), h}, card, false)) c.emit({kind, card.id});
    y += h + c.g * 0.5f;
  }
  return y - y0;
}

namespace {

// An on/off switch with the word "On" or "Off" beside it (never colour alone).
void draw_switch(Canvas& c, ImVec2 at, float h, bool on, Color under) {
  const Theme& th = c.theme;
  const float w = h * 1.8f;
  const Rect track{at.x, at.y, w, h};
  c.fill(track, on ? th.selected : th.button, h / 2);
  c.outline(track, on ? th.selected : th.text_muted, std::max(2.f, th.border_width), h / 2);
  const float r = h / 2 - std::max(4.f, h * 0.12f);
  const ImVec2 knob(on ? track.right() - h / 2 : track.x + h / 2, track.y + h / 2);
  c.dl()->AddCircleFilled(knob, r, (on ? th.selected_text : th.text_muted).packed(), 24);
  const std::string word = c.t(on ? "common.on" : "common.off");
  c.text(c.fonts.button, word, ImVec2(track.right() + c.g, at.y + (h - c.px(c.fonts.button)) / 2),
         c.measure(c.fonts.button, word).x + 1, th.text, under);
}

float switch_width(const Canvas& c, float h) {
  return h * 1.8f + c.g + std::max(c.measure(c.fonts.button, c.t("common.on")).x,
                                   c.measure(c.fonts.button, c.t("common.off")).x);
}

// A whole row that toggles a setting: words on the left, the switch on the right.
bool toggle_row(Canvas& c, const std::string& name, Rect r, const std::string& label, const std::string& detail,
                bool on) {
  const Theme& th = c.theme;
  const bool tapped = c.touch_area(name, r, label);
  const Color face = c.last_pressed_look() ? th.button_pressed : th.surface;
  c.fill(r, face);
  c.outline(r, th.border, 1.f);
  c.push_background(face);
  const float pad = std::round(c.u * 0.5f);
  const float sh = std::round(c.T * 0.55f);
  const float sw = switch_width(c, sh);
  draw_switch(c, ImVec2(r.right() - pad - sw, r.y + (r.h - sh) / 2), sh, on, face);
  const float tw = r.w - 3 * pad - sw;
  const float line1 = c.px(c.fonts.button) * 1.2f;
  const float total = line1 + (detail.empty() ? 0 : c.measure(c.fonts.small, detail, tw).y);
  float y = r.y + std::max(pad * 0.5f, (r.h - total) / 2);
  c.text_in({c.fonts.button, c.fonts.small}, label, {r.x + pad, y, tw, line1}, th.surface_text, face);
  y += line1;
  if (!detail.empty()) c.text(c.fonts.small, detail, ImVec2(r.x + pad, y), tw, th.surface_muted, face);
  c.pop_background();
  return tapped;
}

float row_height(const Canvas& c, const std::string& detail, float text_w) {
  const float pad = std::round(c.u * 0.5f);
  const float h = c.px(c.fonts.button) * 1.2f + (detail.empty() ? 0 : c.measure(c.fonts.small, detail, text_w).y);
  return std::max(c.T, std::round(h + 2 * pad));
}

std::string outcome_words(const Canvas& c, const std::string& code) {
  const std::string key = "outcome." + code;
  const auto* english = c.translator.catalog("en");
  if (english && english->contains(key)) return c.t(key);
  return code;  // an outcome this build has no words for: the code is still useful to staff
}

float draw_recent_tab(Canvas& c, ImVec2 o, float w);

float draw_sessions_tab(Canvas& c, ImVec2 o, float w) {
  const Theme& th = c.theme;
  const auto& admin = c.view.admin;
  float y = o.y;
  // Someone without their pass: found by name, checked in. While typing, nothing else.
  y += draw_find_by_name(c, o.x, y, w);
  if (admin.find.active) return y - o.y;
  y += heading(c, c.t("admin.sessions.title"), c.t("admin.sessions.detail"), o.x, y, w);
  if (admin.sessions.empty()) {
    y += c.text(c.fonts.body, c.t("admin.sessions.none"), ImVec2(o.x, y), w, th.text, th.background) + c.g * 2;
  }
  const float pad = std::round(c.u * 0.5f);
  const float sh = std::round(c.T * 0.55f);
  const float sw = switch_width(c, sh) + 2 * pad;
  const std::string names_label = c.t("admin.sessions.names");
  const std::string hide_label = c.t("admin.sessions.hide_names");
  const float names_w = std::max({c.T * 1.8f, c.measure(c.fonts.button, names_label).x + c.u * 1.5f,
                                  std::min(w * 0.3f, c.measure(c.fonts.button, hide_label).x + c.u * 1.5f)});
  for (const auto& card : admin.sessions) {
    const bool names_allowed = !card.discreet && !admin.discreet_mode;
    const std::string title = session_title(c, card);
    const std::string count = c.f(card.is_shift ? "admin.sessions.on_shift" : "admin.sessions.count",
                                  {{"count", std::to_string(card.checked_in)}});
    const std::string details = session_details(c, card) + (session_details(c, card).empty() ? "" : " · ") + count;
    // The text takes the names button's room where there is none (discreet programs).
    const float text_w = w - sw - (names_allowed ? names_w + 4 * c.g : 2 * c.g);
    const float rh = row_height(c, details, text_w);
    const Rect row{o.x, y, w, rh};
    c.fill(row, th.surface);
    c.outline(row, th.border, 1.f);
    c.push_background(th.surface);
    const Rect toggle{row.x, row.y, sw, rh};
    if (c.touch_area("served:" + card.id, toggle, c.t(card.served ? "common.on" : "common.off")))
      c.emit({Intent::Kind::toggle_served, card.id});
    draw_switch(c, ImVec2(toggle.x + pad, toggle.y + (rh - sh) / 2), sh, card.served, th.surface);
    const float tx = toggle.right() + c.g;
    float ty = row.y + pad;
    ty += c.text_in({c.fonts.button, c.fonts.small}, title, {tx, ty, text_w, c.px(c.fonts.button) * 1.2f},
                    th.surface_text, th.surface);
    c.text(c.fonts.small, details, ImVec2(tx, ty + 2), text_w, th.surface_muted, th.surface);
    c.pop_background();
    const Rect names_r{row.right() - names_w - pad * 0.5f, row.y + (rh - c.T) / 2, names_w, c.T};
    const bool showing = admin.names_session == card.id;
    if (names_allowed) {
      if (c.button("names:" + card.id, names_r, showing ? hide_label : names_label,
                   showing ? ButtonStyle::selected : ButtonStyle::normal))
        c.emit({Intent::Kind::show_names, showing ? std::string() : card.id});
    }
    y += rh + c.g * 0.6f;
    if (showing && names_allowed) {
      std::string names;
      for (const auto& name : admin.names) names += (names.empty() ? "" : ", ") + name;
      // Everyone the count counts: the named, then those nobody here can name.
      if (admin.names_pass_holders > 0)
        names += (names.empty() ? "" : ", ") +
                 c.f("admin.sessions.pass_holders", {{"count", std::to_string(admin.names_pass_holders)}});
      if (admin.names_anonymous > 0)
        names += (names.empty() ? "" : ", ") +
                 c.f("admin.sessions.anonymous", {{"count", std::to_string(admin.names_anonymous)}});
      if (names.empty()) names = c.t(card.is_shift ? "admin.sessions.no_one_on_shift" : "admin.sessions.no_names");
      const float box_w = w - c.u;
      const float nh = c.measure(c.fonts.body, names, box_w - 2 * pad).y + 2 * pad;  // as wide as it is drawn
      const Rect box{o.x + c.u, y, box_w, nh};
      c.fill(box, th.surface);
      c.push_background(th.surface);
      c.text(c.fonts.body, names, ImVec2(box.x + pad, box.y + pad), box.w - 2 * pad, th.surface_text, th.surface);
      c.pop_background();
      y += nh + c.g;
    }
  }
  y += c.g * 2;
  y += heading(c, c.t("admin.refusals.title"), c.t("admin.refusals.detail"), o.x, y, w);
  if (admin.refusals.empty())
    y += c.text(c.fonts.body, c.t("admin.refusals.none"), ImVec2(o.x, y), w, th.text, th.background) + c.g;
  for (const auto& note : admin.refusals) {
    // The reference the refusal screen showed, what happened and what to do, in the kiosk's
    // language; the technical detail last, small, for whoever fixes it.
    const std::string line = note.id + " · " + note.time + " · " + outcome_words(c, note.outcome);
    y += c.text(c.fonts.button, line, ImVec2(o.x, y), w, th.text, th.background);
    const std::string advice_key = "admin.refusals.advice." + note.outcome;
    if (const auto* english = c.translator.catalog("en"); english && english->contains(advice_key))
      y += c.text(c.fonts.body, c.t(advice_key), ImVec2(o.x + c.u, y), w - c.u, th.text, th.background);
    if (!note.reason.empty())
      y += c.text(c.fonts.small, c.f("admin.refusals.detail_line", {{"detail", note.reason}}), ImVec2(o.x + c.u, y),
                  w - c.u, th.text_muted, th.background);
    if (note.let_in_done) {
      y += c.g * 0.3f + c.text(c.fonts.body, c.t("admin.refusals.let_in_done"), ImVec2(o.x + c.u, y), w - c.u, th.text,
                               th.background);
    } else if (!note.let_in.empty() && admin.let_in_asked == note.id) {
      y += c.g * 0.3f + c.text(c.fonts.body, c.t("admin.refusals.let_in_where"), ImVec2(o.x + c.u, y), w - c.u, th.text,
                               th.background) +
           c.g * 0.3f;
      y += session_choice_buttons(c, "let_in_to:", note.let_in, Intent::Kind::let_in_to_session, o.x + c.u, y, w - c.u);
    } else if (!note.let_in.empty()) {
      const std::string label = c.t("admin.refusals.let_in");
      const float bw = std::min(w - c.u, std::max(c.T * 3, c.measure(c.fonts.button, label).x + c.u * 2));
      y += c.g * 0.3f;
      if (c.button("let_in:" + note.id, {o.x + c.u, y, bw, c.T}, label)) c.emit({Intent::Kind::let_in, note.id});
      y += c.T;
    }
    y += c.g;
  }
  return y - o.y;
}

// A check-in at this site as the Recent list words it: never a name in a discreet program.
std::string recent_line(const Canvas& c, const RecentCheckIn& r) {
  std::string who;
  if (r.kind == EventKind::anonymous_checkin) who = c.t("admin.recent.anonymous");
  else if (!r.who.empty()) who = r.kind == EventKind::walk_in ? r.who + " (" + c.t("admin.recent.walk_in") + ")" : r.who;
  else who = c.t(r.kind == EventKind::walk_in ? "admin.recent.walk_in" : "admin.recent.pass_holder");
  std::string line = r.time + " · ";
  line += r.session.empty() ? c.t("admin.recent.group") : who + " · " + r.session;
  if (!r.here) line += " · " + c.t("admin.recent.other_door");
  if (r.by_staff) line += " · " + c.t("admin.recent.by_staff");
  return line;
}

float draw_recent_tab(Canvas& c, ImVec2 o, float w) {
  const Theme& th = c.theme;
  const auto& admin = c.view.admin;
  float y = o.y;
  y += heading(c, c.t("admin.recent.title"), c.t("admin.recent.detail"), o.x, y, w);
  if (!admin.correction_note.empty()) {
    const std::string note = admin.correction_note.starts_with("admin.") ? c.t(admin.correction_note) : admin.correction_note;
    y += note_box(c, Icon::info, note, "", o.x, y, w, th.surface, th.surface_text) + c.g;
  }
  if (admin.recent.empty())
    y += c.text(c.fonts.body, c.t("admin.recent.none"), ImVec2(o.x, y), w, th.text, th.background) + c.g;
  const float pad = std::round(c.u * 0.5f);
  const std::string undo = c.t("admin.recent.undo"), move = c.t("admin.recent.move");
  const float bw = std::max({c.T * 1.8f, c.measure(c.fonts.button, undo).x + c.u * 1.5f,
                             c.measure(c.fonts.button, move).x + c.u * 1.5f});
  // Narrow screens put the buttons under the words.
  const bool beside = w - 2 * bw - 3 * pad >= c.u * 10;
  for (const auto& r : admin.recent) {
    const std::string line = recent_line(c, r);
    const float text_w = beside ? w - 2 * bw - 4 * pad : w - 2 * pad;
    const float line_h = c.measure(c.fonts.body, line, text_w).y;
    const float rh = beside ? std::max(c.T, line_h) + 2 * pad : line_h + c.T + 3 * pad;
    const Rect row{o.x, y, w, rh};
    c.fill(row, th.surface);
    c.outline(row, th.border, 1.f);
    c.push_background(th.surface);
    c.text(c.fonts.body, line, ImVec2(row.x + pad, beside ? row.y + (rh - line_h) / 2 : row.y + pad), text_w,
           th.surface_text, th.surface);
    c.pop_background();
    const float by = beside ? row.y + (rh - c.T) / 2 : row.y + 2 * pad + line_h;
    const float bx = beside ? row.right() - 2 * bw - 1.5f * pad : row.x + pad;
    if (c.button("undo:" + r.event_id, {bx, by, bw, c.T}, undo)) c.emit({Intent::Kind::undo_checkin, r.event_id});
    if (c.button("move:" + r.event_id, {bx + bw + pad, by, bw, c.T}, move)) c.emit({Intent::Kind::move_checkin, r.event_id});
    y += rh + c.g * 0.5f;
    if (admin.undo_asked == r.event_id) {
      const std::string yes = c.t("admin.recent.undo_confirm"), keep = c.t("admin.recent.keep");
      const float yw = std::min(w, c.measure(c.fonts.button, yes).x + c.u * 2);
      const float kw = std::max(c.T * 1.8f, c.measure(c.fonts.button, keep).x + c.u * 2);
      if (c.button("undo_confirm:" + r.event_id, {o.x + c.u, y, yw, c.T}, yes, ButtonStyle::primary))
        c.emit({Intent::Kind::confirm_undo, r.event_id});
      const bool fits = c.u + yw + c.g + kw <= w;
      const Rect keep_r = fits ? Rect{o.x + c.u + yw + c.g, y, kw, c.T} : Rect{o.x + c.u, y + c.T + c.g, kw, c.T};
      if (c.button("undo_keep:" + r.event_id, keep_r, keep)) c.emit({Intent::Kind::cancel_staff_step});
      y += (fits ? c.T : 2 * c.T + c.g) + c.g;
    }
    if (admin.move_asked == r.event_id) {
      y += c.text(c.fonts.body, c.t("admin.recent.move_where"), ImVec2(o.x + c.u, y), w - c.u, th.text, th.background) +
           c.g * 0.3f;
      if (admin.move_to.empty())
        y += c.text(c.fonts.body, c.t("admin.recent.no_other_session"), ImVec2(o.x + c.u, y), w - c.u, th.text_muted,
                    th.background) +
             c.g * 0.3f;
      y += session_choice_buttons(c, "move_to:", admin.move_to, Intent::Kind::move_to_session, o.x + c.u, y, w - c.u);
      const std::string cancel = c.t("common.cancel");
      const float cw = std::max(c.T * 2, c.measure(c.fonts.button, cancel).x + c.u * 2);
      if (c.button("move_cancel", {o.x + c.u, y, cw, c.T}, cancel)) c.emit({Intent::Kind::cancel_staff_step});
      y += c.T + c.g;
    }
  }
  return y - o.y;
}

const char* phase_key(SyncPhase phase) {
  switch (phase) {
    case SyncPhase::disabled: return "admin.sync.state_disabled";
    case SyncPhase::not_enrolled: return "admin.sync.state_not_enrolled";
    case SyncPhase::syncing: return "admin.sync.state_syncing";
    case SyncPhase::synced: return "admin.sync.state_synced";
    case SyncPhase::retrying: return "admin.sync.state_retrying";
    case SyncPhase::needs_enrolment: return "admin.sync.state_needs_enrolment";
  }
  return "admin.sync.state_not_enrolled";
}

// A calm panel with an icon: the enrolment steps.
float draw_enrolment(Canvas& c, float x, float y, float w) {
  const Theme& th = c.theme;
  const auto& admin = c.view.admin;
  const float y0 = y;
  switch (admin.enrol) {
    case EnrolStep::none: return 0;
    case EnrolStep::waiting_for_code: {
      std::string detail = c.t("admin.enrol.waiting_detail");
      if (admin.enrol_note == EnrolNote::pass_ignored) detail = c.t("admin.enrol.pass_ignored");
      if (admin.enrol_note == EnrolNote::malformed_code)
        detail = c.f("admin.enrol.malformed", {{"reason", admin.enrol_detail}});
      const std::string cancel = c.t("common.cancel");
      const float bw = std::max(c.T * 2, c.measure(c.fonts.button, cancel).x + c.u * 2);
      const bool beside = w - bw - c.g >= c.u * 14;
      const float box_w = beside ? w - bw - c.g : w;
      const float h = note_box(c, Icon::camera, c.t("admin.enrol.waiting"), detail, x, y, box_w, th.notice, th.notice_text);
      const Rect cancel_r = beside ? Rect{x + box_w + c.g, y + (h - c.T) / 2, bw, c.T} : Rect{x, y + h + c.g, bw, c.T};
      if (c.button("enrol:cancel", cancel_r, cancel)) c.emit({Intent::Kind::cancel_enrolment});
      y += beside ? std::max(h, c.T) : h + c.g + c.T;
      break;
    }
    case EnrolStep::enrolling:
      y += note_box(c, Icon::clock, c.t("admin.enrol.enrolling"), admin.server_url, x, y, w, th.surface, th.surface_text);
      break;
    case EnrolStep::enrolled:
      y += note_box(c, Icon::check, c.f("admin.enrol.enrolled", {{"id", admin.device_id}}), "", x, y, w, th.surface,
                    th.surface_text);
      break;
    case EnrolStep::failed:
      y += note_box(c, Icon::info, c.t("admin.enrol.failed"), admin.enrol_detail, x, y, w, th.notice, th.notice_text);
      break;
  }
  return y - y0 + c.g;
}

// Naming the kiosk: the name so far, the keyboard, Save and Cancel.
float draw_naming(Canvas& c, float x, float y, float w) {
  const Theme& th = c.theme;
  const auto& admin = c.view.admin;
  const float y0 = y;
  y += c.text(c.fonts.small, c.t("admin.sync.name_hint"), ImVec2(x, y), w, th.text_muted, th.background) + c.g * 0.5f;
  const std::string save = c.t("admin.sync.save_name"), cancel = c.t("common.cancel");
  const float icon_room = std::min(c.u * 1.3f, c.T * 0.6f) + c.g;
  const float sw = std::max(c.T * 2, c.measure(c.fonts.button, save).x + icon_room + c.u * 2);
  const float cw = std::max(c.T * 2, c.measure(c.fonts.button, cancel).x + c.u * 2);
  const bool one_row = w - sw - cw - 2 * c.g >= c.u * 8;
  const float field_w = one_row ? w - sw - cw - 2 * c.g : w;
  const Rect field{x, y, field_w, c.T};
  typed_text_box(c, field, admin.naming_text);
  const float by = one_row ? y : y + c.T + c.g;
  const float bx = one_row ? field.right() + c.g : x;
  if (c.button("cancel_name", {bx, by, cw, c.T}, cancel)) c.emit({Intent::Kind::cancel_staff_step});
  if (c.button("save_name", {bx + cw + c.g, by, sw, c.T}, save, ButtonStyle::primary, Icon::check,
               !admin.naming_text.empty()))
    c.emit({Intent::Kind::save_name});
  y = by + c.T + c.g;
  const float gap = std::round(std::max(6.f, c.u * 0.22f));
  const float key_w = std::floor((std::min(w, c.u * 36) - 9 * gap) / 10);
  const float key_h = std::max(kMinTouchTarget, std::min(key_w * 0.8f, c.T));
  draw_keyboard(c, {x, y, 10 * key_w + 9 * gap, 4 * key_h + 3 * gap}, key_w, key_h, gap, admin.naming_shifted);
  y += 4 * key_h + 3 * gap + c.g;
  return y - y0;
}

float draw_sync_tab(Canvas& c, ImVec2 o, float w) {
  const Theme& th = c.theme;
  const auto& admin = c.view.admin;
  const bool enabled = admin.sync_phase != SyncPhase::disabled;
  float y = o.y;

  // The state in words, with the same mark as the Ready screen.
  const float r = std::round(c.u * 0.4f);
  const float title_w = w - 2 * r - c.g;
  if (enabled) draw_sync_mark(c, ImVec2(o.x + r * 1.2f, y + c.px(c.fonts.large) * 0.55f), r, admin.sync);
  const float tx = enabled ? o.x + 2 * r + c.g * 1.2f : o.x;
  // "Up to date" only when nothing is waiting: a check-in made since the last pass is not.
  const bool waiting = admin.sync_phase == SyncPhase::synced && admin.pending_events > 0;
  y += c.text(c.fonts.large, c.t(waiting ? "admin.sync.state_pending" : phase_key(admin.sync_phase)), ImVec2(tx, y),
              enabled ? title_w : w, th.text, th.background);
  std::string detail;
  if (admin.sync_phase == SyncPhase::disabled) detail = c.t("admin.sync.state_disabled_detail");
  if (admin.sync_phase == SyncPhase::not_enrolled && admin.enrol == EnrolStep::none)
    detail = c.t("admin.sync.state_not_enrolled_detail");
  if (admin.sync_phase == SyncPhase::needs_enrolment) detail = c.t("admin.sync.state_needs_enrolment_detail");
  if (!detail.empty()) y += c.g * 0.4f + c.text(c.fonts.small, detail, ImVec2(o.x, y), w, th.text_muted, th.background);
  y += c.g;

  // What staff can do: sync now (once enrolled), enrol (again).
  if (enabled) {
    float x = o.x;
    const auto action = [&](const std::string& name, const std::string& label, Intent::Kind kind, bool on,
                            ButtonStyle style) {
      const float bw = std::min(w, std::max(c.T * 3, c.measure(c.fonts.button, label).x + c.u * 2));
      if (x + bw > o.x + w && x > o.x) {
        x = o.x;
        y += c.T + c.g;
      }
      if (c.button(name, {x, y, bw, c.T}, label, style, Icon::none, on)) c.emit({kind});
      x += bw + c.g;
    };
    const bool enrolled = !admin.device_id.empty() && admin.sync_phase != SyncPhase::not_enrolled;
    // A kiosk the server refused waits for enrolment: syncing now would change nothing.
    const bool can_sync = enrolled && admin.sync_phase != SyncPhase::needs_enrolment;
    const bool enrolling = admin.enrol == EnrolStep::waiting_for_code || admin.enrol == EnrolStep::enrolling;
    if (can_sync)
      action("sync_now", c.t("admin.sync.sync_now"), Intent::Kind::sync_now, !enrolling, ButtonStyle::primary);
    if (admin.enrol != EnrolStep::waiting_for_code)
      action("enrol", c.t(enrolled ? "admin.sync.enrol_again" : "admin.sync.enrol"), Intent::Kind::start_enrolment,
             admin.enrol != EnrolStep::enrolling, can_sync ? ButtonStyle::normal : ButtonStyle::primary);
    if (x > o.x) y += c.T + c.g;
    y += draw_enrolment(c, o.x, y, w);
  }

  // The kiosk's name: how coordinators tell this door from the others.
  if (admin.naming) return y - o.y + draw_naming(c, o.x, y, w);
  {
    const std::string name_line = admin.device_name.empty() ? c.t("admin.sync.no_name")
                                                             : c.f("admin.sync.name", {{"name", admin.device_name}});
    const std::string rename = c.t("admin.sync.rename");
    const float bw = std::min(w, std::max(c.T * 3, c.measure(c.fonts.button, rename).x + c.u * 2));
    const bool beside = w - bw - c.g >= c.u * 10;
    const float tw = beside ? w - bw - c.g : w;
    const float th_ = c.measure(c.fonts.button, name_line, tw).y;
    c.text(c.fonts.button, name_line, ImVec2(o.x, y + (beside ? std::max(0.f, (c.T - th_) / 2) : 0)), tw, th.text,
           th.background);
    const float by = beside ? y : y + th_ + c.g * 0.5f;
    if (c.button("rename", {beside ? o.x + tw + c.g : o.x, by, bw, c.T}, rename)) c.emit({Intent::Kind::start_naming});
    y = by + c.T + c.g;
  }

  // The facts, one per line.
  std::vector<std::string> lines;
  if (!admin.server_url.empty()) lines.push_back(c.f("admin.sync.server", {{"url", admin.server_url}}));
  if (!c.view.site_name.empty()) lines.push_back(c.f("admin.sync.site", {{"name", c.view.site_name}}));
  lines.push_back(admin.device_id.empty() ? c.t("admin.sync.no_device")
                                          : c.f("admin.sync.device", {{"id", admin.device_id}}));
  if (enabled)
    lines.push_back(admin.last_sync.empty() ? c.t("admin.sync.never")
                                            : c.f("admin.sync.last", {{"time", admin.last_sync}}));
  lines.push_back(c.f("admin.sync.pending", {{"count", std::to_string(admin.pending_events)}}));
  if (!admin.dead_letters.empty())
    lines.push_back(c.f("admin.sync.dead_count", {{"count", std::to_string(admin.dead_letters.size())}}));
  if (enabled && !admin.next_attempt.empty()) lines.push_back(c.f("admin.sync.next", {{"time", admin.next_attempt}}));
  if (admin.clock_offset_minutes != 0) {
    const Millis offset = std::chrono::minutes(std::abs(admin.clock_offset_minutes));
    lines.push_back(c.f(admin.clock_offset_minutes > 0 ? "admin.sync.clock_ahead" : "admin.sync.clock_behind",
                        {{"duration", duration_words(c, offset)}}));
  }
  for (const auto& line : lines)
    y += c.text(c.fonts.body, line, ImVec2(o.x, y), w, th.text, th.background) + c.g * 0.5f;
  if (enabled && !admin.last_error.empty() && admin.enrol != EnrolStep::failed)  // said above already
    y += c.text(c.fonts.small, c.f("admin.sync.last_error", {{"error", admin.last_error}}), ImVec2(o.x, y), w,
                th.text_muted, th.background) +
         c.g * 0.5f;

  y += c.g * 2;
  // A heading only when something is stuck; otherwise one quiet line.
  if (admin.dead_letters.empty())
    y += c.text(c.fonts.body, c.t("admin.sync.dead_none"), ImVec2(o.x, y), w, th.text_muted, th.background) + c.g;
  else
    y += heading(c, c.t("admin.sync.dead_title"), c.t("admin.sync.dead_detail"), o.x, y, w);
  const std::string retry = c.t("admin.sync.retry");
  const float retry_w = std::max(c.T * 1.8f, c.measure(c.fonts.button, retry).x + c.u * 1.5f);
  const float pad = std::round(c.u * 0.5f);
  for (const auto& letter : admin.dead_letters) {
    // RefusalNote reused: time, outcome = the event id, reason = the server's answer.
    const float text_w = w - retry_w - 3 * pad;
    const std::string head = letter.time + " · " + letter.outcome;
    const float rh = std::max(c.T + 2 * pad * 0.5f, pad * 2 + c.measure(c.fonts.small, head, text_w).y +
                                                         c.measure(c.fonts.body, letter.reason, text_w).y);
    const Rect row{o.x, y, w, rh};
    c.fill(row, th.surface);
    c.outline(row, th.border, 1.f);
    c.push_background(th.surface);
    float ty = row.y + pad;
    ty += c.text(c.fonts.small, head, ImVec2(row.x + pad, ty), text_w, th.surface_muted, th.surface);
    c.text(c.fonts.body, letter.reason, ImVec2(row.x + pad, ty), text_w, th.surface_text, th.surface);
    c.pop_background();
    if (c.button("retry:" + letter.outcome, {row.right() - pad * 0.5f - retry_w, row.y + (rh - c.T) / 2, retry_w, c.T},
                 retry))
      c.emit({Intent::Kind::retry_dead_letter, letter.outcome});
    y += rh + c.g * 0.6f;
  }
  return y - o.y;
}

float draw_export_tab(Canvas& c, ImVec2 o, float w) {
  const Theme& th = c.theme;
  const auto& admin = c.view.admin;
  float y = o.y;
  y += heading(c, c.t("admin.export.title"), c.t("admin.export.detail"), o.x, y, w);
  y += c.text(c.fonts.button, c.t("admin.export.folder"), ImVec2(o.x, y), w, th.text, th.background) + c.g * 0.5f;

  // The folder: editable with a keyboard plugged in for staff; the app offers the USB
  // stick's mount point by default.
  std::array<char, 1024> buffer{};
  std::strncpy(buffer.data(), admin.export_path.c_str(), buffer.size() - 1);
  // The folder and the button on one row, so the outcome shows without scrolling.
  const std::string label = c.t("admin.export.button");
  const float bw = std::max(c.T * 3, c.measure(c.fonts.button, label).x + c.u * 3);
  const float field_w = std::min(w - bw - c.g, c.u * 28);
  ImGui::SetCursorScreenPos(ImVec2(o.x, y));
  ImGui::SetNextItemWidth(field_w);
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(c.u * 0.5f, std::max(0.f, (c.T - c.u) / 2)));
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, c.rounding * 0.5f);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, th.border_width);
  auto vec = [](Color col) { return ImGui::ColorConvertU32ToFloat4(col.packed()); };
  ImGui::PushStyleColor(ImGuiCol_FrameBg, vec(th.surface));
  ImGui::PushStyleColor(ImGuiCol_FrameBgHovered, vec(th.surface));
  ImGui::PushStyleColor(ImGuiCol_FrameBgActive, vec(th.surface));
  ImGui::PushStyleColor(ImGuiCol_Text, vec(th.surface_text));
  ImGui::PushStyleColor(ImGuiCol_Border, vec(th.primary));
  ImGui::PushStyleColor(ImGuiCol_TextSelectedBg, vec(th.key_pressed));
  ImGui::PushFont(c.fonts.body);
  if (ImGui::InputText("##export_path", buffer.data(), buffer.size()))
    c.emit({Intent::Kind::set_export_path, std::string(buffer.data())});
  const ImVec2 field_min = ImGui::GetItemRectMin(), field_max = ImGui::GetItemRectMax();
  ImGui::PopFont();
  ImGui::PopStyleColor(6);
  ImGui::PopStyleVar(3);
  // Recorded like any other text, so tests see the path and its place.
  c.record_external_text(admin.export_path, {field_min.x, field_min.y, field_max.x - field_min.x, field_max.y - field_min.y},
                         c.fonts.body, th.surface_text, th.surface);
  if (c.button("export", {field_max.x + c.g, field_min.y, bw, std::max(c.T, field_max.y - field_min.y)}, label,
               ButtonStyle::primary))
    c.emit({Intent::Kind::export_csv});
  y = std::max(field_max.y, field_min.y + c.T) + c.g * 1.5f;
  if (admin.export_state == AdminView::ExportState::done) {
    const std::string done = c.f("admin.export.done", {{"file", admin.export_file},
                                                       {"rows", std::to_string(admin.export_rows)}});
    const float icon = c.u * 1.1f;
    c.icon(Icon::check, ImVec2(o.x + icon / 2, y + c.px(c.fonts.body) * 0.55f), icon, th.text);
    y += c.text(c.fonts.body, done, ImVec2(o.x + icon + c.g, y), w - icon - c.g, th.text, th.background) + c.g;
  } else if (admin.export_state == AdminView::ExportState::failed) {
    const std::string failed = c.f("admin.export.failed", {{"reason", admin.export_result}});
    const float pad = std::round(c.u * 0.5f), icon = c.u * 1.2f;
    const float tw = w - 3 * pad - icon;
    const Rect box{o.x, y, w, c.measure(c.fonts.body, failed, tw).y + 2 * pad};
    c.fill(box, th.notice);
    c.push_background(th.notice);
    c.icon(Icon::info, ImVec2(box.x + pad + icon / 2, box.y + box.h / 2), icon, th.notice_text);
    c.text(c.fonts.body, failed, ImVec2(box.x + 2 * pad + icon, box.y + pad), tw, th.notice_text, th.notice);
    c.pop_background();
    y += box.h + c.g;
  }
  return y - o.y;
}

float draw_settings_tab(Canvas& c, ImVec2 o, float w) {
  const Theme& th = c.theme;
  const auto& admin = c.view.admin;
  float y = o.y;

  y += c.text(c.fonts.button, c.t("admin.settings.language"), ImVec2(o.x, y), w, th.text, th.background) + c.g * 0.5f;
  const auto languages = admin.languages.empty() ? c.translator.languages() : admin.languages;
  float x = o.x;
  for (const auto& [code, name] : languages) {
    const float bw = std::max(c.T * 2, c.measure(c.fonts.button, name).x + c.u * 1.5f);
    if (x + bw > o.x + w && x > o.x) {
      x = o.x;
      y += c.T + c.g;
    }
    const bool current = code == c.view.language;
    if (c.button("language:" + code, {x, y, bw, c.T}, name, current ? ButtonStyle::selected : ButtonStyle::normal) &&
        !current)
      c.emit({Intent::Kind::set_language, code});
    x += bw + c.g;
  }
  y += c.T + c.g * 2;

  y += c.text(c.fonts.button, c.t("admin.settings.volume"), ImVec2(o.x, y), w, th.text, th.background) + c.g * 0.5f;
  const int volume = std::clamp(admin.volume_percent, 0, 100);
  if (c.button("volume:down", {o.x, y, c.T * 1.2f, c.T}, "−", ButtonStyle::key, Icon::none, volume > 0))
    c.emit({Intent::Kind::set_volume, {}, std::max(0, volume - 10)});
  const std::string level = volume == 0 ? c.t("admin.settings.muted") : std::to_string(volume) + " %";
  const float lw = std::max(c.u * 4, c.measure(c.fonts.large, level).x + c.g * 2);
  c.text_in({c.fonts.large, c.fonts.body}, level, {o.x + c.T * 1.2f + c.g, y, lw, c.T}, th.text, th.background,
            Align::center, true);
  if (c.button("volume:up", {o.x + c.T * 1.2f + 2 * c.g + lw, y, c.T * 1.2f, c.T}, "+", ButtonStyle::key, Icon::none,
               volume < 100))
    c.emit({Intent::Kind::set_volume, {}, std::min(100, volume + 10)});
  y += c.T + c.g * 2;

  const float toggle_w = std::min(w, c.u * 30);
  const auto toggle = [&](const std::string& name, const std::string& key, bool on, Intent::Kind kind) {
    const std::string label = c.t("admin.settings." + key);
    const std::string detail = c.t("admin.settings." + key + "_detail");
    const float rh = row_height(c, detail, toggle_w - c.T * 3);
    if (toggle_row(c, name, {o.x, y, toggle_w, rh}, label, detail, on)) c.emit({kind});
    y += rh + c.g;
  };
  toggle("setting:discreet", "discreet", admin.discreet_mode, Intent::Kind::toggle_discreet_mode);
  toggle("setting:high_contrast", "high_contrast", admin.high_contrast || c.view.high_contrast,
         Intent::Kind::toggle_high_contrast);
  toggle("setting:feedback", "feedback", admin.feedback, Intent::Kind::toggle_feedback);
  y += c.g * 2;

  // Leaving closes the app: asked first, with staying as the easy answer.
  const std::string leave = c.t("admin.settings.leave");
  const float bw = std::min(w, std::max(c.T * 3, c.measure(c.fonts.button, leave).x + c.u * 3));
  if (admin.leave_asked) {
    y += c.text(c.fonts.button, c.t("admin.settings.leave_question"), ImVec2(o.x, y), w, th.text, th.background) +
         c.g * 0.5f;
    const std::string stay = c.t("admin.settings.stay");
    const float sw = std::min(w, std::max(c.T * 3, c.measure(c.fonts.button, stay).x + c.u * 3));
    if (c.button("stay", {o.x, y, sw, c.T}, stay, ButtonStyle::primary)) c.emit({Intent::Kind::cancel_staff_step});
    const bool one_row = sw + c.g + bw <= w;
    const Rect confirm{one_row ? o.x + sw + c.g : o.x, one_row ? y : y + c.T + c.g, bw, c.T};
    if (c.button("leave_confirm", confirm, leave)) c.emit({Intent::Kind::leave_kiosk});
    y = confirm.bottom() + c.g * 0.5f;
  } else {
    if (c.button("leave", {o.x, y, bw, c.T}, leave)) c.emit({Intent::Kind::leave_kiosk});
    y += c.T + c.g * 0.5f;
  }
  y += c.text(c.fonts.small, c.t("admin.settings.leave_detail"), ImVec2(o.x, y), w, th.text_muted, th.background);
  return y - o.y + c.g;
}

}  // namespace

void draw_admin(Canvas& c) {
  const Theme& th = c.theme;
  const auto& admin = c.view.admin;
  const float w = c.W - 2 * c.m;
  float y = std::round(c.g * 0.8f);

  // Header: what this is, and the way out.
  const std::string done = c.t("common.done");
  const float done_w = std::max(c.T * 2.2f, c.measure(c.fonts.button, done).x + c.u * 2);
  if (c.button("dismiss", {c.W - c.m - done_w, y, done_w, c.T}, done, ButtonStyle::primary))
    c.emit({Intent::Kind::dismiss});
  std::string title = c.t("admin.title");
  if (!c.view.clock_text.empty()) title += " · " + c.view.clock_text;
  c.text_in({c.fonts.large, c.fonts.button, c.fonts.small}, title, {c.m, y, w - done_w - c.g, c.T}, th.text,
            th.background, Align::left, true);
  y += c.T + c.g;

  // A storage fault is the most important thing on this screen.
  if (!admin.store_fault.empty()) {
    const float pad = std::round(c.u * 0.5f), icon = c.u * 1.6f;
    const float tw = w - 3 * pad - icon;
    const std::string head = c.t("admin.fault.title");
    const float fh = 2 * pad + c.measure(c.fonts.button, head, tw).y + c.g * 0.3f +
                     c.measure(c.fonts.small, admin.store_fault, tw).y;
    const Rect box{c.m, y, w, std::max(fh, icon + 2 * pad)};
    c.fill(box, th.fault);
    c.outline(box, th.attention.icon, th.border_width * 1.5f);
    c.push_background(th.fault);
    c.icon(Icon::info, ImVec2(box.x + pad + icon / 2, box.y + box.h / 2), icon, th.fault_text);
    float ty = box.y + pad;
    ty += c.text(c.fonts.button, head, ImVec2(box.x + 2 * pad + icon, ty), tw, th.fault_text, th.fault) + c.g * 0.3f;
    c.text(c.fonts.small, admin.store_fault, ImVec2(box.x + 2 * pad + icon, ty), tw, th.fault_text, th.fault);
    c.pop_background();
    y += box.h + c.g;
  }

  // Tabs.
  static constexpr std::array<std::pair<AdminTab, const char*>, 5> kTabs = {{{AdminTab::sessions, "sessions"},
                                                                              {AdminTab::recent, "recent"},
                                                                              {AdminTab::sync, "sync"},
                                                                              {AdminTab::export_data, "export"},
                                                                              {AdminTab::settings, "settings"}}};
  const float tab_w = (w - 4 * c.g) / 5;
  for (std::size_t i = 0; i < kTabs.size(); ++i) {
    const auto [tab, key] = kTabs[i];
    const bool current = admin.tab == tab;
    if (c.button(std::string("admin.tab:") + key, {c.m + static_cast<float>(i) * (tab_w + c.g), y, tab_w, c.T},
                 c.t(std::string("admin.tab.") + key), current ? ButtonStyle::selected : ButtonStyle::normal) &&
        !current)
      c.emit({Intent::Kind::admin_tab, {}, static_cast<int>(tab)});
  }
  y += c.T + c.g;
  c.dl()->AddLine(ImVec2(c.m, y - c.g * 0.5f), ImVec2(c.W - c.m, y - c.g * 0.5f), th.border.packed(), 1.f);

  // The tab's content scrolls (drag with a finger); each tab its own list.
  const Rect area{c.m, y, w, c.H - y - c.g};
  c.begin_scroll(kTabs[static_cast<std::size_t>(admin.tab)].second, area);
  const ImVec2 o(c.scroll_origin().x, c.scroll_origin().y + std::round(c.g * 0.6f));
  const float cw = w - std::max(14.f, c.u * 0.5f) - c.g;  // room for the scrollbar
  float h = 0;
  switch (admin.tab) {
    case AdminTab::sessions: h = draw_sessions_tab(c, o, cw); break;
    case AdminTab::recent: h = draw_recent_tab(c, o, cw); break;
    case AdminTab::sync: h = draw_sync_tab(c, o, cw); break;
    case AdminTab::export_data: h = draw_export_tab(c, o, cw); break;
    case AdminTab::settings: h = draw_settings_tab(c, o, cw); break;
  }
  c.end_scroll(h + std::round(c.g * 0.6f));
}

}  // namespace checkin::ui
