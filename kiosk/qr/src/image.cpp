// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/qr/image.hpp"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>

#include <fmt/format.h>

namespace checkin::qr {

ImageView ImageView::cropped(int left, int top, int crop_width, int crop_height) const {
  const int x0 = std::clamp(left, 0, width);
  const int y0 = std::clamp(top, 0, height);
  // 64-bit sums: a caller's INT_MAX-sized rectangle must clip, not overflow.
  const int x1 = static_cast<int>(std::clamp<std::int64_t>(std::int64_t{left} + std::max(crop_width, 0), x0, width));
  const int y1 = static_cast<int>(std::clamp<std::int64_t>(std::int64_t{top} + std::max(crop_height, 0), y0, height));
  if (x1 == x0 || y1 == y0) return ImageView{};
  return ImageView(row(y0) + x0, x1 - x0, y1 - y0, row_stride);
}

GrayImage::GrayImage(int width, int height, std::uint8_t fill)
    : width_(std::max(width, 0)), height_(std::max(height, 0)) {
  if (width_ == 0 || height_ == 0) width_ = height_ = 0;
  pixels_.assign(static_cast<std::size_t>(width_) * height_, fill);
}

GrayImage GrayImage::copy_of(ImageView view) {
  if (!view.valid()) return GrayImage{};
  GrayImage copy(view.width, view.height);
  for (int y = 0; y < view.height; ++y) std::memcpy(copy.row(y), view.row(y), view.width);
  return copy;
}

namespace {

// Debian 12's stb_image (2022) trusts a JPEG's Huffman table sizes: a table claiming more
// than 256 codes overruns its arrays (a heap overflow found by libFuzzer; stb fixed it
// later). Every DHT segment stb could meet is checked before stb reads any of the file,
// walking the markers as stb does: bytes between segments are skipped up to the next 0xFF
// (so a scan's data too), segments by their length, and a DHT's tables read while its
// length is not used up, even past its end. True for anything that is not a JPEG.
bool jpeg_huffman_tables_fit(std::span<const std::uint8_t> bytes) {
  // A JPEG to stb: 0xFF, any more 0xFF fill bytes, then the start-of-image marker.
  std::size_t at = 0;
  if (bytes.empty() || bytes[0] != 0xFF) return true;
  while (at < bytes.size() && bytes[at] == 0xFF) ++at;
  if (at >= bytes.size() || bytes[at] != 0xD8) return true;
  ++at;
  const auto byte = [&](std::size_t i) -> std::size_t { return i < bytes.size() ? bytes[i] : 0; };
  while (true) {
    while (at < bytes.size() && bytes[at] != 0xFF) ++at;
    while (at < bytes.size() && bytes[at] == 0xFF) ++at;
    if (at >= bytes.size()) return true;
    const std::uint8_t marker = bytes[at++];
    if (marker == 0xD9) return true;  // end of image
    if (marker == 0x00 || marker == 0x01 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7)) continue;
    const std::size_t length = (byte(at) << 8) | byte(at + 1);
    if (marker != 0xC4) {
      at += length;
      continue;
    }
    std::ptrdiff_t left = static_cast<std::ptrdiff_t>(length) - 2;
    std::size_t table = at + 2;
    while (left > 0) {
      std::size_t codes = 0;
      for (std::size_t i = 1; i <= 16; ++i) codes += byte(table + i);
      if (codes > 256) return false;
      table += 17 + codes;
      left -= static_cast<std::ptrdiff_t>(17 + codes);
    }
    if (left != 0) return true;  // stb stops at a segment its tables overran
    at = table;
  }
}

}  // namespace

