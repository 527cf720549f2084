// SPDX-License-Identifier: AGPL-3.0-or-later
// Icons drawn with ImGui's draw list: no image files, crisp at every size, and coloured
// by the theme. Each fits a square of side `size` centred on `center`.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "canvas.hpp"

namespace checkin::ui {

namespace {

struct Pen {
  ImDrawList* dl;
  ImVec2 c;
  float s;
  ImU32 col;

  ImVec2 at(float x, float y) const { return ImVec2(c.x + x * s, c.y + y * s); }
  // A stroke with round ends.
  void line(float x0, float y0, float x1, float y1, float width) const {
    dl->AddLine(at(x0, y0), at(x1, y1), col, width * s);
    dl->AddCircleFilled(at(x0, y0), width * s / 2, col, 16);
    dl->AddCircleFilled(at(x1, y1), width * s / 2, col, 16);
  }
  void poly(std::initializer_list<ImVec2> unit_points, float width, bool closed) const {
    std::vector<ImVec2> points;
    for (const auto& p : unit_points) points.push_back(at(p.x, p.y));
    dl->AddPolyline(points.data(), static_cast<int>(points.size()), col, closed ? ImDrawFlags_Closed : 0, width * s);
    if (!closed)
      for (const auto& p : points) dl->AddCircleFilled(p, width * s / 2, col, 12);
  }
  void disc(float x, float y, float r) const { dl->AddCircleFilled(at(x, y), r * s, col, 32); }
  void ring(float x, float y, float r, float width) const { dl->AddCircle(at(x, y), r * s, col, 48, width * s); }
  void box(float x0, float y0, float x1, float y1, float round) const {
    dl->AddRectFilled(at(x0, y0), at(x1, y1), col, round * s);
  }
  void frame(float x0, float y0, float x1, float y1, float round, float width) const {
    dl->AddRect(at(x0, y0), at(x1, y1), col, round * s, 0, width * s);
  }
};

void person(const Pen& p, float dx, float scale) {
  p.disc(dx, -0.2f * scale, 0.16f * scale);
  p.dl->PathArcTo(p.at(dx, 0.38f * scale), 0.3f * scale * p.s, std::numbers::pi_v<float>, 2 * std::numbers::pi_v<float>, 24);
  p.dl->PathFillConvex(p.col);
}

}  // namespace

void Canvas::icon(Icon kind, ImVec2 center, float size, Color color, Color cutout) const {
  const Pen p{dl(), center, size, color.packed()};
  constexpr float pi = std::numbers::pi_v<float>;
  switch (kind) {
    case Icon::none: break;
    case Icon::check: p.poly({{-0.32f, 0.02f}, {-0.1f, 0.25f}, {0.34f, -0.22f}}, 0.12f, false); break;
    case Icon::info:
      p.disc(0, -0.27f, 0.075f);
      p.line(0, -0.06f, 0, 0.3f, 0.13f);
      break;
    case Icon::clock:
      p.ring(0, 0, 0.38f, 0.08f);
      p.line(0, 0, 0, -0.22f, 0.08f);
      p.line(0, 0, 0.16f, 0.09f, 0.08f);
      break;
    case Icon::heart: {
      // The classic heart curve, as a fan from the cleft at the top (it is star-shaped
      // from there, so the fan covers it exactly).
      constexpr int n = 64;
      std::array<ImVec2, n> points;
      for (int i = 0; i < n; ++i) {
        const float t = 2 * pi * static_cast<float>(i) / n;
        const float x = 16 * std::pow(std::sin(t), 3.f);
        const float y = 13 * std::cos(t) - 5 * std::cos(2 * t) - 2 * std::cos(3 * t) - std::cos(4 * t);
        points[static_cast<std::size_t>(i)] = p.at(x / 40.f, -(y + 2.5f) / 40.f);
      }
      p.dl->AddConvexPolyFilled(points.data(), n, p.col);
      break;
    }
    case Icon::hand:  // an open, raised palm: "please see a volunteer"
      p.box(-0.22f, -0.04f, 0.25f, 0.4f, 0.13f);
      p.line(-0.165f, 0.02f, -0.165f, -0.26f, 0.1f);
      p.line(-0.05f, 0.0f, -0.05f, -0.36f, 0.1f);
      p.line(0.07f, 0.0f, 0.07f, -0.34f, 0.1f);
      p.line(0.19f, 0.04f, 0.19f, -0.22f, 0.1f);
      p.line(-0.17f, 0.2f, -0.36f, 0.0f, 0.1f);
      break;
    case Icon::talk: {  // a speech bubble: "let's talk", for "please see a volunteer"
      p.box(-0.4f, -0.32f, 0.4f, 0.2f, 0.14f);
      p.dl->AddTriangleFilled(p.at(-0.22f, 0.12f), p.at(-0.02f, 0.16f), p.at(-0.28f, 0.38f), p.col);
      const ImU32 hole = cutout.packed();
      for (float x : {-0.2f, 0.0f, 0.2f}) p.dl->AddCircleFilled(p.at(x, -0.06f), 0.065f * size, hole, 16);
      break;
    }
    case Icon::person: person(p, 0, 1); break;
    case Icon::people:
      person(p, -0.2f, 0.8f);
      person(p, 0.2f, 0.8f);
      break;
    case Icon::lock:
      p.box(-0.26f, -0.04f, 0.26f, 0.36f, 0.06f);
      p.dl->PathArcTo(p.at(0, -0.06f), 0.17f * size, pi, 2 * pi, 20);
      p.dl->PathLineTo(p.at(0.17f, 0.0f));
      p.dl->PathStroke(p.col, 0, 0.08f * size);
      p.dl->PathLineTo(p.at(-0.17f, 0.0f));
      p.dl->PathLineTo(p.at(-0.17f, -0.06f));
      p.dl->PathStroke(p.col, 0, 0.08f * size);
      break;
    case Icon::camera:
    case Icon::camera_off:
      p.frame(-0.4f, -0.2f, 0.4f, 0.3f, 0.08f, 0.07f);
      p.box(-0.16f, -0.31f, 0.1f, -0.18f, 0.03f);
      p.ring(0, 0.05f, 0.14f, 0.07f);
      if (kind == Icon::camera_off) p.line(-0.36f, 0.38f, 0.36f, -0.34f, 0.07f);
      break;
    case Icon::backspace:
      p.poly({{-0.42f, 0}, {-0.18f, -0.25f}, {0.4f, -0.25f}, {0.4f, 0.25f}, {-0.18f, 0.25f}}, 0.07f, true);
      p.line(0.0f, -0.1f, 0.2f, 0.1f, 0.07f);
      p.line(0.0f, 0.1f, 0.2f, -0.1f, 0.07f);
      break;
    case Icon::shift:
      p.poly({{0, -0.38f}, {0.34f, 0.0f}, {0.15f, 0.0f}, {0.15f, 0.34f}, {-0.15f, 0.34f}, {-0.15f, 0.0f}, {-0.34f, 0.0f}},
             0.07f, true);
      break;
  }
}

void Canvas::icon_disc(Icon kind, ImVec2 center, float radius, Color disc, Color mark) const {
  dl()->AddCircleFilled(center, radius, disc.packed(), 64);
  icon(kind, center, radius * 1.15f, mark, disc);
}

// A simple face for the feedback scale: mood 1 (a low day) to 5 (a great one).
void Canvas::face(ImVec2 center, float r, int mood, Color skin, Color ink) const {
  ImDrawList* d = dl();
  d->AddCircleFilled(center, r, skin.packed(), 48);
  d->AddCircle(center, r, ink.packed(), 48, std::max(2.f, r * 0.06f));
  const ImU32 col = ink.packed();
  d->AddCircleFilled(ImVec2(center.x - r * 0.33f, center.y - r * 0.2f), r * 0.09f, col, 16);
  d->AddCircleFilled(ImVec2(center.x + r * 0.33f, center.y - r * 0.2f), r * 0.09f, col, 16);
  static constexpr float curve[] = {-0.32f, -0.14f, 0.0f, 0.2f, 0.42f};
  const float k = curve[std::clamp(mood, 1, 5) - 1];
  const float y = center.y + r * (k < 0 ? 0.42f : 0.3f);
  const ImVec2 a(center.x - r * 0.4f, y), b(center.x + r * 0.4f, y);
  const float thickness = std::max(2.f, r * 0.08f);
  d->AddBezierCubic(a, ImVec2(a.x + r * 0.2f, y + k * r), ImVec2(b.x - r * 0.2f, y + k * r), b, col, thickness, 24);
  d->AddCircleFilled(a, thickness / 2, col, 12);
  d->AddCircleFilled(b, thickness / 2, col, 12);
}

}  // namespace checkin::ui
