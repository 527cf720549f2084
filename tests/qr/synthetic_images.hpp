// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Synthetic camera images for the QR blackbox tests and the decode benchmark: planar
// "documents" (a printed card, a phone screen, a bare code) projected into a scene
// through a homography, then degraded the way real cameras and rooms degrade them
// (blur, noise, uneven light, glare, screen moire, JPEG).
//
// Header-only so that tests/bench can use it without a library of its own. Everything
// is deterministic for a given seed: no std:: distributions (their output differs
// between standard libraries), only our own generator.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "checkin/qr/encode.hpp"
#include "checkin/qr/image.hpp"

namespace checkin::qr::synth {

// splitmix64: tiny, fast and identical everywhere.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  int integer(int low, int high) {  // inclusive
    return low + static_cast<int>(next() % static_cast<std::uint64_t>(high - low + 1));
  }
  bool chance(double probability) { return uniform() < probability; }

 private:
  std::uint64_t state_;
};

struct Vec2 {
  double x = 0, y = 0;
};
using Quad = std::array<Vec2, 4>;  // top-left, top-right, bottom-right, bottom-left

// A float gray image; values are clamped to 0..255 only when converted back.
struct Canvas {
  int width = 0, height = 0;
  std::vector<float> pixels;

  Canvas(int w, int h, float fill = 0) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h, fill) {}
  float& at(int x, int y) { return pixels[static_cast<std::size_t>(y) * width + x]; }
  float at(int x, int y) const { return pixels[static_cast<std::size_t>(y) * width + x]; }

  GrayImage to_gray() const {
    GrayImage image(width, height);
    for (std::size_t i = 0; i < pixels.size(); ++i)
      image.data()[i] = static_cast<std::uint8_t>(std::clamp(std::lround(pixels[i]), 0L, 255L));
    return image;
  }
};

// Maps points of one plane to another (3x3, row-major, m[8] normalised to 1).
struct Homography {
  std::array<double, 9> m{1, 0, 0, 0, 1, 0, 0, 0, 1};

  Vec2 map(double x, double y) const {
    const double w = m[6] * x + m[7] * y + m[8];
    return {(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w};
  }

  // The homography taking from[i] to to[i] (solves the 8x8 system by Gaussian elimination).
  static Homography between(const Quad& from, const Quad& to) {
    double a[8][9] = {};
    for (int i = 0; i < 4; ++i) {
      const double x = from[i].x, y = from[i].y, u = to[i].x, v = to[i].y;
      const double row1[9] = {x, y, 1, 0, 0, 0, -u * x, -u * y, u};
      const double row2[9] = {0, 0, 0, x, y, 1, -v * x, -v * y, v};
      std::copy_n(row1, 9, a[2 * i]);
      std::copy_n(row2, 9, a[2 * i + 1]);
    }
    for (int col = 0; col < 8; ++col) {
      int pivot = col;
      for (int r = col + 1; r < 8; ++r)
        if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
      for (int k = 0; k < 9; ++k) std::swap(a[col][k], a[pivot][k]);
      for (int r = 0; r < 8; ++r) {
        if (r == col || a[col][col] == 0) continue;
        const double factor = a[r][col] / a[col][col];
        for (int k = col; k < 9; ++k) a[r][k] -= factor * a[col][k];
      }
    }
    Homography h;
    for (int i = 0; i < 8; ++i) h.m[i] = a[i][i] == 0 ? 0 : a[i][8] / a[i][i];
    h.m[8] = 1;
    return h;
  }
};

// A flat thing that can be photographed: gray value at document coordinates (u, v)
// within [0, width) x [0, height).
struct Document {
  double width = 0, height = 0;
  std::function<float(double u, double v)> shade;
  Vec2 code_centre{};       // where the QR code sits on it, if it shows one
  double code_width = 0;    // the code's width including its quiet zone
};

inline Quad corners_of(const Document& document) {
  return {Vec2{0, 0}, Vec2{document.width, 0}, Vec2{document.width, document.height}, Vec2{0, document.height}};
}

// How the camera integrates a document. Area sampling averages a grid of sub-samples per
// pixel (a real sensor's integration, anti-aliased); point sampling takes one sample per
// pixel, which lets fine periodic detail alias into moire as it does on screen photos.
enum class Sampling { area, point };

// Paints `document` into `scene` so that its corners land on `placement`; pixels only
// partly covered blend with what is already there.
inline void paint(Canvas& scene, const Document& document, const Quad& placement, Sampling sampling = Sampling::area,
                  int subsamples = 2) {
  const Homography scene_to_document = Homography::between(placement, corners_of(document));
  double min_x = placement[0].x, max_x = min_x, min_y = placement[0].y, max_y = min_y;
  for (const Vec2& p : placement) {
    min_x = std::min(min_x, p.x), max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y), max_y = std::max(max_y, p.y);
  }
  const int x0 = std::max(0, static_cast<int>(std::floor(min_x))), x1 = std::min(scene.width - 1, static_cast<int>(max_x));
  const int y0 = std::max(0, static_cast<int>(std::floor(min_y))), y1 = std::min(scene.height - 1, static_cast<int>(max_y));
  const int n = sampling == Sampling::point ? 1 : std::max(subsamples, 1);
  for (int y = y0; y <= y1; ++y)
    for (int x = x0; x <= x1; ++x) {
      double sum = 0;
      int covered = 0;
      for (int sy = 0; sy < n; ++sy)
        for (int sx = 0; sx < n; ++sx) {
          const Vec2 d = scene_to_document.map(x + (sx + 0.5) / n, y + (sy + 0.5) / n);
          if (d.x < 0 || d.y < 0 || d.x >= document.width || d.y >= document.height) continue;
          sum += document.shade(d.x, d.y);
          ++covered;
        }
      if (covered == 0) continue;
      const double coverage = static_cast<double>(covered) / (n * n);
      scene.at(x, y) = static_cast<float>((1 - coverage) * scene.at(x, y) + sum / (n * n));
    }
}

