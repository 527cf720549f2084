// SPDX-License-Identifier: AGPL-3.0-or-later
#include "image_ops.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace checkin::qr::detail {

namespace {

// For each output index along one axis: which source samples contribute, with what weight.
struct Taps {
  std::vector<int> first;       // first source index per output index
  std::vector<int> count;       // number of source samples per output index
  std::vector<float> weights;   // count[i] weights for output i, concatenated
  std::vector<int> weight_start;
};

Taps make_taps(int source_size, int target_size) {
  Taps taps;
  taps.first.resize(target_size);
  taps.count.resize(target_size);
  taps.weight_start.resize(target_size);
  const double step = static_cast<double>(source_size) / target_size;
  for (int i = 0; i < target_size; ++i) {
    taps.weight_start[i] = static_cast<int>(taps.weights.size());
    if (step > 1.0) {
      // Shrinking: average the source interval [i*step, (i+1)*step), partial pixels weighted.
      const double begin = i * step, end = std::min((i + 1) * step, static_cast<double>(source_size));
      const int first = static_cast<int>(begin);
      const int last = std::min(static_cast<int>(std::ceil(end)) - 1, source_size - 1);
      taps.first[i] = first;
      taps.count[i] = last - first + 1;
      for (int s = first; s <= last; ++s) {
        const double overlap = std::min(end, s + 1.0) - std::max(begin, static_cast<double>(s));
        taps.weights.push_back(static_cast<float>(overlap / step));
      }
    } else {
      // Enlarging (or same size): bilinear between the two nearest source centres.
      const double centre = std::clamp((i + 0.5) * step - 0.5, 0.0, source_size - 1.0);
      const int left = std::min(static_cast<int>(centre), source_size - 1);
      const int right = std::min(left + 1, source_size - 1);
      const float fraction = static_cast<float>(centre - left);
      taps.first[i] = left;
      taps.count[i] = right - left + 1;
      if (right == left) {
        taps.weights.push_back(1.0f);
      } else {
        taps.weights.push_back(1.0f - fraction);
        taps.weights.push_back(fraction);
      }
    }
  }
  return taps;
}

std::uint8_t to_pixel(float value) {
  return static_cast<std::uint8_t>(std::clamp(std::lround(value), 0L, 255L));
}

std::array<int, 256> histogram_of(ImageView image) {
  std::array<int, 256> histogram{};
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t* row = image.row(y);
    for (int x = 0; x < image.width; ++x) ++histogram[row[x]];
  }
  return histogram;
}

// Exactly twice the size, bilinear: each output pixel is 3/4 of its nearest source
// pixel and 1/4 of the next one along each axis. The common upscale, made fast.
GrayImage doubled(ImageView image) {
  const int width = image.width, height = image.height;
  // Rows first: widen each source row into 16x fixed point.
  std::vector<std::uint16_t> wide(static_cast<std::size_t>(2 * width) * height);
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* in = image.row(y);
    std::uint16_t* out = wide.data() + static_cast<std::size_t>(y) * 2 * width;
    for (int x = 0; x < width; ++x) {
      const int left = in[std::max(x - 1, 0)], centre = in[x], right = in[std::min(x + 1, width - 1)];
      out[2 * x] = static_cast<std::uint16_t>(4 * (3 * centre + left));
      out[2 * x + 1] = static_cast<std::uint16_t>(4 * (3 * centre + right));
    }
  }
  GrayImage result(2 * width, 2 * height);
  for (int y = 0; y < 2 * height; ++y) {
    const int near = y / 2, far = std::clamp(y % 2 == 0 ? near - 1 : near + 1, 0, height - 1);
    const std::uint16_t* a = wide.data() + static_cast<std::size_t>(near) * 2 * width;
    const std::uint16_t* b = wide.data() + static_cast<std::size_t>(far) * 2 * width;
    std::uint8_t* out = result.row(y);
    for (int x = 0; x < 2 * width; ++x) out[x] = static_cast<std::uint8_t>((3 * a[x] + b[x] + 32) >> 6);
  }
  return result;
}

}  // namespace

GrayImage resized(ImageView image, int width, int height) {
  if (!image.valid() || width <= 0 || height <= 0) return GrayImage{};
  if (width == 2 * image.width && height == 2 * image.height) return doubled(image);
  const Taps horizontal = make_taps(image.width, width);
  const Taps vertical = make_taps(image.height, height);

  // Rows first into a float buffer, then columns.
  std::vector<float> row_pass(static_cast<std::size_t>(width) * image.height);
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t* in = image.row(y);
    float* out = row_pass.data() + static_cast<std::size_t>(y) * width;
    for (int x = 0; x < width; ++x) {
      const float* w = horizontal.weights.data() + horizontal.weight_start[x];
      const std::uint8_t* s = in + horizontal.first[x];
      float sum = 0;
      for (int k = 0; k < horizontal.count[x]; ++k) sum += w[k] * s[k];
      out[x] = sum;
    }
  }

  GrayImage result(width, height);
  std::vector<float> accumulator(width);
  for (int y = 0; y < height; ++y) {
    std::fill(accumulator.begin(), accumulator.end(), 0.0f);
    const float* w = vertical.weights.data() + vertical.weight_start[y];
    for (int k = 0; k < vertical.count[y]; ++k) {
      const float* in = row_pass.data() + static_cast<std::size_t>(vertical.first[y] + k) * width;
      for (int x = 0; x < width; ++x) accumulator[x] += w[k] * in[x];
    }
    std::uint8_t* out = result.row(y);
    for (int x = 0; x < width; ++x) out[x] = to_pixel(accumulator[x]);
  }
  return result;
}

