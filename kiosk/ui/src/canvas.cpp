// SPDX-License-Identifier: AGPL-3.0-or-later
#include "canvas.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "imgui_internal.h"

namespace checkin::ui {

Rect Rect::intersect(const Rect& o) const {
  const float x0 = std::max(x, o.x), y0 = std::max(y, o.y);
  const float x1 = std::min(right(), o.right()), y1 = std::min(bottom(), o.bottom());
  if (x1 <= x0 || y1 <= y0) return {x0, y0, 0, 0};
  return {x0, y0, x1 - x0, y1 - y0};
}

const ButtonInfo* FrameReport::button(std::string_view name) const {
  for (const auto& b : buttons)
    if (b.name == name) return &b;
  return nullptr;
}

bool FrameReport::has_text(std::string_view needle) const {
  return std::any_of(texts.begin(), texts.end(), [&](const TextInfo& t) { return t.text.find(needle) != std::string::npos; });
}

std::string FrameReport::all_text() const {
  std::string out;
  for (const auto& t : texts) out += t.text + "\n";
  return out;
}

Canvas::Canvas(const ViewState& view_state, const DrawInput& input, FrameReport& report, std::vector<Intent>& intents)
    : view(view_state),
      theme(theme_for(view_state.high_contrast)),
      fonts(input.fonts),
      translator(input.translator),
      preview_texture(input.preview_texture),
      report_(report),
      intents_(intents) {
  const ImVec2 size = ImGui::GetIO().DisplaySize;
  W = size.x;
  H = size.y;
  portrait = H > W;
  u = px(fonts.body);
  m = std::round(std::max(16.f, u * 0.85f));
  g = std::round(std::max(10.f, u * 0.45f));
  T = std::max(kMinTouchTarget, std::round(u * 2.3f));
  rounding = std::round(theme.rounding * u / 28.f);
}

std::string Canvas::t(std::string_view key) const { return translator.text(view.language, key); }
std::string Canvas::f(std::string_view key, Args args) const { return fill_placeholders(t(key), args); }

float Canvas::px(const ImFont* font) const { return font->FontSize * ImGui::GetIO().FontGlobalScale; }

ImVec2 Canvas::measure(const ImFont* font, std::string_view text, float wrap_width) const {
  if (text.empty()) return {0, px(font)};
  return font->CalcTextSizeA(px(font), FLT_MAX, wrap_width, text.data(), text.data() + text.size());
}

std::vector<std::string_view> Canvas::wrap(const ImFont* font, std::string_view text, float width) const {
  std::vector<std::string_view> lines;
  const float scale = ImGui::GetIO().FontGlobalScale;
  const char* s = text.data();
  const char* end = text.data() + text.size();
  while (s < end) {
    const char* newline = static_cast<const char*>(std::memchr(s, '\n', static_cast<std::size_t>(end - s)));
    const char* line_end = newline ? newline : end;
    const char* brk = font->CalcWordWrapPositionA(scale, s, line_end, std::max(width, 1.f));
    if (brk == s) brk = s + 1;  // a single glyph wider than the box: still make progress
    while (brk < line_end && (brk[0] & 0xC0) == 0x80) ++brk;  // never split a UTF-8 sequence
    const char* trimmed = brk;
    while (trimmed > s && trimmed[-1] == ' ') --trimmed;
    lines.emplace_back(s, static_cast<std::size_t>(trimmed - s));
    s = brk;
    while (s < line_end && *s == ' ') ++s;
    if (s == line_end && newline) s = newline + 1;
  }
  if (lines.empty()) lines.emplace_back("", 0);
  return lines;
}

Rect Canvas::clip() const {
  const ImVec2 a = dl()->GetClipRectMin(), b = dl()->GetClipRectMax();
  return {a.x, a.y, b.x - a.x, b.y - a.y};
}

void Canvas::record_text(std::string_view text, Rect r, const ImFont* font, Color fg, Color bg) {
  TextInfo info;
  info.text = std::string(text);
  info.rect = r;
  info.clip = clip();
  info.font_px = px(font);
  info.color = fg;
  info.background = bg;
  info.scrolls = in_scroll_;
  report_.texts.push_back(std::move(info));
}

std::string Canvas::elide(const ImFont* font, std::string_view line, float width, bool force) const {
  const float size = px(font);
  auto w = [&](std::string_view t) { return font->CalcTextSizeA(size, FLT_MAX, 0, t.data(), t.data() + t.size()).x; };
  if (!force && w(line) <= width + 0.5f) return std::string(line);
  std::string cut(line);
  while (!cut.empty() && cut.back() == ' ') cut.pop_back();
  if (force && w(cut + "…") <= width + 0.5f) return cut + "…";
  while (!cut.empty()) {
    do cut.pop_back();
    while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80);  // whole UTF-8 characters
    if (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0xC0) cut.pop_back();
    while (!cut.empty() && cut.back() == ' ') cut.pop_back();
    if (w(cut + "…") <= width + 0.5f) return cut + "…";
  }
  return "…";
}