// --- documents ------------------------------------------------------------------------

// A code in module units: quiet_zone modules of light around the matrix.
inline Document code_document(const QrMatrix& matrix, float dark = 20, float light = 235, int quiet_zone = 4) {
  const int side = matrix.size + 2 * quiet_zone;
  return Document{static_cast<double>(side), static_cast<double>(side),
                  [=](double u, double v) {
                    const int mx = static_cast<int>(u) - quiet_zone, my = static_cast<int>(v) - quiet_zone;
                    const bool is_dark = mx >= 0 && my >= 0 && mx < matrix.size && my < matrix.size && matrix.dark(mx, my);
                    return is_dark ? dark : light;
                  },
                  Vec2{side / 2.0, side / 2.0}, static_cast<double>(side)};
}

// A printed wallet card (units: code modules): the code on the left, lines of "text"
// on the right, a slightly off-white card.
inline Document card_document(const QrMatrix& matrix, Random& random, float paper = 225, float ink = 30) {
  const Document code = code_document(matrix, ink, paper, 3);
  const double width = code.width * 1.9, height = code.width * 1.15;
  const double code_left = code.width * 0.06, code_top = (height - code.height) / 2;
  std::vector<std::array<double, 3>> lines;  // top, length, thickness of grey "text" bars
  for (double top = height * 0.15; top < height * 0.8; top += random.uniform(4, 7))
    lines.push_back({top, random.uniform(0.3, 0.8) * code.width, random.uniform(1.2, 2.5)});
  return Document{width, height,
                  [=](double u, double v) -> float {
                    if (u >= code_left && u < code_left + code.width && v >= code_top && v < code_top + code.height)
                      return code.shade(u - code_left, v - code_top);
                    const double text_left = code_left + code.width * 1.12;
                    for (const auto& line : lines)
                      if (v >= line[0] && v < line[0] + line[2] && u >= text_left && u < text_left + line[1])
                        return ink + 60;
                    return paper;
                  },
                  Vec2{code_left + code.width / 2, code_top + code.height / 2}, code.width};
}