GrayImage halved(ImageView image) {
  if (!image.valid() || image.width < 2 || image.height < 2) return GrayImage::copy_of(image);
  GrayImage result(image.width / 2, image.height / 2);
  for (int y = 0; y < result.height(); ++y) {
    const std::uint8_t* top = image.row(2 * y);
    const std::uint8_t* bottom = image.row(2 * y + 1);
    std::uint8_t* out = result.row(y);
    for (int x = 0; x < result.width(); ++x)
      out[x] = static_cast<std::uint8_t>((top[2 * x] + top[2 * x + 1] + bottom[2 * x] + bottom[2 * x + 1] + 2) >> 2);
  }
  return result;
}

GrayImage inverted(ImageView image) {
  if (!image.valid()) return GrayImage{};
  GrayImage result(image.width, image.height);
  for (int y = 0; y < image.height; ++y) {
    const std::uint8_t* in = image.row(y);
    std::uint8_t* out = result.row(y);
    for (int x = 0; x < image.width; ++x) out[x] = static_cast<std::uint8_t>(255 - in[x]);
  }
  return result;
}

GrayImage mirrored(ImageView image) {
  if (!image.valid()) return GrayImage{};
  GrayImage result(image.width, image.height);
  for (int y = 0; y < image.height; ++y) std::reverse_copy(image.row(y), image.row(y) + image.width, result.row(y));
  return result;
}

GrayImage equalized_locally(ImageView image, int tile_size, double clip_limit) {
  if (!image.valid()) return GrayImage{};
  tile_size = std::max(tile_size, 8);
  const int tiles_x = std::max(1, (image.width + tile_size / 2) / tile_size);
  const int tiles_y = std::max(1, (image.height + tile_size / 2) / tile_size);
  const double tile_width = static_cast<double>(image.width) / tiles_x;
  const double tile_height = static_cast<double>(image.height) / tiles_y;

  // One lookup table per tile: the tile's clipped, redistributed histogram as a CDF.
  std::vector<std::array<std::uint8_t, 256>> luts(static_cast<std::size_t>(tiles_x) * tiles_y);
  for (int ty = 0; ty < tiles_y; ++ty)
    for (int tx = 0; tx < tiles_x; ++tx) {
      const int x0 = static_cast<int>(tx * tile_width), x1 = static_cast<int>((tx + 1) * tile_width);
      const int y0 = static_cast<int>(ty * tile_height), y1 = static_cast<int>((ty + 1) * tile_height);
      const ImageView tile = image.cropped(x0, y0, x1 - x0, y1 - y0);
      auto histogram = histogram_of(tile);
      const int pixels = tile.width * tile.height;
      const int limit = std::max(1, static_cast<int>(clip_limit * pixels / 256.0));
      int excess = 0;
      for (int& count : histogram)
        if (count > limit) {
          excess += count - limit;
          count = limit;
        }
      const int share = excess / 256;
      int remainder = excess % 256;
      for (int& count : histogram) count += share + (remainder-- > 0 ? 1 : 0);

      auto& lut = luts[static_cast<std::size_t>(ty) * tiles_x + tx];
      int cumulative = 0;
      for (int value = 0; value < 256; ++value) {
        cumulative += histogram[value];
        lut[value] = static_cast<std::uint8_t>(std::min(255, cumulative * 255 / std::max(pixels, 1)));
      }
    }

  // Each pixel blends the tables of the four nearest tile centres (weights in 1/256).
  struct Blend {
    int near, far, far_weight;
  };
  auto blends_along = [](int pixels, int tiles, double tile_size) {
    std::vector<Blend> blends(pixels);
    for (int i = 0; i < pixels; ++i) {
      const double t = std::clamp((i + 0.5) / tile_size - 0.5, 0.0, tiles - 1.0);
      const int near = static_cast<int>(t);
      blends[i] = Blend{near, std::min(near + 1, tiles - 1), static_cast<int>(std::lround((t - near) * 256))};
    }
    return blends;
  };
  const std::vector<Blend> columns = blends_along(image.width, tiles_x, tile_width);
  const std::vector<Blend> rows = blends_along(image.height, tiles_y, tile_height);

  GrayImage result(image.width, image.height);
  for (int y = 0; y < image.height; ++y) {
    const Blend row = rows[y];
    const auto* top_luts = &luts[static_cast<std::size_t>(row.near) * tiles_x];
    const auto* bottom_luts = &luts[static_cast<std::size_t>(row.far) * tiles_x];
    const std::uint8_t* in = image.row(y);
    std::uint8_t* out = result.row(y);
    for (int x = 0; x < image.width; ++x) {
      const Blend column = columns[x];
      const std::uint8_t value = in[x];
      const int top = (256 - column.far_weight) * top_luts[column.near][value] + column.far_weight * top_luts[column.far][value];
      const int bottom =
          (256 - column.far_weight) * bottom_luts[column.near][value] + column.far_weight * bottom_luts[column.far][value];
      out[x] = static_cast<std::uint8_t>(((256 - row.far_weight) * top + row.far_weight * bottom + (1 << 15)) >> 16);
    }
  }
  return result;
}

GrayImage padded(ImageView image, int border, std::uint8_t value) {
  if (!image.valid()) return GrayImage{};
  border = std::clamp(border, 0, 4096);
  GrayImage result(image.width + 2 * border, image.height + 2 * border, value);
  for (int y = 0; y < image.height; ++y) std::copy_n(image.row(y), image.width, result.row(y + border) + border);
  return result;
}

}  // namespace checkin::qr::detail