float Canvas::text(const ImFont* font, std::string_view s, ImVec2 pos, float width, Color fg, Color bg, Align align,
                   int max_lines) {
  if (s.empty()) return 0;
  const float size = px(font);
  const float line_h = std::round(size * 1.18f);
  const auto wrapped = wrap(font, s, width);
  // What is drawn: every line within the width, at most max_lines, the last one ending
  // in "…" when something had to go. Nothing is ever drawn outside the box.
  std::vector<std::string> lines;
  const std::size_t keep = max_lines > 0 ? std::min(wrapped.size(), static_cast<std::size_t>(max_lines)) : wrapped.size();
  bool cut = keep < wrapped.size();
  for (std::size_t i = 0; i < keep; ++i) {
    std::string line(wrapped[i]);
    line = elide(font, line, width, cut && i + 1 == keep);
    if (line != wrapped[i]) cut = true;
    lines.push_back(std::move(line));
  }
  float widest = 0, left = pos.x + width;
  std::string drawn;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    const float w = font->CalcTextSizeA(size, FLT_MAX, 0, line.data(), line.data() + line.size()).x;
    float x = pos.x;
    if (align == Align::center) x = pos.x + (width - w) / 2;
    if (align == Align::right) x = pos.x + width - w;
    x = std::round(x);
    dl()->AddText(font, size, ImVec2(x, std::round(pos.y + static_cast<float>(i) * line_h)), fg.packed(), line.data(),
                  line.data() + line.size());
    widest = std::max(widest, w);
    left = std::min(left, x);
    drawn += (i ? " " : "") + line;
  }
  const float height = static_cast<float>(lines.size() - 1) * line_h + size;
  record_text(cut ? std::string_view(drawn) : s, {left, pos.y, widest, height}, font, fg, bg);
  return height;
}

namespace {
// A line break inside a word ("Recien|tes"): a font that needs one does not fit.
bool splits_a_word(std::string_view text, const std::vector<std::string_view>& lines) {
  const auto letter = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || (ch & 0x80); };
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const auto after = static_cast<std::size_t>(line.data() + line.size() - text.data());
    if (!line.empty() && after < text.size() && letter(line.back()) && letter(text[after])) return true;
  }
  return false;
}
}  // namespace

ImFont* Canvas::pick_font(std::initializer_list<ImFont*> candidates, std::string_view s, float width,
                          int max_lines) const {
  ImFont* chosen = nullptr;
  for (ImFont* font : candidates) {
    chosen = font;
    if (s.empty()) break;
    const auto lines = wrap(font, s, width);
    bool fits = static_cast<int>(lines.size()) <= max_lines && !splits_a_word(s, lines);
    for (const auto line : lines)
      if (font->CalcTextSizeA(px(font), FLT_MAX, 0, line.data(), line.data() + line.size()).x > width + 0.5f)
        fits = false;
    if (fits) break;
  }
  return chosen;
}