// A phone showing the code (units: screen pixels). The screen's pixel grid is drawn
// as dark gaps between pixels, which is what makes moire when photographed.
struct PhoneLook {
  double screen_pixels_per_module = 12;
  float black = 35, white = 245, bezel = 15;
  double pixel_gap = 0.25;  // fraction of each screen pixel that is dark gap; 0 = no grid
  bool dark_mode = false;   // app shows light modules on dark
};

inline Document phone_document(const QrMatrix& matrix, const PhoneLook& look) {
  const int side_modules = matrix.size + 2 * 4;
  const double code_side = side_modules * look.screen_pixels_per_module;
  const double screen_width = code_side * 1.35, screen_height = screen_width * 2.0;
  const double bezel = screen_width * 0.05;
  const double width = screen_width + 2 * bezel, height = screen_height + 2 * bezel * 2;
  const double code_left = bezel + (screen_width - code_side) / 2, code_top = bezel * 2 + screen_height * 0.3;
  return Document{width, height,
                  [=](double u, double v) -> float {
                    const double su = u - bezel, sv = v - 2 * bezel;
                    if (su < 0 || sv < 0 || su >= screen_width || sv >= screen_height) return look.bezel;
                    bool lit = true;  // screen background
                    const double cu = (u - code_left) / look.screen_pixels_per_module;
                    const double cv = (v - code_top) / look.screen_pixels_per_module;
                    if (cu >= 0 && cv >= 0 && cu < side_modules && cv < side_modules) {
                      const int mx = static_cast<int>(cu) - 4, my = static_cast<int>(cv) - 4;
                      lit = !(mx >= 0 && my >= 0 && mx < matrix.size && my < matrix.size && matrix.dark(mx, my));
                    }
                    if (look.dark_mode) lit = !lit;
                    float value = lit ? look.white : look.black;
                    const double fu = su - std::floor(su), fv = sv - std::floor(sv);
                    if (fu < look.pixel_gap || fv < look.pixel_gap) value = look.black + (value - look.black) * 0.25f;
                    return value;
                  },
                  Vec2{code_left + code_side / 2, code_top + code_side / 2}, code_side};
}

// The document bent around a vertical cylinder of the given radius (document units),
// seen from the front: a card curled in a hand, a phone's curved screen edge.
inline Document bent(const Document& flat, double radius) {
  const double half = flat.width / 2;
  const double apparent_half = radius * std::sin(std::min(half / radius, std::numbers::pi / 2));
  Document curved = flat;
  curved.width = 2 * apparent_half;
  curved.shade = [flat, radius, half, apparent_half](double x, double v) {
    const double arc = radius * std::asin(std::clamp((x - apparent_half) / radius, -1.0, 1.0));
    return flat.shade(std::clamp(half + arc, 0.0, flat.width - 1e-9), v);
  };
  const double code_arc = flat.code_centre.x - half;
  curved.code_centre.x = apparent_half + radius * std::sin(std::clamp(code_arc / radius, -std::numbers::pi / 2, std::numbers::pi / 2));
  return curved;
}

// Cloth: a document printed on fabric. The weave darkens the gaps between threads
// (`thread_period` document units apart), small wrinkles ripple the surface, and each
// crease folds it along a line: the cloth on the far side is pulled under by `shift`
// (part of the print hidden) and the fold's two flanks are lit unevenly.
struct Crease {
  Vec2 point;          // a point on the crease line, document units
  double degrees = 0;  // direction of the line's normal
  double width = 1;    // how sharp the fold is
  double shift = 0.5;  // print hidden in the fold
  double depth = 0.5;  // 0..1: how strongly the fold is shaded
};