Result<GrayImage> load_image_from_memory(std::span<const std::uint8_t> file_bytes, std::int64_t max_pixels) {
  if (file_bytes.empty()) return fail(Errc::invalid_input, "image is empty");
  if (static_cast<std::int64_t>(file_bytes.size()) > kMaxImageFileBytes)
    return fail(Errc::limit_exceeded, fmt::format("image file too large ({} bytes)", file_bytes.size()));
  const int length = static_cast<int>(file_bytes.size());
  // stb reads Huffman tables while it looks for the size, so they are checked even before.
  if (!jpeg_huffman_tables_fit(file_bytes))
    return fail(Errc::invalid_input, "corrupt image: a JPEG Huffman table holds more than 256 codes");
  if (jpeg_lacks_huffman_tables(file_bytes))
    return fail(Errc::invalid_input, "JPEG without the Huffman tables it uses (a camera's MJPEG frame?)");
  // Debian 12's stb reads a 16-bit PGM/PPM it converts to gray past the end of its buffer
  // (found by libFuzzer): such files are refused; 8-bit ones (all a camera or scanner
  // writes) are read.
  if (file_bytes.size() >= 2 && file_bytes[0] == 'P' && (file_bytes[1] == '5' || file_bytes[1] == '6') &&
      stbi_is_16_bit_from_memory(file_bytes.data(), length))
    return fail(Errc::invalid_input, "16-bit PGM/PPM images are not read: save it with 8 bits per channel");
  // Read the header first so a tiny file claiming a gigantic size is refused before
  // stb allocates for it.
  int width = 0, height = 0, channels = 0;
  if (!stbi_info_from_memory(file_bytes.data(), length, &width, &height, &channels))
    return fail(Errc::invalid_input, fmt::format("not a readable image: {}", stbi_failure_reason()));
  if (width <= 0 || height <= 0)
    return fail(Errc::invalid_input, "image has no pixels");
  if (static_cast<std::int64_t>(width) * height > max_pixels)
    return fail(Errc::limit_exceeded, fmt::format("image of {}x{} pixels is over the limit of {:.1f} megapixels", width,
                                                  height, static_cast<double>(max_pixels) / 1e6));

  // Only decoding reaches the image data (stb reads the header alone above).
  if (png_starts_with_empty_image_data(file_bytes))
    return fail(Errc::invalid_input, "corrupt image: a PNG whose image data starts with an empty chunk");
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
      stbi_load_from_memory(file_bytes.data(), length, &width, &height, &channels, 1), stbi_image_free);
  if (!pixels) return fail(Errc::invalid_input, fmt::format("corrupt image: {}", stbi_failure_reason()));
  return GrayImage::copy_of(ImageView(pixels.get(), width, height));
}

Result<GrayImage> load_image(const std::filesystem::path& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return fail(Errc::io, fmt::format("cannot read {}: {}", path.string(), error.message()));
  if (static_cast<std::int64_t>(size) > kMaxImageFileBytes)
    return fail(Errc::limit_exceeded, fmt::format("{} is too large ({} bytes)", path.string(), size));

  std::ifstream file(path, std::ios::binary);
  std::vector<std::uint8_t> bytes(size);
  if (!file || !file.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
    return fail(Errc::io, fmt::format("cannot read {}", path.string()));

  auto image = load_image_from_memory(bytes);
  if (!image) return fail(image.error().code, fmt::format("{}: {}", path.string(), image.error().message));
  return image;
}

namespace {

void append_to_vector(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(context);
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

}  // namespace

Result<std::vector<std::uint8_t>> encode_png(ImageView image) {
  if (!image.valid()) return fail(Errc::invalid_input, "cannot encode an empty image as PNG");
  std::vector<std::uint8_t> png;
  if (!stbi_write_png_to_func(append_to_vector, &png, image.width, image.height, 1, image.data,
                              image.row_stride))
    return fail(Errc::io, "PNG encoding failed");
  return png;
}

Result<std::vector<std::uint8_t>> encode_jpeg(ImageView image, int quality) {
  if (!image.valid()) return fail(Errc::invalid_input, "cannot encode an empty image as JPEG");
  // stb's JPEG writer has no row stride: pack padded rows first.
  const GrayImage packed = image.row_stride == image.width ? GrayImage{} : GrayImage::copy_of(image);
  const std::uint8_t* pixels = packed.empty() ? image.data : packed.data();
  std::vector<std::uint8_t> jpeg;
  if (!stbi_write_jpg_to_func(append_to_vector, &jpeg, image.width, image.height, 1, pixels, std::clamp(quality, 1, 100)))
    return fail(Errc::io, "JPEG encoding failed");
  return jpeg;
}

Result<void> save_png(ImageView image, const std::filesystem::path& path) {
  auto png = encode_png(image);
  if (!png) return std::unexpected(png.error());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file.write(reinterpret_cast<const char*>(png->data()), static_cast<std::streamsize>(png->size())))
    return fail(Errc::io, fmt::format("cannot write {}", path.string()));
  file.close();
  if (!file) return fail(Errc::io, fmt::format("cannot write {}", path.string()));
  return {};
}

}  // namespace checkin::qr
