// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Shared by the UI tests: a headless display, sample view states for every screen, and
// the layout checks every rendered screen must pass.
#include "checkin_catch.hpp"
#include <fmt/core.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "checkin/platform/display.hpp"
#include "checkin/ui/assets.hpp"
#include "checkin/ui/screens.hpp"
#include "checkin/ui/translator.hpp"
#include "imgui_internal.h"

namespace ui_test {

using namespace checkin;
using namespace checkin::ui;

inline const Translator& translator() {
  static const Translator t = [] {
    auto loaded = Translator::load_dir(i18n_dir(CHECKIN_TEST_ASSETS_DIR));
    if (!loaded) throw std::runtime_error(loaded.error().message);
    return *loaded;
  }();
  return t;
}

inline std::unique_ptr<platform::Display> open_headless(int width, int height) {
  platform::DisplayOptions options;
  options.mode = platform::DisplayMode::headless;
  options.width = width;
  options.height = height;
  options.title = "ui tests";
  auto display = platform::Display::open(options);
  if (!display) FAIL("headless display: " << display.error().message);
  return std::move(*display);
}

inline Fonts fonts_of(const platform::Display& d) {
  const auto& f = d.fonts();
  return {f.small, f.body, f.button, f.large, f.huge, f.lead};
}

// A calm grey picture standing in for the camera: soft gradient and a few blocks.
struct FakeCamera {
  int width = 320, height = 240;
  std::vector<std::uint8_t> pixels;
  FakeCamera() : pixels(static_cast<std::size_t>(320) * 240) {
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        int v = 70 + (x + y) / 6;
        const bool card = x > 110 && x < 210 && y > 70 && y < 170;
        if (card) v = (((x - 110) / 10 + (y - 70) / 10) % 2 == 0 || (x * 7 + y * 3) % 11 < 4) ? 235 : 40;
        pixels[static_cast<std::size_t>(y) * width + x] = static_cast<std::uint8_t>(v);
      }
  }
};

// Program names used in samples. Discreet programs' names must never be drawn.
inline const std::string kDiscreetProgram = "Tuesday Recovery Circle";
inline const std::string kDiscreetRoom = "Room 4 upstairs";

inline SessionCard card(std::string id, std::string title, std::string room, std::string time, bool discreet,
                        bool anonymous, bool walk_ins) {
  SessionCard c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.room = std::move(room);
  c.time_range = std::move(time);
  c.discreet = discreet;
  c.anonymous_allowed = anonymous;
  c.walk_ins_allowed = walk_ins;
  return c;
}

// What a coordinator chose as a discreet program's public alias: the only name of it a
// kiosk ever holds (the server sends nothing else).
inline const std::string kDiscreetAlias = "Evening group";

inline std::vector<SessionCard> sample_sessions() {
  // Two discreet sessions at once, told apart by an alias; the one without shows "A group
  // session". Their rooms are given on purpose: the screens must not show them even if a
  // caller forgot to blank them.
  return {
      card("s-recovery", kDiscreetAlias, kDiscreetRoom, "18:00–19:30", true, true, false),
      card("s-circle", "", kDiscreetRoom, "18:30–20:00", true, true, false),
      card("s-lunch", "Community lunch", "Main hall", "12:00–13:30", false, true, true),
      card("s-art", "Art and wellbeing workshop", "Room 2", "18:30–20:00", false, false, true),
  };
}

inline ViewState base_view(const std::string& language) {
  ViewState v;
  v.language = language;
  v.site_name = "Riverside Community Centre";
  v.clock_text = "18:05";
  v.ready.open_now = sample_sessions();
  v.ready.camera = CameraState::ok;
  v.ready.sync = SyncDot::synced;
  v.ready.anonymous_available = true;
  v.ready.walk_in_available = true;
  return v;
}

struct Sample {
  std::string name;  // also the screenshot's file name
  ViewState view;
};

