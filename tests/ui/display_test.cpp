// SPDX-License-Identifier: AGPL-3.0-or-later
// The display host, headless: sizes and fonts, pixels back, screenshots, synthetic taps
// reaching the screens' buttons, the preview texture, and recovery from a frame that threw.
#include <SDL.h>

#include "checkin/qr/image.hpp"
#include "ui_test_support.hpp"

using namespace ui_test;

namespace {

// Runs frames until the pending taps are done (and one more), collecting intents.
std::vector<Intent> tap(platform::Display& display, const ViewState& view, const std::string& button) {
  auto report = render(display, view, {});
  const auto* b = report.button(button);
  if (!b) FAIL("no button " << button << " on screen " << static_cast<int>(view.screen));
  display.tap(b->visible.center().x, b->visible.center().y);
  std::vector<Intent> all;
  for (int i = 0; i < 4; ++i) {
    std::vector<Intent> intents;
    render(display, view, {}, &intents, 1);
    all.insert(all.end(), intents.begin(), intents.end());
  }
  return all;
}

bool has(const std::vector<Intent>& intents, Intent::Kind kind, const std::string& text = {}, int number = -1) {
  return std::any_of(intents.begin(), intents.end(), [&](const Intent& i) {
    return i.kind == kind && (text.empty() || i.text == text) && (number < 0 || i.number == number);
  });
}

}  // namespace

TEST_CASE("text sizes: body 28 px at 1280x720 - scaled with the window - portrait and landscape") {
  CHECK(platform::font_sizes_for(1280, 720).body == 28);
  CHECK(platform::font_sizes_for(720, 1280).body == 28);
  CHECK(platform::font_sizes_for(1920, 1080).body == 42);
  CHECK(platform::font_sizes_for(1080, 1920).body == 42);
  CHECK(platform::font_sizes_for(800, 480).body >= 24);
  for (auto [w, h] : {std::pair{800, 480}, {480, 800}, {1024, 600}, {1280, 720}, {1080, 1920}, {1920, 1080}}) {
    const auto s = platform::font_sizes_for(w, h);
    INFO(w << "x" << h);
    CHECK(s.small >= 20);
    CHECK(s.small < s.body);
    CHECK(s.body < s.large);
    CHECK(s.large < s.huge);
  }
}

TEST_CASE("a headless display opens at the asked size with fonts for it") {
  auto display = open_headless(1280, 720);
  display->begin_frame();
  display->end_frame();
  CHECK(display->width() == 1280);
  CHECK(display->height() == 720);
  CHECK(display->pixel_width() == 1280);
  CHECK(display->mode() == platform::DisplayMode::headless);
  const auto& fonts = display->fonts();
  REQUIRE(fonts.body);
  CHECK(fonts.body->FontSize == 28);
  CHECK(fonts.body->FindGlyphNoFallback(0x00F1));  // ñ
  CHECK(fonts.huge->FindGlyphNoFallback(0x2014));  // —
  CHECK(fonts.small->FindGlyphNoFallback(0x0141));  // Ł (Latin Extended-A)
}

TEST_CASE("fonts are rebuilt when the window size changes a lot - not for a few pixels") {
  auto display = open_headless(1280, 720);
  display->begin_frame();
  display->end_frame();
  const int builds = display->font_builds();
  display->set_window_size(1284, 722);
  display->begin_frame();
  display->end_frame();
  CHECK(display->font_builds() == builds);
  display->set_window_size(1920, 1080);
  display->begin_frame();
  display->end_frame();
  CHECK(display->width() == 1920);
  CHECK(display->font_builds() == builds + 1);
  CHECK(display->fonts().body->FontSize == 42);
  display->set_window_size(1080, 1920);  // rotated: same text size
  display->begin_frame();
  display->end_frame();
  CHECK(display->font_builds() == builds + 1);
}

TEST_CASE("pixels are read back between render and present - and saved as PNG") {
  auto display = open_headless(800, 480);
  CHECK_FALSE(display->read_pixels());  // nothing rendered yet
  auto view = base_view("en");
  view.screen = Screen::result;
  view.result.outcome = Outcome::checked_in;
  display->begin_frame();
  std::vector<Intent> intents;
  draw(view, DrawInput{translator(), fonts_of(*display), nullptr}, intents);
  display->render();
  auto pixels = display->read_pixels();
  REQUIRE(pixels);
  CHECK(pixels->width == 800);
  CHECK(pixels->height == 480);
  // The top-left corner shows the success tone's background.
  const Color bg = calm_theme().success.background;
  CHECK(pixels->pixels[0] == bg.r);
  CHECK(pixels->pixels[1] == bg.g);
  CHECK(pixels->pixels[2] == bg.b);
  const auto png = std::filesystem::path(CHECKIN_UI_SCREENSHOT_DIR) / "display_test.png";
  REQUIRE(display->save_screenshot(png));
  display->present();
  CHECK_FALSE(display->read_pixels());  // presented: gone
  auto loaded = qr::load_image(png);
  REQUIRE(loaded);
  CHECK(loaded->width() == 800);
  CHECK(loaded->height() == 480);
  const auto gray = pixels->to_gray();
  CHECK(gray.width() == 800);
  CHECK(std::abs(int(gray.at(0, 0)) - int(loaded->at(0, 0))) <= 2);
}

