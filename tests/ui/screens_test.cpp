// SPDX-License-Identifier: AGPL-3.0-or-later
// Every screen, in English and Spanish, at 800x480, 1280x720, 1080x1920 (portrait) and
// 1920x1080, rendered headless with the software renderer: layout rules, wording,
// privacy. A PNG of each goes to <build>/tests/ui/screenshots/<size>/<language>/.
#include <map>
#include <set>

#include "ui_test_support.hpp"

using namespace ui_test;

namespace {

std::string tr(const std::string& language, const std::string& key) { return translator().text(language, key); }

std::vector<std::string> texts_of(const FrameReport& report) {
  std::vector<std::string> out;
  for (const auto& t : report.texts) out.push_back(t.text);
  return out;
}

void require_buttons(const FrameReport& report, std::initializer_list<std::string> names) {
  for (const auto& name : names) {
    INFO("button " << name);
    CHECK(report.button(name) != nullptr);
  }
}

void check_words(const Sample& s, const FrameReport& report, const std::string& lang) {
  INFO(s.name << " [" << lang << "] texts:\n" << report.all_text());
  // Privacy: a discreet program's name and room never appear, nor a discreet result's name.
  CHECK_FALSE(report.has_text(kDiscreetProgram));
  CHECK_FALSE(report.has_text(kDiscreetRoom));
  CHECK_FALSE(report.has_text("Secret Name"));

  const auto& v = s.view;
  switch (v.screen) {
    case Screen::ready: {
      const bool missing = v.ready.camera == CameraState::missing;
      // Nothing open: no "show your pass" to refuse, but what opens next.
      CHECK(report.has_text(tr(lang, v.ready.open_now.empty() ? "ready.nothing_open"
                                     : missing                ? "ready.prompt_scanner"
                                                              : "ready.prompt")));
      if (v.ready.open_now.empty()) CHECK_FALSE(report.has_text(tr(lang, "ready.prompt")));
      if (v.ready.open_now.empty() && !v.ready.next.id.empty())
        CHECK(report.has_text(translator().format(
            lang, v.ready.next_tomorrow ? "ready.next_tomorrow" : "ready.next_today",
            {{"session", v.ready.next.title}, {"time", v.ready.next.time_range}})));
      CHECK(report.has_text(v.site_name));
      require_buttons(report, {"staff", "language:en", "language:es", "privacy"});
      if (missing) {
        CHECK(report.has_text(tr(lang, "ready.camera_missing")));
        CHECK(report.has_text(tr(lang, "ready.use_scanner")));
      }
      if (v.ready.walk_in_available) require_buttons(report, {"no_pass"});
      if (v.ready.anonymous_available) require_buttons(report, {"anonymous"});
      if (!v.ready.walk_in_available) CHECK(report.button("no_pass") == nullptr);
      if (!v.ready.open_now.empty()) CHECK(report.has_text(tr(lang, "common.group_session")));
      // A discreet session with a public alias shows it, so two groups at once differ.
      if (!v.ready.open_now.empty() && v.ready.open_now[0].title == kDiscreetAlias) CHECK(report.has_text(kDiscreetAlias));
      if (v.ready.open_now.size() > 3) CHECK(report.has_text(tr(lang, "ready.more_open").substr(0, 2)));
      break;
    }
    case Screen::result: {
      require_buttons(report, {"dismiss"});
      if (!v.result.reference.empty())
        CHECK(report.has_text(translator().format(lang, "result.reference", {{"reference", v.result.reference}})));
      CHECK(report.buttons.size() == 1);
      CHECK(report.has_text(tr(lang, "result.tap_to_continue")));
      CHECK(report.has_text(std::to_string(v.result.seconds_left)));
      const bool named = !v.result.name.empty() && !v.result.discreet;
      if (needs_volunteer(v.result.outcome)) {
        CHECK(report.has_text(tr(lang, "result.see_volunteer.title")));
        CHECK_FALSE(report.has_text(v.result.name.empty() ? "\x01" : v.result.name));
        CHECK_FALSE(report.has_text("Community lunch"));
      } else if (v.result.outcome == Outcome::checked_in) {
        if (named)
          CHECK(report.has_text(translator().format(lang, "result.checked_in.title_name", {{"name", v.result.name}})));
        else
          CHECK(report.has_text(tr(lang, "result.checked_in.title")));
      } else if (v.result.outcome == Outcome::shift_started) {
        CHECK(report.has_text("17:55"));
      } else if (v.result.outcome == Outcome::shift_ended) {
        CHECK(report.has_text(translator().format(lang, "duration.hours_minutes", {{"hours", "3"}, {"minutes", "20"}})));
      }
      if (!v.result.discreet && !needs_volunteer(v.result.outcome) && !v.result.where.empty())
        CHECK(report.has_text(v.result.where));
      if (v.result.discreet && v.result.group && !needs_volunteer(v.result.outcome))
        CHECK(report.has_text(tr(lang, "result.your_group")));
      break;
    }
    case Screen::choose_session:
      require_buttons(report, {"cancel"});
      for (const auto& c : v.choose.choices) require_buttons(report, {"session:" + c.id});
      CHECK(report.has_text(tr(lang, v.choose.purpose == ChoosePurpose::anonymous ? "choose.title_anonymous"
                                                                                   : "choose.title")));
      break;
    case Screen::no_pass:
      require_buttons(report, {"cancel"});
      if (v.no_pass.sessions.empty()) {
        CHECK(report.has_text(tr(lang, "no_pass.none_open")));
        break;
      }
      require_buttons(report, {"confirm", "key:a", "key:ñ", "key:á", "key:é", "key:í", "key:ó", "key:ú", "key:ü",
                               "key:space", "key:backspace", "key:shift"});
      for (const auto& c : v.no_pass.sessions) require_buttons(report, {"session:" + c.id});
      if (!v.no_pass.name.empty()) CHECK(report.has_text(v.no_pass.name));
      else CHECK(report.has_text(tr(lang, "no_pass.name_placeholder")));
      if (v.no_pass.shifted) CHECK(report.button("key:ñ")->label == "Ñ");
      break;
    case Screen::feedback:
      require_buttons(report, {"feedback:1", "feedback:2", "feedback:3", "feedback:4", "feedback:5", "skip"});
      CHECK(report.has_text(tr(lang, "feedback.anonymous_note")));
      break;
    case Screen::privacy:
      require_buttons(report, {"close"});
      CHECK(report.has_text(tr(lang, "privacy.title")));
      CHECK(report.has_text(std::to_string(v.privacy.discreet_days)));
      CHECK(report.has_text(std::to_string(v.privacy.other_days)));
      CHECK(report.has_text(v.privacy.contact.empty() ? tr(lang, "privacy.ask_default") : v.privacy.contact));
      break;
    case Screen::admin_pin:
      require_buttons(report, {"pin:0", "pin:1", "pin:2", "pin:3", "pin:4", "pin:5", "pin:6", "pin:7", "pin:8",
                               "pin:9", "pin:erase", "pin:ok", "cancel"});
      if (v.pin.wrong) CHECK(report.has_text(tr(lang, "pin.wrong")));
      if (v.pin.locked_seconds > 0) {
        CHECK(report.has_text("42"));
        CHECK_FALSE(report.button("pin:1")->enabled);
      }
      break;
    case Screen::admin:
      require_buttons(report, {"dismiss", "admin.tab:sessions", "admin.tab:recent", "admin.tab:sync",
                               "admin.tab:export", "admin.tab:settings"});
      if (!v.admin.store_fault.empty()) CHECK(report.has_text(v.admin.store_fault));
      switch (v.admin.tab) {
        case AdminTab::sessions: {
          const auto& find = v.admin.find;
          if (find.active && !find.chosen.person_id.empty()) {
            CHECK(report.has_text(translator().format(lang, "admin.find.where", {{"name", find.chosen.name}})));
            for (const auto& s : find.sessions) require_buttons(report, {"find_in:" + s.id});
            require_buttons(report, {"find:cancel"});
            CHECK(report.button("served:s-lunch") == nullptr);
            break;
          }
          if (find.active) {
            require_buttons(report, {"find:cancel", "key:a", "key:space"});
            CHECK(report.has_text(find.typed));
            for (const auto& person : find.found) require_buttons(report, {"found:" + person.person_id});
            if (find.typed.size() < 2) CHECK(report.has_text(tr(lang, "admin.find.type_more")));
            else if (find.found.empty()) CHECK(report.has_text(tr(lang, "admin.find.none")));
            if (find.more) CHECK(report.has_text(tr(lang, "admin.find.more")));
            CHECK(report.button("served:s-lunch") == nullptr);  // nothing else while typing
            break;
          }
          if (find.available) require_buttons(report, {"find:open"});
          if (find.result == ui::FindView::Result::checked_in)
            CHECK(report.has_text(
                find.result_name.empty()
                    ? tr(lang, "admin.find.checked_in_discreet")
                    : translator().format(lang, "admin.find.checked_in",
                                          {{"name", find.result_name}, {"session", find.result_session}})));
          require_buttons(report, {"served:s-recovery", "served:s-lunch", "served:s-art", "names:s-lunch"});
          CHECK(report.button("names:s-recovery") == nullptr);  // discreet: no names, ever
          CHECK(report.has_text("is on the revocation list"));
          if (v.admin.names_session == "s-lunch") CHECK(report.has_text("Ana, Bilal"));
          if (v.admin.names_pass_holders > 0)
            CHECK(report.has_text(translator().format(lang, "admin.sessions.pass_holders",
                                                      {{"count", std::to_string(v.admin.names_pass_holders)}})));
          for (const auto& note : v.admin.refusals) {
            if (note.let_in.empty()) continue;
            if (note.let_in_done) CHECK(report.has_text(tr(lang, "admin.refusals.let_in_done")));
            else if (v.admin.let_in_asked == note.id)
              for (const auto& s : note.let_in) require_buttons(report, {"let_in_to:" + s.id});
            else require_buttons(report, {"let_in:" + note.id});
          }
          CHECK(report.button("let_in:R3") == nullptr);  // let in already
          for (const auto& note : v.admin.refusals) CHECK(report.has_text(tr(lang, "admin.refusals.advice." + note.outcome)));
          for (const auto& c : v.admin.sessions)
            if (c.is_shift)
              CHECK(report.has_text(translator().format(lang, "admin.sessions.on_shift",
                                                        {{"count", std::to_string(c.checked_in)}})));
          break;
        }
        case AdminTab::recent:
          CHECK(report.has_text(tr(lang, "admin.recent.title")));
          if (v.admin.recent.empty()) CHECK(report.has_text(tr(lang, "admin.recent.none")));
          for (const auto& r : v.admin.recent) require_buttons(report, {"undo:" + r.event_id, "move:" + r.event_id});
          if (!v.admin.undo_asked.empty()) require_buttons(report, {"undo_confirm:" + v.admin.undo_asked});
          if (!v.admin.move_asked.empty())
            for (const auto& s : v.admin.move_to) require_buttons(report, {"move_to:" + s.id, "move_cancel"});
          CHECK_FALSE(report.has_text(kDiscreetProgram));
          break;
        case AdminTab::sync: {
          const auto& a = v.admin;
          static const std::map<SyncPhase, std::string> kPhase = {
              {SyncPhase::disabled, "state_disabled"},   {SyncPhase::not_enrolled, "state_not_enrolled"},
              {SyncPhase::syncing, "state_syncing"},     {SyncPhase::synced, "state_synced"},
              {SyncPhase::retrying, "state_retrying"},   {SyncPhase::needs_enrolment, "state_needs_enrolment"}};
          const bool waiting = a.sync_phase == SyncPhase::synced && a.pending_events > 0;
          CHECK(report.has_text(tr(lang, waiting ? "admin.sync.state_pending" : "admin.sync." + kPhase.at(a.sync_phase))));
          if (a.naming) {
            require_buttons(report, {"save_name", "cancel_name", "key:a", "key:space"});
            CHECK(report.has_text(a.naming_text));
            break;
          }
          CHECK(report.has_text(a.device_id.empty() ? tr(lang, "admin.sync.no_device") : a.device_id));
          require_buttons(report, {"rename"});
          if (!a.device_name.empty()) CHECK(report.has_text(a.device_name));
          if (!a.server_url.empty()) CHECK(report.has_text(a.server_url));
          CHECK(report.has_text(v.site_name));
          CHECK(report.has_text(std::to_string(a.pending_events)));
          for (const auto& letter : a.dead_letters) {
            require_buttons(report, {"retry:" + letter.outcome});
            CHECK(report.has_text(letter.reason));
          }
          if (a.dead_letters.empty()) CHECK(report.has_text(tr(lang, "admin.sync.dead_none")));
          if (a.sync_phase == SyncPhase::disabled) {
            CHECK(report.button("sync_now") == nullptr);
            CHECK(report.button("enrol") == nullptr);
            break;
          }
          if (!a.device_id.empty() && a.sync_phase != SyncPhase::not_enrolled &&
              a.sync_phase != SyncPhase::needs_enrolment) {
            require_buttons(report, {"sync_now"});
            CHECK(report.button("sync_now")->enabled ==
                  (a.enrol != EnrolStep::enrolling && a.enrol != EnrolStep::waiting_for_code));
          } else {
            CHECK(report.button("sync_now") == nullptr);  // nothing to sync with yet
          }
          if (a.enrol == EnrolStep::waiting_for_code) {
            require_buttons(report, {"enrol:cancel"});
            CHECK(report.button("enrol") == nullptr);
            CHECK(report.has_text(tr(lang, "admin.enrol.waiting")));
          } else {
            require_buttons(report, {"enrol"});
          }
          if (a.enrol_note == EnrolNote::pass_ignored) CHECK(report.has_text(tr(lang, "admin.enrol.pass_ignored")));
          if (!a.enrol_detail.empty()) CHECK(report.has_text(a.enrol_detail));
          if (a.enrol == EnrolStep::enrolling) CHECK(report.has_text(tr(lang, "admin.enrol.enrolling")));
          if (a.enrol == EnrolStep::enrolled)
            CHECK(report.has_text(translator().format(lang, "admin.enrol.enrolled", {{"id", a.device_id}})));
          if (!a.last_error.empty()) CHECK(report.has_text(a.last_error));
          if (!a.next_attempt.empty()) CHECK(report.has_text(a.next_attempt));
          if (!a.last_sync.empty()) CHECK(report.has_text(a.last_sync));
          if (a.clock_offset_minutes == 60)
            CHECK(report.has_text(translator().format(
                lang, "admin.sync.clock_ahead",
                {{"duration", translator().format(lang, "duration.hours_minutes", {{"hours", "1"}, {"minutes", "0"}})}})));
          if (a.clock_offset_minutes == -135)
            CHECK(report.has_text(translator().format(
                lang, "admin.sync.clock_behind",
                {{"duration", translator().format(lang, "duration.hours_minutes", {{"hours", "2"}, {"minutes", "15"}})}})));
          if (a.clock_offset_minutes == 0) {  // close enough: not a word about the clock
            for (const char* key : {"admin.sync.clock_ahead", "admin.sync.clock_behind"}) {
              const std::string words = translator().format(lang, key, {{"duration", "\x01"}});
              CHECK_FALSE(report.has_text(words.substr(words.find('\x01') + 1)));
            }
          }
          break;
        }
        case AdminTab::export_data:
          require_buttons(report, {"export"});
          CHECK(report.has_text("/media/usb"));
          if (v.admin.export_state == AdminView::ExportState::done) {
            CHECK(report.has_text(v.admin.export_file));
            CHECK(report.has_text("31"));
          }
          if (v.admin.export_state == AdminView::ExportState::failed)
            CHECK(report.has_text("No space left on device"));
          break;
        case AdminTab::settings:
          require_buttons(report, {"language:en", "language:es", "volume:down", "volume:up", "setting:discreet",
                                   "setting:high_contrast"});
          if (v.admin.leave_asked) {
            require_buttons(report, {"stay", "leave_confirm"});
            CHECK(report.has_text(tr(lang, "admin.settings.leave_question")));
            CHECK(report.button("leave") == nullptr);
          } else {
            require_buttons(report, {"leave"});
          }
          break;
      }
      break;
  }
}

// The PIN pad keeps every key and the way out where they are, message or not.
void check_pin_layout_is_still(platform::Display& display) {
  auto v = base_view("en");
  v.screen = Screen::admin_pin;
  const auto quiet = render(display, v, {});
  v.pin.digits_entered = 3;
  v.pin.wrong = true;
  const auto wrong = render(display, v, {});
  for (const char* name : {"pin:1", "pin:0", "pin:ok", "pin:erase", "cancel"}) {
    INFO(name);
    REQUIRE(quiet.button(name));
    REQUIRE(wrong.button(name));
    CHECK(quiet.button(name)->rect.x == wrong.button(name)->rect.x);
    CHECK(quiet.button(name)->rect.y == wrong.button(name)->rect.y);
  }
}

void render_everything(int width, int height, const std::string& lang) {
  auto display = open_headless(width, height);
  REQUIRE(display->width() == width);
  REQUIRE(display->height() == height);
  FakeCamera camera;
  const auto dir = std::filesystem::path(CHECKIN_UI_SCREENSHOT_DIR) / fmt::format("{}x{}", width, height) / lang;
  std::map<std::string, std::vector<std::string>> refusal_words;
  for (const auto& sample : all_samples(lang, camera)) {
    const auto report = render(*display, sample.view, dir / (sample.name + ".png"));
    const std::string what = fmt::format("{} at {}x{} in {}", sample.name, width, height, lang);
    check_layout(report, what);
    check_words(sample, report, lang);
    if (sample.view.screen == Screen::result && needs_volunteer(sample.view.result.outcome) &&
        !sample.view.high_contrast)
      refusal_words[sample.name] = texts_of(report);
  }
  {
    const std::string detail = "/etc/checkin/kiosk.toml:12: display.width: must be between 320 and 7680";
    const auto report = render_problem(*display, detail, lang, dir / "problem.png");
    check_layout(report, fmt::format("problem at {}x{} in {}", width, height, lang));
    CHECK(report.has_text(tr(lang, "problem.title")));
    CHECK(report.has_text(detail));
    CHECK(report.buttons.empty());
  }
  // Every refusal reads exactly the same: the reason is never on the public screen.
  REQUIRE(refusal_words.size() == 7);
  for (const auto& [name, words] : refusal_words) {
    INFO(name);
    CHECK(words == refusal_words.begin()->second);
  }
  // Every key the screens asked for exists in this language.
  CHECK(translator().missing().empty());
  check_pin_layout_is_still(*display);
}

}  // namespace

