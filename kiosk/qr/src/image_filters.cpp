// SPDX-License-Identifier: AGPL-3.0-or-later
// The convolution filters of image_ops.hpp, in a file of their own because they are
// compiled with a vectoriser setting that speeds them up several times (see
// CMakeLists.txt) and slows down the table lookups of the other operations.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "image_ops.hpp"

namespace checkin::qr::detail {

GrayImage blurred(ImageView image, int radius) {
  if (!image.valid()) return GrayImage{};
  if (radius <= 0) return GrayImage::copy_of(image);
  radius = std::min(radius, 16);
  // A box blur applied twice is one pass of a triangular kernel: weights 1, 2, ...,
  // 2r+1, ..., 2, 1 over 4r+1 pixels. Rows are filtered into a ring of the 4r+1 rows
  // that the current output row needs (little memory even for a 100-megapixel photo),
  // columns as weighted sums of those rows. Edges repeat the border pixel so the image
  // does not darken at its sides. Floats, tap by tap over whole rows: the loops vectorise.
  const int reach = 2 * radius, taps = 2 * reach + 1;
  const float normalise = 1.0f / static_cast<float>((2 * radius + 1) * (2 * radius + 1));
  std::vector<float> weights(taps);
  for (int k = -reach; k <= reach; ++k) weights[k + reach] = static_cast<float>(2 * radius + 1 - std::abs(k)) * normalise;

  const int width = image.width, height = image.height;
  std::vector<float> ring(static_cast<std::size_t>(taps) * width);
  std::vector<float> padded_row(static_cast<std::size_t>(width) + 2 * reach);
  auto ring_row = [&](int y) { return ring.data() + static_cast<std::size_t>(y % taps) * width; };
  auto filter_row = [&](int y) {
    const std::uint8_t* in = image.row(y);
    std::fill_n(padded_row.begin(), reach, static_cast<float>(in[0]));
    for (int x = 0; x < width; ++x) padded_row[reach + x] = in[x];
    std::fill_n(padded_row.begin() + reach + width, reach, static_cast<float>(in[width - 1]));
    float* out = ring_row(y);
    std::fill_n(out, width, 0.0f);
    for (int k = 0; k < taps; ++k) {
      const float weight = weights[k];
      const float* shifted = padded_row.data() + k;
      for (int x = 0; x < width; ++x) out[x] += weight * shifted[x];
    }
  };

  GrayImage result(width, height);
  std::vector<float> sums(width);
  for (int y = 0; y < std::min(reach, height); ++y) filter_row(y);
  for (int y = 0; y < height; ++y) {
    if (y + reach < height) filter_row(y + reach);
    std::fill(sums.begin(), sums.end(), 0.5f);  // rounds on truncation below
    for (int k = -reach; k <= reach; ++k) {
      const float* in = ring_row(std::clamp(y + k, 0, height - 1));
      const float weight = weights[k + reach];
      for (int x = 0; x < width; ++x) sums[x] += weight * in[x];
    }
    std::uint8_t* out = result.row(y);
    for (int x = 0; x < width; ++x) out[x] = static_cast<std::uint8_t>(std::min(sums[x], 255.0f));
  }
  return result;
}

GrayImage smoothed(ImageView image) {
  if (!image.valid()) return GrayImage{};
  const int width = image.width, height = image.height;
  // Rows into 16-bit sums (x4), then columns (x4 again); edges repeat the border pixel.
  std::vector<std::uint16_t> rows(static_cast<std::size_t>(width) * height);
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* in = image.row(y);
    std::uint16_t* out = rows.data() + static_cast<std::size_t>(y) * width;
    out[0] = static_cast<std::uint16_t>(3 * in[0] + in[std::min(1, width - 1)]);
    for (int x = 1; x < width - 1; ++x) out[x] = static_cast<std::uint16_t>(in[x - 1] + 2 * in[x] + in[x + 1]);
    if (width > 1) out[width - 1] = static_cast<std::uint16_t>(in[width - 2] + 3 * in[width - 1]);
  }
  GrayImage result(width, height);
  for (int y = 0; y < height; ++y) {
    const std::uint16_t* above = rows.data() + static_cast<std::size_t>(std::max(y - 1, 0)) * width;
    const std::uint16_t* centre = rows.data() + static_cast<std::size_t>(y) * width;
    const std::uint16_t* below = rows.data() + static_cast<std::size_t>(std::min(y + 1, height - 1)) * width;
    std::uint8_t* out = result.row(y);
    for (int x = 0; x < width; ++x) out[x] = static_cast<std::uint8_t>((above[x] + 2 * centre[x] + below[x] + 8) >> 4);
  }
  return result;
}

GrayImage sharpened(ImageView image, int radius, double amount) {
  if (!image.valid()) return GrayImage{};
  const GrayImage soft = blurred(image, radius);
  const int gain = static_cast<int>(std::lround(amount * 256));
  GrayImage result(image.width, image.height);
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t* in = image.row(y);
    const std::uint8_t* blur = soft.row(y);
    std::uint8_t* out = result.row(y);
    for (int x = 0; x < image.width; ++x)
      out[x] = static_cast<std::uint8_t>(std::clamp(in[x] + ((gain * (in[x] - blur[x])) >> 8), 0, 255));
  }
  return result;
}

}  // namespace checkin::qr::detail