inline std::vector<Sample> all_samples(const std::string& language, const FakeCamera& camera) {
  std::vector<Sample> samples;
  auto add = [&](std::string name, ViewState v) { samples.push_back({std::move(name), std::move(v)}); };

  {
    auto v = base_view(language);
    v.ready.preview = {camera.pixels.data(), camera.width, camera.height, 1};
    add("ready", v);
    v.high_contrast = true;
    add("ready_high_contrast", v);
  }
  {
    auto v = base_view(language);
    v.ready.camera = CameraState::missing;
    v.ready.sync = SyncDot::offline;
    add("ready_camera_missing", v);
  }
  for (const auto& [name, dot] : std::vector<std::pair<std::string, SyncDot>>{{"pending", SyncDot::pending},
                                                                               {"offline", SyncDot::offline},
                                                                               {"not_enrolled", SyncDot::not_enrolled},
                                                                               {"attention", SyncDot::needs_attention}}) {
    auto v = base_view(language);
    v.ready.sync = dot;
    add("ready_sync_" + name, v);
  }
  {
    auto v = base_view(language);
    v.ready.sync_shown = false;
    add("ready_sync_off", v);
  }
  {
    auto v = base_view(language);
    v.ready.camera = CameraState::starting;
    v.ready.open_now.clear();
    v.ready.anonymous_available = v.ready.walk_in_available = false;
    v.ready.sync = SyncDot::not_enrolled;
    add("ready_nothing_open", v);
    v.ready.next = card("s-lunch-tomorrow", "Community lunch", "Main hall", "13:00–14:30", false, false, false);
    v.ready.next_tomorrow = true;
    add("ready_nothing_open_next_tomorrow", v);
  }
  {
    auto v = base_view(language);
    v.ready.camera = CameraState::starting;
    for (int i = 0; i < 6; ++i)
      v.ready.open_now.push_back(card(fmt::format("s-extra{}", i), fmt::format("Drop-in coffee morning {}", i + 1),
                                      "Café", "10:00–12:00", false, false, false));
    add("ready_many_sessions", v);
  }

  const std::vector<Outcome> outcomes = {
      Outcome::checked_in,     Outcome::checked_out,    Outcome::shift_started, Outcome::shift_ended,
      Outcome::already_checked_in, Outcome::choose_session, Outcome::not_registered, Outcome::no_session_now,
      Outcome::pass_expired,   Outcome::pass_revoked,   Outcome::not_our_code,  Outcome::session_full,
      Outcome::not_recorded,
  };
  for (const auto outcome : outcomes) {
    auto v = base_view(language);
    v.screen = Screen::result;
    v.result.outcome = outcome;
    v.result.name = "María José";
    v.result.where = "Community lunch · Main hall";
    v.result.shift_started = "17:55";
    v.result.shift_duration = std::chrono::minutes(3 * 60 + 20);
    v.result.seconds_left = 5;
    if (needs_volunteer(outcome)) v.result.reference = "R4";  // the same on every refusal: no reason shows
    add(fmt::format("result_{}", to_string(outcome)), v);
  }
  {
    auto v = base_view(language);
    v.screen = Screen::result;
    v.result.outcome = Outcome::checked_in;
    v.result.seconds_left = 4;
    add("result_checked_in_no_name", v);
    v.result.name = "Secret Name";
    v.result.where = kDiscreetProgram + " · " + kDiscreetRoom;
    v.result.discreet = true;
    v.result.group = true;
    add("result_checked_in_discreet", v);
    v.result.outcome = Outcome::pass_revoked;
    v.high_contrast = true;
    add("result_refusal_high_contrast", v);
    v.result.outcome = Outcome::checked_in;
    add("result_checked_in_high_contrast", v);
  }
  {
    auto v = base_view(language);
    v.screen = Screen::choose_session;
    v.choose.purpose = ChoosePurpose::pass;
    v.choose.choices = sample_sessions();
    add("choose_session", v);
    v.choose.purpose = ChoosePurpose::anonymous;
    v.choose.choices = {sample_sessions()[0], sample_sessions()[2]};
    v.choose.choices[1].full = true;
    add("choose_anonymous", v);
    v.choose.purpose = ChoosePurpose::pass;
    v.choose.choices.clear();
    for (int i = 0; i < 9; ++i)
      v.choose.choices.push_back(card(fmt::format("s-many{}", i), fmt::format("Evening group {}", i + 1),
                                      fmt::format("Room {}", i + 1), "19:00–20:30", i % 3 == 0, false, false));
    add("choose_many", v);
  }
  {
    auto v = base_view(language);
    v.screen = Screen::no_pass;
    v.no_pass.sessions = {sample_sessions()[2], sample_sessions()[3]};
    v.no_pass.selected = "s-lunch";
    v.no_pass.name = "José";
    add("no_pass", v);
    v.no_pass.sessions = {sample_sessions()[3]};
    v.no_pass.selected = "s-art";
    v.no_pass.name.clear();
    v.no_pass.shifted = true;
    add("no_pass_one_session", v);
    v.no_pass.sessions.clear();
    v.no_pass.selected.clear();
    add("no_pass_none_open", v);
  }
  {
    auto v = base_view(language);
    v.screen = Screen::feedback;
    add("feedback", v);
  }
  {
    auto v = base_view(language);
    v.screen = Screen::privacy;
    add("privacy", v);
    v.privacy = PrivacyView{60, 400, "Ask at reception, or write to privacy@riverside.example.org"};
    add("privacy_with_contact", v);
  }
  {
    auto v = base_view(language);
    v.screen = Screen::admin_pin;
    add("pin", v);
    v.pin.digits_entered = 3;
    v.pin.wrong = true;
    add("pin_wrong", v);
    v.pin.digits_entered = 0;
    v.pin.wrong = false;
    v.pin.locked_seconds = 42;
    add("pin_locked", v);
  }
  {
    auto v = base_view(language);
    v.screen = Screen::admin;
    v.admin.sessions = sample_sessions();
    v.admin.sessions[0].checked_in = 7;
    v.admin.sessions[1].checked_in = 23;
    v.admin.sessions[2].served = false;
    v.admin.names_session = "s-lunch";
    v.admin.names = {"Ana", "Bilal", "Chen", "Dorota", "Efua", "Fernando"};
    v.admin.refusals = {{"17:42", "pass_revoked", "pass 3f2a… is on the revocation list", "R1"},
                        {"17:58", "not_registered", "roster-only program, person p-1234 not registered", "R2",
                         {sample_sessions()[3]}},
                        {"18:01", "session_full", "session s-lunch is at capacity 40", "R3", {sample_sessions()[2]},
                         true}};
    v.admin.sync = SyncDot::pending;
    v.admin.device_id = "kiosk-7f3c2a";
    v.admin.last_sync = "17:50";
    v.admin.pending_events = 4;
    v.admin.dead_letters = {{"17:31", "0190f3a2-7c4e-7b21-9d1a-2f4c8e9b0a11", "unknown session id"}};
    v.admin.export_path = "/media/usb";
    v.admin.export_state = AdminView::ExportState::done;
    v.admin.export_file = "/media/usb/attendance-kiosk-7f3c2a-20261126-1805.csv";
    v.admin.export_rows = 31;
    v.admin.volume_percent = 40;
    v.admin.languages = translator().languages();
    v.admin.tab = AdminTab::sessions;
    v.admin.find.available = true;
    add("admin_sessions", v);
    {
      auto w = v;  // check in by name: the letters typed, the people they match, then where
      w.admin.find.active = true;
      w.admin.find.typed = "an";
      w.admin.find.found = {{"p-1", "Ana Ruiz", "7F3A"}, {"p-2", "Ana Ruiz", "0B12"}, {"p-3", "Anabel", "9C44"},
                            {"p-4", "Juan Antonio", "51DE"}};
      w.admin.find.more = true;
      add("admin_find_typing", w);
      w.admin.find.typed = "Zoë";
      w.admin.find.found.clear();
      w.admin.find.more = false;
      add("admin_find_nobody", w);
      w.admin.find.typed = "a";
      add("admin_find_one_letter", w);
      w.admin.find.chosen = {"p-2", "Ana Ruiz", "0B12"};
      w.admin.find.sessions = {sample_sessions()[0], sample_sessions()[1]};
      add("admin_find_where", w);
      auto done = v;
      done.admin.find.result = ui::FindView::Result::checked_in;
      done.admin.find.result_name = "Ana Ruiz";
      done.admin.find.result_session = "Community lunch";
      add("admin_find_checked_in", done);
      done.admin.find.result_name.clear();  // a discreet program: neither name nor group
      done.admin.find.result_session.clear();
      add("admin_find_checked_in_discreet", done);
    }
    {
      auto w = v;  // a pass holder nobody here can name, an anonymous check-in, a shift and its volunteers
      w.admin.names_pass_holders = 2;
      w.admin.names_anonymous = 1;
      w.admin.sessions[1].checked_in = 9;  // the six named, two pass holders and one anonymous
      ui::SessionCard desk;
      desk.id = "sh-desk";
      desk.title = "Welcome desk";
      desk.time_range = "09:00–13:00";
      desk.is_shift = true;
      desk.checked_in = 2;
      w.admin.sessions.push_back(desk);
      w.admin.let_in_asked = "R2";
      w.admin.refusals[1].let_in.push_back(sample_sessions()[2]);
      add("admin_sessions_names_let_in", w);
      w.admin.names_session = "sh-desk";
      w.admin.names = {"Vic", "Wen"};
      w.admin.names_pass_holders = w.admin.names_anonymous = 0;
      add("admin_sessions_on_shift", w);
    }
    {
      auto w = v;  // the site's recent check-ins, one being moved, one to undo
      w.admin.tab = AdminTab::recent;
      w.admin.recent = {
          {"e-1", "18:04", "Community lunch", "Ana", EventKind::checkin, true, false},
          {"e-2", "18:02", "", "", EventKind::checkin, false, false},
          {"e-3", "17:59", "Community lunch", "Sam", EventKind::walk_in, false, false},
          {"e-4", "17:55", "Art studio", "", EventKind::checkin, true, true},
          {"e-5", "17:51", "Community lunch", "", EventKind::anonymous_checkin, true, false},
      };
      w.admin.move_asked = "e-1";
      w.admin.move_to = {sample_sessions()[3]};
      add("admin_recent_move", w);
      w.admin.move_asked.clear();
      w.admin.undo_asked = "e-3";
      w.admin.correction_note = "admin.recent.moved";
      add("admin_recent_undo", w);
      w.admin.recent.clear();
      w.admin.undo_asked.clear();
      w.admin.correction_note.clear();
      add("admin_recent_none", w);
    }
    v.admin.store_fault = "disk full: nothing was recorded (storage_full)";
    add("admin_store_fault", v);
    v.admin.store_fault.clear();
    v.admin.tab = AdminTab::sync;
    v.admin.sync_phase = SyncPhase::synced;
    v.admin.server_url = "https://checkin.riverside.example.org:8443";
    v.admin.device_name = "Front door";
    add("admin_sync", v);  // enrolled, events waiting, one refused
    {
      auto w = v;  // staff type the kiosk's name on the keyboard
      w.admin.naming = true;
      w.admin.naming_text = "Puerta trasera";
      add("admin_sync_naming", w);
    }
    {
      auto w = v;  // the network is down
      w.admin.sync = SyncDot::offline;
      w.admin.sync_phase = SyncPhase::retrying;
      w.admin.last_error = "could not connect to checkin.riverside.example.org port 8443: Connection refused";
      w.admin.next_attempt = "18:07";
      w.admin.clock_offset_minutes = 60;
      w.admin.dead_letters.clear();
      w.admin.pending_events = 37;
      add("admin_sync_retrying", w);
      w.admin.sync = SyncDot::needs_attention;
      w.admin.sync_phase = SyncPhase::needs_enrolment;
      w.admin.last_error = "401 Unauthorized: this kiosk's device token was revoked";
      w.admin.next_attempt.clear();
      w.admin.clock_offset_minutes = 0;
      add("admin_sync_needs_enrolment", w);
    }
    {
      auto w = v;  // several events the server refused, and a clock running slow
      w.admin.sync = SyncDot::needs_attention;
      w.admin.last_sync = "2026-11-25 21:14";
      w.admin.clock_offset_minutes = -135;
      w.admin.dead_letters = {
          {"17:31", "0190f3a2-7c4e-7b21-9d1a-2f4c8e9b0a11", "unknown session id"},
          {"17:44", "0190f3b1-1d2e-7c33-8e4f-5a6b7c8d9e0f", "session sess-9 was cancelled before this check-in"},
          {"17:52", "0190f3c9-aa01-7f00-b2c3-d4e5f6a7b8c9",
           "event wall time is 3 days after the server's clock and the kiosk clock was not synced"}};
      add("admin_sync_dead_letters", w);
    }
    {
      auto w = v;  // not enrolled yet: staff enrol it
      w.admin.sync = SyncDot::not_enrolled;
      w.admin.sync_phase = SyncPhase::not_enrolled;
      w.admin.server_url.clear();
      w.admin.device_id.clear();
      w.admin.last_sync.clear();
      w.admin.dead_letters.clear();
      w.admin.pending_events = 12;
      add("admin_sync_not_enrolled", w);
      w.admin.enrol = EnrolStep::waiting_for_code;
      add("admin_sync_enrol_waiting", w);
      w.admin.enrol_note = EnrolNote::pass_ignored;
      add("admin_sync_enrol_pass_ignored", w);
      w.admin.enrol_note = EnrolNote::malformed_code;
      w.admin.enrol_detail = "enrolment code: url must start with http:// or https://";
      add("admin_sync_enrol_malformed", w);
      w.admin.enrol = EnrolStep::enrolling;
      w.admin.enrol_note = EnrolNote::none;
      w.admin.enrol_detail.clear();
      w.admin.server_url = "https://checkin.riverside.example.org:8443";
      add("admin_sync_enrolling", w);
      w.admin.enrol = EnrolStep::failed;
      w.admin.enrol_detail = "the enrolment token has expired or was used already";
      add("admin_sync_enrol_failed", w);
      w.admin.enrol = EnrolStep::enrolled;
      w.admin.enrol_detail.clear();
      w.admin.device_id = "kiosk-7f3c2a";
      w.admin.sync = SyncDot::pending;
      w.admin.sync_phase = SyncPhase::syncing;
      add("admin_sync_enrolled", w);
    }
    {
      auto w = v;  // a standalone kiosk
      w.admin.sync_phase = SyncPhase::disabled;
      w.admin.server_url.clear();
      w.admin.device_id.clear();
      w.admin.last_sync.clear();
      w.admin.dead_letters.clear();
      add("admin_sync_disabled", w);
    }
    v.admin.tab = AdminTab::export_data;
    add("admin_export", v);
    v.admin.export_state = AdminView::ExportState::failed;
    v.admin.export_result = "/media/usb: No space left on device";
    add("admin_export_failed", v);
    v.admin.tab = AdminTab::settings;
    add("admin_settings", v);
    v.high_contrast = v.admin.high_contrast = true;
    add("admin_settings_high_contrast", v);
    v.high_contrast = v.admin.high_contrast = false;
    v.admin.leave_asked = true;
    add("admin_settings_leave_asked", v);
  }
  return samples;
}