TEST_CASE("every screen at 800x480 in English") { render_everything(800, 480, "en"); }
TEST_CASE("every screen at 800x480 in Spanish") { render_everything(800, 480, "es"); }
TEST_CASE("every screen at 1280x720 in English") { render_everything(1280, 720, "en"); }
TEST_CASE("every screen at 1280x720 in Spanish") { render_everything(1280, 720, "es"); }
TEST_CASE("every screen at 1080x1920 portrait in English") { render_everything(1080, 1920, "en"); }
TEST_CASE("every screen at 1080x1920 portrait in Spanish") { render_everything(1080, 1920, "es"); }
TEST_CASE("every screen at 1920x1080 in English") { render_everything(1920, 1080, "en"); }
TEST_CASE("every screen at 1920x1080 in Spanish") { render_everything(1920, 1080, "es"); }

TEST_CASE("with more languages than fit the top bar - one button steps through them") {
  Translator many = translator();
  for (const auto& [code, name] : std::vector<std::pair<std::string, std::string>>{
           {"fr", "Français"}, {"pt", "Português"}, {"pl", "Polski"}, {"ro", "Română"}, {"de", "Deutsch"}}) {
    Catalog catalog = *translator().catalog("en");
    catalog["language_name"] = name;
    many.add(code, catalog);
  }
  auto display = open_headless(800, 480);
  auto view = base_view("pl");
  FrameReport report;
  std::vector<Intent> intents;
  for (int frame = 0; frame < 2; ++frame) {
    display->begin_frame();
    report = draw(view, DrawInput{many, fonts_of(*display), nullptr}, intents);
    display->end_frame();
  }
  check_layout(report, "ready with seven languages at 800x480");
  const auto* next = report.button("language:next");
  REQUIRE(next != nullptr);
  CHECK(next->label == "Português");  // after Polski (pl) comes pt: English first, then by code
  CHECK(report.button("language:en") == nullptr);
}