inline Document on_cloth(const Document& flat, std::vector<Crease> creases, double thread_period, float weave_contrast,
                         double wrinkle_amplitude, double wrinkle_wavelength, double wrinkle_phase) {
  Document cloth = flat;
  cloth.shade = [flat, creases = std::move(creases), thread_period, weave_contrast, wrinkle_amplitude, wrinkle_wavelength,
                 wrinkle_phase](double u, double v) {
    const double tau = 2 * std::numbers::pi;
    double su = u + wrinkle_amplitude * std::sin(tau * v / wrinkle_wavelength + wrinkle_phase);
    double sv = v + wrinkle_amplitude * 0.6 * std::sin(tau * u / (wrinkle_wavelength * 1.3) + 2 * wrinkle_phase);
    double gain = 1;
    for (const Crease& crease : creases) {
      const double nx = std::cos(crease.degrees * std::numbers::pi / 180), ny = std::sin(crease.degrees * std::numbers::pi / 180);
      const double d = (u - crease.point.x) * nx + (v - crease.point.y) * ny;
      const double pulled = crease.shift / (1 + std::exp(-d / (0.25 * crease.width)));
      su += pulled * nx, sv += pulled * ny;
      const double ridge = std::exp(-(d * d) / (crease.width * crease.width));
      gain *= 1 - crease.depth * (0.45 * ridge * d / crease.width + 0.3 * std::exp(-4 * d * d / (crease.width * crease.width)));
    }
    su = std::clamp(su, 0.0, flat.width - 1e-9), sv = std::clamp(sv, 0.0, flat.height - 1e-9);
    const double warp = std::abs(std::sin(std::numbers::pi * u / thread_period));
    const double weft = std::abs(std::sin(std::numbers::pi * v / thread_period));
    const float weave = 1 - weave_contrast * static_cast<float>(1 - 0.5 * (warp + weft));
    return static_cast<float>(flat.shade(su, sv) * weave * gain);
  };
  return cloth;
}

// A specular highlight along a curved surface: a band of added light parallel to a
// bottle's axis, at `centre` (document units across) and `width` wide.
inline Document with_highlight(const Document& base, double centre, double width, double strength) {
  Document lit = base;
  lit.shade = [base, centre, width, strength](double u, double v) {
    const double t = (u - centre) / width;
    return std::min(255.0f, base.shade(u, v) + static_cast<float>(strength * std::exp(-t * t)));
  };
  return lit;
}

// A code with less quiet zone than the standard's four modules, printed into a busy
// design: `margin` modules of light, then ink (a solid panel, text lines or blocks)
// up to the document's edge, `surround` modules further out.
inline Document in_busy_design(const QrMatrix& matrix, double margin, double surround, Random& random, float dark = 25,
                               float light = 230) {
  const double side = matrix.size + 2 * (margin + surround);
  const double code_left = margin + surround;
  const int style = random.integer(0, 2);
  std::vector<std::uint8_t> blocks(static_cast<std::size_t>(std::ceil(side)) * static_cast<std::size_t>(std::ceil(side)));
  for (auto& b : blocks) b = random.chance(0.45);
  const int stride = static_cast<int>(std::ceil(side));
  const double line_pitch = random.uniform(1.6, 2.6);
  return Document{side, side,
                  [=](double u, double v) -> float {
                    const double cu = u - code_left, cv = v - code_left;
                    if (cu >= 0 && cv >= 0 && cu < matrix.size && cv < matrix.size)
                      return matrix.dark(static_cast<int>(cu), static_cast<int>(cv)) ? dark : light;
                    if (cu >= -margin && cv >= -margin && cu < matrix.size + margin && cv < matrix.size + margin) return light;
                    switch (style) {
                      case 0: return dark + 15;  // a dark card with a white box for the code
                      case 1: return std::fmod(v, line_pitch) < line_pitch * 0.45 ? dark + 40 : light;  // text lines
                      default: return blocks[static_cast<std::size_t>(v) * stride + static_cast<std::size_t>(u)] ? dark : light;
                    }
                  },
                  Vec2{side / 2, side / 2}, matrix.size + 2 * margin};
}

// --- placements -----------------------------------------------------------------------

// The document's corners after scaling it to `size` pixels wide and rotating it by
// `degrees` so that its point `anchor` (document units) lands on `target`.
inline Quad placed(const Document& document, double size, double degrees, Vec2 target, Vec2 anchor) {
  const double scale = size / document.width;
  const double c = std::cos(degrees * std::numbers::pi / 180), s = std::sin(degrees * std::numbers::pi / 180);
  Quad quad;
  const Quad corners = corners_of(document);
  for (int i = 0; i < 4; ++i) {
    const double x = (corners[i].x - anchor.x) * scale, y = (corners[i].y - anchor.y) * scale;
    quad[i] = Vec2{target.x + c * x - s * y, target.y + s * x + c * y};
  }
  return quad;
}