// Draws `view` for a few frames (the first lays out scrolling lists) and returns the last
// frame's report; writes a PNG when `png` is not empty.
inline FrameReport render(platform::Display& display, const ViewState& view, const std::filesystem::path& png,
                          std::vector<Intent>* intents_out = nullptr, int frames = 2, bool render_last = false) {
  FrameReport report;
  std::vector<Intent> intents;
  for (int frame = 0; frame < frames; ++frame) {
    display.begin_frame();
    ImTextureID preview = nullptr;
    if (view.ready.preview.pixels)
      preview = display.update_preview(view.ready.preview.pixels, view.ready.preview.width, view.ready.preview.height,
                                       view.ready.preview.width, view.ready.preview.serial);
    report = draw(view, DrawInput{translator(), fonts_of(display), preview}, intents);
    if (frame < frames - 1 || (png.empty() && !render_last)) {
      display.discard_frame();  // a layout pass: no pixels needed (software rendering is the slow part)
      continue;
    }
    display.render();
    if (!png.empty()) {
      auto saved = display.save_screenshot(png);
      if (!saved) FAIL(saved.error().message);
    }
    display.present();
  }
  if (intents_out) *intents_out = intents;
  return report;
}

inline FrameReport render_problem(platform::Display& display, std::string_view detail, const std::string& language,
                                  const std::filesystem::path& png) {
  FrameReport report;
  for (int frame = 0; frame < 2; ++frame) {
    display.begin_frame();
    report = draw_problem(detail, language, DrawInput{translator(), fonts_of(display), nullptr});
    if (frame == 0) {
      display.discard_frame();
      continue;
    }
    display.render();
    if (frame == 1 && !png.empty()) {
      auto saved = display.save_screenshot(png);
      if (!saved) FAIL(saved.error().message);
    }
    display.present();
  }
  return report;
}

