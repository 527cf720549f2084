// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What every screen draws with: the window's metrics, translated words, and text and
// buttons that record themselves in the FrameReport.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checkin/ui/screens.hpp"
#include "imgui.h"

namespace checkin::ui {

enum class Align { left, center, right };

enum class ButtonStyle {
  normal,    // pale, outlined
  primary,   // the main action: filled
  selected,  // a chosen option
  key,       // keyboard and PIN keys
  quiet,     // the discreet staff button: outline only
};

enum class Icon { none, check, info, clock, heart, hand, talk, person, lock, camera, camera_off, backspace, shift, people };

using Args = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class Canvas {
 public:
  Canvas(const ViewState& view, const DrawInput& input, FrameReport& report, std::vector<Intent>& intents);

  const ViewState& view;
  const Theme& theme;
  const Fonts& fonts;
  const Translator& translator;
  ImTextureID preview_texture;

  float W = 0, H = 0;  // window
  float u = 28;        // body text size: the unit every length scales with
  float m = 24;        // outer margin
  float g = 12;        // gap between things
  float T = 64;        // touch target height (>= kMinTouchTarget)
  float rounding = 16;
  bool portrait = false;

  std::string t(std::string_view key) const;
  std::string f(std::string_view key, Args args) const;
  void emit(Intent intent) { intents_.push_back(std::move(intent)); }

  // Text
  float px(const ImFont* font) const;
  ImVec2 measure(const ImFont* font, std::string_view text, float wrap_width = 0) const;
  std::vector<std::string_view> wrap(const ImFont* font, std::string_view text, float width) const;
  // Draws `text` wrapped to `width`, from `pos` (its top edge), aligned within
  // [pos.x, pos.x + width]. Returns the height used.
  // At most `max_lines` (0: no limit); a line that does not fit ends in "…".
  float text(const ImFont* font, std::string_view text, ImVec2 pos, float width, Color fg, Color bg,
             Align align = Align::left, int max_lines = 0);
  std::string elide(const ImFont* font, std::string_view line, float width, bool force = false) const;
  // The largest of `candidates` whose wrapped text fits in `box` (the smallest otherwise),
  // drawn vertically centred in the box when `vcenter`. Returns the height used.
  float text_in(std::initializer_list<ImFont*> candidates, std::string_view text, Rect box, Color fg, Color bg,
                Align align = Align::left, bool vcenter = false);
  // Height `text` takes with the first of `candidates` that fits `width` within max_lines.
  ImFont* pick_font(std::initializer_list<ImFont*> candidates, std::string_view text, float width, int max_lines) const;

  // Buttons: registered under `name`; true on the frame it was tapped (never when disabled).
  bool button(const std::string& name, Rect r, std::string_view label, ButtonStyle style = ButtonStyle::normal,
              Icon icon = Icon::none, bool enabled = true);
  // An invisible touch area over something drawn separately (the Result screen, a card).
  bool touch_area(const std::string& name, Rect r, std::string_view label, bool enabled = true);
  bool last_pressed_look() const { return last_held_; }  // the button just drawn is held down
  const std::vector<TextInfo>& texts_drawn() const { return report_.texts; }
  // Text drawn by an ImGui widget (the admin's path field), recorded like our own.
  void record_external_text(std::string_view text, Rect r, const ImFont* font, Color fg, Color bg) {
    record_text(text, r, font, fg, bg);
  }

  // Shapes
  ImDrawList* dl() const { return ImGui::GetWindowDrawList(); }
  void fill(Rect r, Color c, float round = -1) const;
  void outline(Rect r, Color c, float thickness, float round = -1) const;
  // `cutout`: the colour behind, for the parts of an icon drawn as holes.
  void icon(Icon icon, ImVec2 center, float size, Color color, Color cutout = {}) const;
  void icon_disc(Icon icon, ImVec2 center, float radius, Color disc, Color mark) const;
  void face(ImVec2 center, float radius, int mood, Color skin, Color ink) const;

  // A vertically scrolling list (admin screen): draw inside with absolute positions from
  // scroll_origin(); drag with a finger to scroll.
  void begin_scroll(const char* id, Rect r);
  ImVec2 scroll_origin() const { return scroll_origin_; }
  void end_scroll(float content_height);
  bool scrolling() const { return in_scroll_; }

  // What lies under what is drawn next (for disabled buttons and contrast records).
  Color background_under() const { return bg_stack_.empty() ? theme.background : bg_stack_.back(); }
  void push_background(Color c) { bg_stack_.push_back(c); }
  void pop_background() { bg_stack_.pop_back(); }

 private:
  FrameReport& report_;
  std::vector<Intent>& intents_;
  bool in_scroll_ = false;
  ImVec2 scroll_origin_{};
  Rect scroll_rect_{};
  bool last_held_ = false;
  std::vector<Color> bg_stack_;

  Rect clip() const;
  void record_text(std::string_view text, Rect r, const ImFont* font, Color fg, Color bg);
};

// Common pieces of several screens.
// The top bar: site name and clock on the left; language buttons on the right, then
// (Ready only) the sync dot and the discreet staff button. Returns its bottom edge.
float draw_top_bar(Canvas& c, bool with_staff);
// The sync state's small mark (Ready's top bar, the admin Sync tab): colour and shape.
void draw_sync_mark(Canvas& c, ImVec2 center, float radius, SyncDot dot);
// "3 h 20 min", "45 min", translated; never split over two lines.
std::string duration_words(const Canvas& c, Millis duration);
// "A group session" for discreet programs, else the title; never the room of a discreet one.
std::string session_title(const Canvas& c, const SessionCard& card);
std::string session_details(const Canvas& c, const SessionCard& card);  // "18:00–19:30 · Main hall"
// A big button for one session: its title over its time and room; "Full" when full.
bool session_button(Canvas& c, const std::string& name, Rect r, const SessionCard& card, bool selected);
// Height a session button needs for its two lines.
float session_button_height(const Canvas& c);

void draw_ready(Canvas& c);
void draw_result(Canvas& c);
void draw_choose(Canvas& c);
void draw_no_pass(Canvas& c);
// The large on-screen keyboard (letters for English and Spanish names): keys emit
// type_text, erase_text and toggle_shift. Four rows of ten key units in `kb`.
void draw_keyboard(Canvas& c, Rect kb, float key_w, float key_h, float gap, bool shifted);
void draw_feedback(Canvas& c);
void draw_privacy(Canvas& c);
void draw_pin(Canvas& c);
void draw_admin(Canvas& c);

}  // namespace checkin::ui