// Same, centred on `target`.
inline Quad placed(const Document& document, double size, double degrees, Vec2 target) {
  return placed(document, size, degrees, target, Vec2{document.width / 2, document.height / 2});
}

// Places a document so that its code is `code_size` pixels wide and centred on `target`.
inline Quad placed_by_code(const Document& document, double code_size, double degrees, Vec2 target) {
  return placed(document, code_size * document.width / document.code_width, degrees, target, document.code_centre);
}

// Where a point of a placed document ends up in the scene.
inline Vec2 scene_point(const Document& document, const Quad& placement, Vec2 document_point) {
  return Homography::between(corners_of(document), placement).map(document_point.x, document_point.y);
}

// Tilts a placement as a camera at an angle would see it: the document rotated
// about its vertical (yaw) and horizontal (pitch) axes, viewed by a pinhole camera
// at `distance` document-widths.
inline Quad tilted(const Quad& quad, double yaw_degrees, double pitch_degrees, double distance = 2.5) {
  Vec2 centre{0, 0};
  for (const Vec2& p : quad) centre.x += p.x / 4, centre.y += p.y / 4;
  const double width = std::hypot(quad[1].x - quad[0].x, quad[1].y - quad[0].y);
  const double focal = distance * width;
  const double yaw = yaw_degrees * std::numbers::pi / 180, pitch = pitch_degrees * std::numbers::pi / 180;
  Quad result;
  for (int i = 0; i < 4; ++i) {
    double x = quad[i].x - centre.x, y = quad[i].y - centre.y, z = 0;
    const double x1 = x * std::cos(yaw) + z * std::sin(yaw), z1 = -x * std::sin(yaw) + z * std::cos(yaw);
    const double y2 = y * std::cos(pitch) - z1 * std::sin(pitch), z2 = y * std::sin(pitch) + z1 * std::cos(pitch);
    const double depth = focal + z2;
    result[i] = Vec2{centre.x + x1 * focal / depth, centre.y + y2 * focal / depth};
  }
  return result;
}

// --- backgrounds ----------------------------------------------------------------------

// Smooth random variation (value noise on a coarse grid, bilinearly interpolated).
inline void add_value_noise(Canvas& canvas, Random& random, double cell, float amplitude) {
  const int gx = static_cast<int>(canvas.width / cell) + 2, gy = static_cast<int>(canvas.height / cell) + 2;
  std::vector<float> grid(static_cast<std::size_t>(gx) * gy);
  for (float& g : grid) g = static_cast<float>(random.uniform(-1, 1)) * amplitude;
  for (int y = 0; y < canvas.height; ++y)
    for (int x = 0; x < canvas.width; ++x) {
      const double fx = x / cell, fy = y / cell;
      const int ix = static_cast<int>(fx), iy = static_cast<int>(fy);
      const float tx = static_cast<float>(fx - ix), ty = static_cast<float>(fy - iy);
      const float top = grid[iy * gx + ix] * (1 - tx) + grid[iy * gx + ix + 1] * tx;
      const float bottom = grid[(iy + 1) * gx + ix] * (1 - tx) + grid[(iy + 1) * gx + ix + 1] * tx;
      canvas.at(x, y) += top * (1 - ty) + bottom * ty;
    }
}