float Canvas::text_in(std::initializer_list<ImFont*> candidates, std::string_view s, Rect box, Color fg, Color bg,
                      Align align, bool vcenter) {
  ImFont* chosen = nullptr;
  float height = 0;
  for (ImFont* font : candidates) {
    chosen = font;
    const auto lines = wrap(font, s, box.w);
    const float size = px(font);
    height = static_cast<float>(lines.size() - 1) * std::round(size * 1.18f) + size;
    bool fits = height <= box.h + 0.5f && !splits_a_word(s, lines);
    for (const auto line : lines)
      if (font->CalcTextSizeA(size, FLT_MAX, 0, line.data(), line.data() + line.size()).x > box.w + 0.5f)
        fits = false;
    if (fits) break;
  }
  // Even the smallest did not fit: as many lines as the box holds.
  const float size = px(chosen), line_h = std::round(size * 1.18f);
  const int max_lines = std::max(1, static_cast<int>(std::floor((box.h - size + 0.5f) / line_h)) + 1);
  height = std::min(height, static_cast<float>(max_lines - 1) * line_h + size);
  const float y = vcenter ? box.y + std::max(0.f, (box.h - height) / 2) : box.y;
  return text(chosen, s, ImVec2(box.x, std::round(y)), box.w, fg, bg, align, max_lines);
}

void Canvas::fill(Rect r, Color c, float round) const {
  dl()->AddRectFilled(r.min(), r.max(), c.packed(), round < 0 ? rounding : round);
}

void Canvas::outline(Rect r, Color c, float thickness, float round) const {
  const float half = thickness / 2;
  dl()->AddRect(ImVec2(r.x + half, r.y + half), ImVec2(r.right() - half, r.bottom() - half), c.packed(),
                round < 0 ? rounding : round, 0, thickness);
}

bool Canvas::touch_area(const std::string& name, Rect r, std::string_view label, bool enabled) {
  ImGui::SetCursorScreenPos(r.min());
  const bool tapped = ImGui::InvisibleButton(name.c_str(), ImVec2(std::max(r.w, 1.f), std::max(r.h, 1.f)));
  last_held_ = enabled && ImGui::IsItemActive() && ImGui::IsItemHovered();
  ButtonInfo info;
  info.name = name;
  info.label = std::string(label);
  info.rect = r;
  info.clip = clip();
  info.visible = r.intersect(info.clip);
  info.enabled = enabled;
  report_.buttons.push_back(std::move(info));
  if (!enabled || !tapped) return false;
  // A finger that slid (to scroll a list) did not mean to tap.
  if (in_scroll_ && ImGui::GetIO().MouseDragMaxDistanceSqr[0] > u * u) return false;
  return true;
}