TEST_CASE("a synthetic tap on a named button reaches the screen as an intent") {
  auto display = open_headless(1280, 720);
  auto view = base_view("en");
  CHECK(has(tap(*display, view, "no_pass"), Intent::Kind::open_no_pass));
  CHECK(has(tap(*display, view, "anonymous"), Intent::Kind::open_anonymous));
  CHECK(has(tap(*display, view, "language:es"), Intent::Kind::set_language, "es"));
  CHECK(has(tap(*display, view, "staff"), Intent::Kind::open_admin));
  CHECK_FALSE(display->tap_pending());

  view.screen = Screen::result;
  CHECK(has(tap(*display, view, "dismiss"), Intent::Kind::dismiss));

  view.screen = Screen::no_pass;
  view.no_pass.sessions = {sample_sessions()[2], sample_sessions()[3]};
  view.no_pass.selected = "s-lunch";
  CHECK(has(tap(*display, view, "key:ñ"), Intent::Kind::type_text, "ñ"));
  CHECK(has(tap(*display, view, "key:space"), Intent::Kind::type_text, " "));
  CHECK(has(tap(*display, view, "key:backspace"), Intent::Kind::erase_text));
  CHECK(has(tap(*display, view, "session:s-art"), Intent::Kind::select_walk_in_session, "s-art"));
  CHECK(has(tap(*display, view, "confirm"), Intent::Kind::confirm_walk_in));
  view.no_pass.shifted = true;
  CHECK(has(tap(*display, view, "key:é"), Intent::Kind::type_text, "É"));
  view.no_pass.selected.clear();
  CHECK(tap(*display, view, "confirm").empty());  // no session chosen yet: disabled

  view.screen = Screen::feedback;
  CHECK(has(tap(*display, view, "feedback:4"), Intent::Kind::feedback, {}, 4));
  CHECK(has(tap(*display, view, "skip"), Intent::Kind::skip_feedback));

  view.screen = Screen::admin_pin;
  CHECK(has(tap(*display, view, "pin:7"), Intent::Kind::pin_digit, {}, 7));
  CHECK(has(tap(*display, view, "pin:ok"), Intent::Kind::pin_submit));
  view.pin.locked_seconds = 30;
  CHECK(tap(*display, view, "pin:7").empty());

  view.screen = Screen::admin;
  view.admin.sessions = sample_sessions();
  CHECK(has(tap(*display, view, "admin.tab:settings"), Intent::Kind::admin_tab, {},
            static_cast<int>(AdminTab::settings)));
  CHECK(has(tap(*display, view, "served:s-art"), Intent::Kind::toggle_served, "s-art"));
  view.admin.tab = AdminTab::settings;
  view.admin.volume_percent = 40;
  CHECK(has(tap(*display, view, "volume:up"), Intent::Kind::set_volume, {}, 50));
  CHECK(has(tap(*display, view, "setting:high_contrast"), Intent::Kind::toggle_high_contrast));
  CHECK(has(tap(*display, view, "setting:feedback"), Intent::Kind::toggle_feedback));
}

TEST_CASE("a frame that throws half-way is discarded and the next one draws normally") {
  auto display = open_headless(800, 480);
  auto view = base_view("en");
  for (int attempt = 0; attempt < 3; ++attempt) {
    display->begin_frame();
    try {
      ImGui::Begin("half-drawn");
      ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(1, 2, 3, 255));
      ImGui::PushStyleVar(ImGuiStyleVar_Alpha, 0.5f);
      ImGui::PushFont(display->fonts().large);
      ImGui::PushID("x");
      ImGui::BeginGroup();
      ImGui::BeginChild("child", ImVec2(100, 100));
      throw std::runtime_error("a screen failed");
    } catch (const std::runtime_error&) {
      display->discard_frame();
    }
    CHECK_FALSE(display->in_frame());
    const auto report = render(*display, view, {});
    CHECK(report.button("no_pass") != nullptr);
    CHECK(ImGui::GetCurrentContext()->ColorStack.Size == 0);
    CHECK(ImGui::GetCurrentContext()->StyleVarStack.Size == 0);
  }
  // Also when the failure happens before any window was begun.
  display->begin_frame();
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(1, 2, 3, 255));
  display->discard_frame();
  CHECK(render(*display, view, {}).button("staff") != nullptr);
  // Calling it outside a frame does nothing.
  display->discard_frame();
}

TEST_CASE("the preview texture is uploaded once per camera frame") {
  auto display = open_headless(640, 480);
  FakeCamera camera;
  display->begin_frame();
  ImTextureID first = display->update_preview(camera.pixels.data(), camera.width, camera.height, camera.width, 1);
  ImTextureID again = display->update_preview(camera.pixels.data(), camera.width, camera.height, camera.width, 1);
  CHECK(first != nullptr);
  CHECK(first == again);
  CHECK(display->update_preview(nullptr, 0, 0, 0, 2) == nullptr);
  std::vector<std::uint8_t> smaller(160 * 120, 128);
  CHECK(display->update_preview(smaller.data(), 160, 120, 160, 3) != nullptr);
  display->end_frame();
}

TEST_CASE("a window resize event is the display's business") {
  auto display = open_headless(800, 480);
  SDL_Event e{};
  e.type = SDL_WINDOWEVENT;
  e.window.event = SDL_WINDOWEVENT_SIZE_CHANGED;
  e.window.data1 = 800;
  e.window.data2 = 480;
  CHECK(display->process_event(e));
  SDL_Event other{};
  other.type = SDL_USEREVENT;
  CHECK_FALSE(display->process_event(other));
}

TEST_CASE("only one display at a time") {
  auto display = open_headless(800, 480);
  platform::DisplayOptions options;
  options.mode = platform::DisplayMode::headless;
  CHECK_FALSE(platform::Display::open(options));
}