// A cluttered room or desk: smooth shading plus random boxes, discs and lines.
inline Canvas cluttered_background(int width, int height, Random& random) {
  Canvas canvas(width, height, static_cast<float>(random.uniform(70, 170)));
  add_value_noise(canvas, random, std::max(width, height) / 4.0, 40);
  const int shapes = random.integer(8, 20);
  for (int i = 0; i < shapes; ++i) {
    const float shade = static_cast<float>(random.uniform(20, 235));
    const double cx = random.uniform(0, width), cy = random.uniform(0, height);
    const double rx = random.uniform(0.02, 0.25) * width, ry = random.uniform(0.02, 0.25) * height;
    const int kind = random.integer(0, 2);
    const double thickness = random.uniform(2, 8), angle = random.uniform(0, std::numbers::pi);
    for (int y = std::max(0, static_cast<int>(cy - ry - thickness)); y < std::min(height, static_cast<int>(cy + ry + thickness)); ++y)
      for (int x = std::max(0, static_cast<int>(cx - rx - thickness)); x < std::min(width, static_cast<int>(cx + rx + thickness)); ++x) {
        const double dx = x - cx, dy = y - cy;
        bool inside = false;
        if (kind == 0) inside = std::abs(dx) < rx && std::abs(dy) < ry;
        if (kind == 1) inside = (dx * dx) / (rx * rx) + (dy * dy) / (ry * ry) < 1;
        if (kind == 2) inside = std::abs(-std::sin(angle) * dx + std::cos(angle) * dy) < thickness / 2 &&
                                std::abs(std::cos(angle) * dx + std::sin(angle) * dy) < rx;
        if (inside) canvas.at(x, y) = shade;
      }
  }
  return canvas;
}

// --- degradations ---------------------------------------------------------------------

inline void gaussian_blur(Canvas& canvas, double sigma) {
  if (sigma < 0.2) return;
  const int radius = static_cast<int>(std::ceil(3 * sigma));
  std::vector<float> kernel(2 * radius + 1);
  float total = 0;
  for (int i = -radius; i <= radius; ++i) total += kernel[i + radius] = static_cast<float>(std::exp(-i * i / (2 * sigma * sigma)));
  for (float& k : kernel) k /= total;
  const int width = canvas.width, height = canvas.height;
  // Rows, then columns as weighted sums of whole rows; tap by tap over whole rows so
  // the loops vectorise.
  Canvas rows(width, height);
  std::vector<float> padded(static_cast<std::size_t>(width) + 2 * radius);
  for (int y = 0; y < height; ++y) {
    const float* in = &canvas.at(0, y);
    std::fill_n(padded.begin(), radius, in[0]);
    std::copy_n(in, width, padded.begin() + radius);
    std::fill_n(padded.begin() + radius + width, radius, in[width - 1]);
    float* out = &rows.at(0, y);
    for (int k = 0; k <= 2 * radius; ++k)
      for (int x = 0; x < width; ++x) out[x] += kernel[k] * padded[x + k];
  }
  for (int y = 0; y < height; ++y) {
    float* out = &canvas.at(0, y);
    std::fill(out, out + width, 0.0f);
    for (int k = -radius; k <= radius; ++k) {
      const float* in = &rows.at(0, std::clamp(y + k, 0, height - 1));
      const float weight = kernel[k + radius];
      for (int x = 0; x < width; ++x) out[x] += weight * in[x];
    }
  }
}

// Camera shake: the average of the image shifted along a line of `length` pixels.
inline void motion_blur(Canvas& canvas, double length, double degrees) {
  const int steps = std::max(2, static_cast<int>(std::ceil(length)));
  const double dx = std::cos(degrees * std::numbers::pi / 180), dy = std::sin(degrees * std::numbers::pi / 180);
  const Canvas source = canvas;
  for (int y = 0; y < canvas.height; ++y)
    for (int x = 0; x < canvas.width; ++x) {
      float sum = 0;
      for (int i = 0; i < steps; ++i) {
        const double t = (static_cast<double>(i) / (steps - 1) - 0.5) * length;
        const int sx = std::clamp(static_cast<int>(std::lround(x + t * dx)), 0, canvas.width - 1);
        const int sy = std::clamp(static_cast<int>(std::lround(y + t * dy)), 0, canvas.height - 1);
        sum += source.at(sx, sy);
      }
      canvas.at(x, y) = sum / steps;
    }
}

