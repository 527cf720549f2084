// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Rendering passes as QR codes (libqrencode): the module matrix, and that matrix as a
// gray image, a PNG or an SVG.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/error.hpp"
#include "checkin/qr/image.hpp"

namespace checkin::qr {

// The modules of a QR code, without quiet zone.
struct QrMatrix {
  int version = 0;  // 1..40
  int size = 0;     // modules per side: 17 + 4 * version
  std::vector<std::uint8_t> modules;  // row-major, 1 = dark

  bool dark(int x, int y) const { return modules[static_cast<std::size_t>(y) * size + x] != 0; }

  // Calls run(x, y, length) for each horizontal run of dark modules: vector renderers draw
  // one rectangle per run (a short path, and no seams between neighbouring modules).
  template <class Run>
  void for_each_dark_run(Run&& run) const {
    for (int y = 0; y < size; ++y)
      for (int x = 0; x < size;) {
        if (!dark(x, y)) {
          ++x;
          continue;
        }
        const int start = x;
        while (x < size && dark(x, y)) ++x;
        run(start, y, x - start);
      }
  }
};

inline constexpr int kDefaultQuietZone = 4;  // modules of white border the standard asks for

// Error correction level M. Text made only of digits, upper-case letters and " $%*+-./:"
// (a base45 pass) uses the compact alphanumeric mode; anything else is encoded as bytes,
// case preserved. Empty or too long text (over a version-40 code) is an error.
Result<QrMatrix> encode(std::string_view text);

// The code as black modules on white, `scale` pixels per module, with a quiet zone.
GrayImage rasterize(const QrMatrix& matrix, int scale, int quiet_zone = kDefaultQuietZone);

Result<void> render_png(const QrMatrix& matrix, const std::filesystem::path& path, int scale,
                        int quiet_zone = kDefaultQuietZone);
Result<std::vector<std::uint8_t>> render_png(const QrMatrix& matrix, int scale,
                                             int quiet_zone = kDefaultQuietZone);

// A standalone SVG document: white background, one <path> of the dark modules, a
// viewBox in module units and width/height of `scale` pixels per module.
std::string render_svg(const QrMatrix& matrix, int scale, int quiet_zone = kDefaultQuietZone);

}  // namespace checkin::qr