inline std::string describe(const Rect& r) { return fmt::format("({:.0f},{:.0f} {:.0f}x{:.0f})", r.x, r.y, r.w, r.h); }

// The layout rules every screen keeps, at every size, in every language.
inline void check_layout(const FrameReport& report, const std::string& what) {
  INFO(what);
  const Rect window{0, 0, report.width, report.height};
  constexpr float slack = 1.0f;
  // Texts: inside the window (or, in a scrolling list, inside the list's width).
  for (const auto& t : report.texts) {
    INFO("text \"" << t.text << "\" at " << describe(t.rect));
    CHECK(t.rect.x >= -slack);
    CHECK(t.rect.right() <= report.width + slack);
    CHECK(t.rect.x >= t.clip.x - slack);
    CHECK(t.rect.right() <= t.clip.right() + slack);
    if (!t.scrolls) {
      CHECK(t.rect.y >= -slack);
      CHECK(t.rect.bottom() <= report.height + slack);
    }
    CHECK(t.font_px >= 20.f);
    // Every character has a glyph (no "?" boxes): all fonts share one set of ranges.
    {
      const ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
      const char* p = t.text.c_str();
      const char* end = p + t.text.size();
      while (p < end) {
        unsigned int c = 0;
        const int n = ImTextCharFromUtf8(&c, p, end);
        if (n <= 0) break;
        p += n;
        if (c == '\n') continue;
        INFO("character U+" << std::hex << c);
        CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(c)) != nullptr);
      }
    }
    // Contrast of every text against what it is drawn on.
    INFO("contrast " << contrast_ratio(t.color, t.background));
    CHECK(contrast_ratio(t.color, t.background) >= 7.0);
  }
  // Buttons: big enough, unique names, inside the window, not on top of each other.
  for (std::size_t i = 0; i < report.buttons.size(); ++i) {
    const auto& a = report.buttons[i];
    INFO("button " << a.name << " at " << describe(a.rect));
    CHECK(a.rect.w >= kMinTouchTarget - 0.01f);
    CHECK(a.rect.h >= kMinTouchTarget - 0.01f);
    CHECK(a.rect.x >= -slack);
    CHECK(a.rect.right() <= report.width + slack);
    if (a.visible.w > 0) {
      CHECK(a.visible.y >= -slack);
      CHECK(a.visible.bottom() <= report.height + slack);
    }
    for (std::size_t j = i + 1; j < report.buttons.size(); ++j) {
      const auto& b = report.buttons[j];
      INFO("and button " << b.name << " at " << describe(b.rect));
      CHECK(a.name != b.name);
      // What can be touched: the visible part (a scrolling list hides the rest).
      const Rect inner_a{a.visible.x + slack, a.visible.y + slack, a.visible.w - 2 * slack, a.visible.h - 2 * slack};
      if (a.visible.empty() || b.visible.empty()) continue;
      CHECK_FALSE(inner_a.overlaps(b.visible));
    }
  }
  // Text is either inside a button or clear of it (no label spilling over an edge),
  // except the Result screen's whole-window "continue" area.
  auto shown = [](const TextInfo& t) { return t.scrolls ? t.rect.intersect(t.clip) : t.rect; };
  for (const auto& t : report.texts) {
    const Rect tr = shown(t);
    if (tr.empty()) continue;
    for (const auto& b : report.buttons) {
      if (b.name == "dismiss" && b.rect.w >= report.width - 1) continue;
      if (b.visible.empty()) continue;
      const Rect inner{tr.x + slack, tr.y + slack, tr.w - 2 * slack, tr.h - 2 * slack};
      if (!inner.overlaps(b.visible)) continue;
      INFO("text \"" << t.text << "\" at " << describe(t.rect) << " and button " << b.name << " at "
                     << describe(b.rect));
      const bool inside = tr.x >= b.visible.x - slack && tr.right() <= b.visible.right() + slack &&
                          tr.y >= b.visible.y - slack && tr.bottom() <= b.visible.bottom() + slack;
      CHECK(inside);
    }
  }
  // Texts do not overlap one another.
  for (std::size_t i = 0; i < report.texts.size(); ++i) {
    for (std::size_t j = i + 1; j < report.texts.size(); ++j) {
      const auto& a = report.texts[i];
      const auto& b = report.texts[j];
      const Rect ra = shown(a), rb = shown(b);
      if (ra.empty() || rb.empty()) continue;
      const Rect inner{ra.x + slack, ra.y + slack, ra.w - 2 * slack, ra.h - 2 * slack};
      INFO("texts \"" << a.text << "\" " << describe(a.rect) << " and \"" << b.text << "\" " << describe(b.rect));
      CHECK_FALSE(inner.overlaps(rb));
    }
  }
  (void)window;
}

}  // namespace ui_test