inline void add_sensor_noise(Canvas& canvas, Random& random, double sigma) {
  // Sum of four uniform 16-bit numbers from one draw: close enough to Gaussian for
  // noise, and many times faster than Box-Muller on 12-megapixel images.
  const float scale = static_cast<float>(sigma * std::sqrt(3.0) / 65536.0);
  for (float& p : canvas.pixels) {
    const std::uint64_t bits = random.next();
    const int sum = static_cast<int>(bits & 0xFFFF) + static_cast<int>((bits >> 16) & 0xFFFF) +
                    static_cast<int>((bits >> 32) & 0xFFFF) + static_cast<int>(bits >> 48);
    p += scale * static_cast<float>(sum - 2 * 65536);
  }
}

inline void add_salt_and_pepper(Canvas& canvas, Random& random, double fraction) {
  for (float& p : canvas.pixels)
    if (random.chance(fraction)) p = random.chance(0.5) ? 0.0f : 255.0f;
}

// Light falling off across the scene: gain goes from `darkest` to 1 along a direction.
inline void light_gradient(Canvas& canvas, double degrees, double darkest) {
  const double dx = std::cos(degrees * std::numbers::pi / 180), dy = std::sin(degrees * std::numbers::pi / 180);
  const double span = std::abs(dx) * canvas.width + std::abs(dy) * canvas.height;
  const double offset = std::min(0.0, dx * canvas.width) + std::min(0.0, dy * canvas.height);
  for (int y = 0; y < canvas.height; ++y)
    for (int x = 0; x < canvas.width; ++x) {
      const double t = (x * dx + y * dy - offset) / span;  // 0..1
      canvas.at(x, y) *= static_cast<float>(darkest + (1 - darkest) * t);
    }
}

// Lens vignetting / a lamp off to one side: gain falls off with distance from a point.
inline void vignette(Canvas& canvas, double cx, double cy, double radius, double darkest) {
  for (int y = 0; y < canvas.height; ++y)
    for (int x = 0; x < canvas.width; ++x) {
      const double r = std::hypot(x - cx, y - cy) / radius;
      canvas.at(x, y) *= static_cast<float>(darkest + (1 - darkest) * std::exp(-r * r));
    }
}

// A hard-edged shadow (a hand, the phone itself) over the half-plane beyond a line.
inline void hard_shadow(Canvas& canvas, Vec2 point, double degrees, double gain, double softness = 2) {
  const double nx = std::cos(degrees * std::numbers::pi / 180), ny = std::sin(degrees * std::numbers::pi / 180);
  for (int y = 0; y < canvas.height; ++y)
    for (int x = 0; x < canvas.width; ++x) {
      const double d = (x - point.x) * nx + (y - point.y) * ny;
      const double t = 1 / (1 + std::exp(-d / softness));  // 0 lit .. 1 shadowed
      canvas.at(x, y) *= static_cast<float>(1 - t * (1 - gain));
    }
}

// A specular reflection: light added in a soft blob, saturating at its centre.
inline void glare(Canvas& canvas, double cx, double cy, double radius_x, double radius_y, double strength) {
  for (int y = 0; y < canvas.height; ++y)
    for (int x = 0; x < canvas.width; ++x) {
      const double dx = (x - cx) / radius_x, dy = (y - cy) / radius_y;
      const double r2 = dx * dx + dy * dy;
      if (r2 > 9) continue;
      canvas.at(x, y) += static_cast<float>(strength * std::exp(-r2 / 2));
      canvas.at(x, y) = std::min(canvas.at(x, y), 255.0f);
    }
}

// Banding stripes: a screen's refresh or mains-powered lights beating with the camera's
// rolling shutter.
inline void interference(Canvas& canvas, double period, double degrees, float amplitude) {
  const double dx = std::cos(degrees * std::numbers::pi / 180), dy = std::sin(degrees * std::numbers::pi / 180);
  for (int y = 0; y < canvas.height; ++y)
    for (int x = 0; x < canvas.width; ++x)
      canvas.at(x, y) += amplitude * static_cast<float>(std::sin(2 * std::numbers::pi * (x * dx + y * dy) / period));
}

// Squeezes the range 0..255 into low..high, as a dim room or a faded print does.
inline void squeeze_range(Canvas& canvas, float low, float high) {
  for (float& p : canvas.pixels) p = low + (high - low) * std::clamp(p, 0.0f, 255.0f) / 255.0f;
}

}  // namespace checkin::qr::synth