bool Canvas::button(const std::string& name, Rect r, std::string_view label, ButtonStyle style, Icon icon_kind,
                    bool enabled) {
  const bool tapped = touch_area(name, r, label, enabled);
  const bool held = last_held_;
  Color face = theme.button, ink = theme.button_text, edge = theme.border;
  ImFont* font = fonts.button;
  switch (style) {
    case ButtonStyle::normal:
      face = held ? theme.button_pressed : theme.button;
      break;
    case ButtonStyle::primary:
      face = held ? theme.primary_pressed : theme.primary;
      ink = theme.primary_text;
      edge = theme.primary;
      break;
    case ButtonStyle::selected:
      face = theme.selected;
      ink = theme.selected_text;
      edge = theme.selected;
      break;
    case ButtonStyle::key:
      face = held ? theme.key_pressed : theme.key;
      ink = theme.key_text;
      font = fonts.large;
      break;
    case ButtonStyle::quiet:
      face = held ? theme.button_pressed : background_under();
      ink = theme.text_muted;
      break;
  }
  if (!enabled) {
    // Disabled: same legible words on the page colour, with a dashed-looking thin edge.
    face = background_under();
    ink = theme.text_muted;
  }
  fill(r, face);
  if (!enabled)
    outline(r, theme.border, 1.f);
  else if (style != ButtonStyle::primary && style != ButtonStyle::selected)
    outline(r, edge, theme.border_width);

  const float pad = std::round(std::min(u * 0.6f, r.h * 0.2f));
  Rect inner{r.x + pad, r.y + 2, r.w - 2 * pad, r.h - 4};
  if (icon_kind != Icon::none && label.empty()) {
    icon(icon_kind, r.center(), std::min(r.w, r.h) * 0.5f, ink);
  } else if (icon_kind != Icon::none) {
    const float size = std::min(u * 1.3f, r.h * 0.6f);
    const auto label_size = measure(font, label);
    const float total = size + g + label_size.x;
    float x = total < inner.w ? r.x + (r.w - total) / 2 : inner.x;
    icon(icon_kind, ImVec2(x + size / 2, r.y + r.h / 2), size, ink);
    x += size + g;
    bg_stack_.push_back(face);
    text_in({font, fonts.small}, label, {x, inner.y, inner.right() - x, inner.h}, ink, face, Align::left, true);
    bg_stack_.pop_back();
  } else if (!label.empty()) {
    bg_stack_.push_back(face);
    const bool one_character = !label.empty() && ImTextCountCharsFromUtf8(label.data(), label.data() + label.size()) == 1;
    if (style == ButtonStyle::key && one_character)
      text_in({font, fonts.button}, label, inner, ink, face, Align::center, true);
    else if (style == ButtonStyle::key)
      text_in({fonts.button, fonts.small}, label, inner, ink, face, Align::center, true);
    else
      text_in({font, fonts.small}, label, inner, ink, face, Align::center, true);
    bg_stack_.pop_back();
  }
  return tapped;
}

void Canvas::begin_scroll(const char* id, Rect r) {
  ImGui::SetCursorScreenPos(r.min());
  ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarSize, std::round(std::max(14.f, u * 0.5f)));
  ImGui::PushStyleVar(ImGuiStyleVar_ScrollbarRounding, 6.f);
  ImGui::PushStyleColor(ImGuiCol_ScrollbarBg, ImVec4(0, 0, 0, 0));
  ImGui::PushStyleColor(ImGuiCol_ScrollbarGrab, ImGui::ColorConvertU32ToFloat4(theme.border.packed()));
  ImGui::PushStyleColor(ImGuiCol_ScrollbarGrabHovered, ImGui::ColorConvertU32ToFloat4(theme.border.packed()));
  ImGui::PushStyleColor(ImGuiCol_ScrollbarGrabActive, ImGui::ColorConvertU32ToFloat4(theme.text_muted.packed()));
  ImGui::BeginChild(id, ImVec2(r.w, r.h), false, ImGuiWindowFlags_NoBackground);
  // Touch scrolling: a finger dragged anywhere over the list moves it.
  if (ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem) &&
      ImGui::IsMouseDragging(ImGuiMouseButton_Left, u * 0.5f)) {
    ImGui::SetScrollY(ImGui::GetScrollY() - ImGui::GetIO().MouseDelta.y);
  }
  in_scroll_ = true;
  scroll_rect_ = r;
  scroll_origin_ = ImGui::GetCursorScreenPos();
}

void Canvas::end_scroll(float content_height) {
  ImGui::SetCursorScreenPos(ImVec2(scroll_origin_.x, scroll_origin_.y + std::max(content_height - 1, 0.f)));
  ImGui::Dummy(ImVec2(1, 1));
  ImGui::EndChild();
  ImGui::PopStyleColor(4);
  ImGui::PopStyleVar(2);
  in_scroll_ = false;
}

}  // namespace checkin::ui
