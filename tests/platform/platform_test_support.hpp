// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Helpers shared by the platform tests: scratch folders and QR code images.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "checkin/qr/encode.hpp"
#include "checkin/qr/image.hpp"
#include "temp_dir.hpp"

namespace checkin::testing {


// A QR code of `text` on a white camera-sized frame, the code in the middle.
inline qr::GrayImage qr_frame(const std::string& text, int width = 640, int height = 480) {
  auto matrix = qr::encode(text);
  if (!matrix) throw std::runtime_error(matrix.error().message);
  const auto code = qr::rasterize(*matrix, 6);
  qr::GrayImage frame(width, height, 255);
  const int left = (width - code.width()) / 2;
  const int top = (height - code.height()) / 2;
  for (int y = 0; y < code.height(); ++y)
    for (int x = 0; x < code.width(); ++x)
      if (left + x >= 0 && left + x < width && top + y >= 0 && top + y < height)
        frame.at(left + x, top + y) = code.at(x, y);
  return frame;
}

inline void write_png(const qr::GrayImage& image, const std::filesystem::path& path) {
  auto saved = qr::save_png(image.view(), path);
  if (!saved) throw std::runtime_error(saved.error().message);
}

}  // namespace checkin::testing
