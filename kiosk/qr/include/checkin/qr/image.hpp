// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// 8-bit grayscale images: a non-owning frame view (what cameras hand us and decoders
// read), an owning image, and PNG/JPEG/PGM files in and out.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "checkin/core/error.hpp"

namespace checkin::qr {

// A view of someone else's 8-bit grayscale pixels, like ZXing's ImageView. Rows may be
// padded (row_stride > width), as camera buffers often are.
struct ImageView {
  const std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int row_stride = 0;  // bytes from one row to the next

  ImageView() = default;
  // row_stride 0 means tightly packed (= width).
  ImageView(const std::uint8_t* pixels, int width, int height, int row_stride = 0)
      : data(pixels), width(width), height(height), row_stride(row_stride ? row_stride : width) {}

  // False for a null buffer, a zero or negative size, or a stride shorter than a row.
  bool valid() const { return data != nullptr && width > 0 && height > 0 && row_stride >= width; }
  const std::uint8_t* row(int y) const { return data + static_cast<std::ptrdiff_t>(y) * row_stride; }
  std::uint8_t at(int x, int y) const { return row(y)[x]; }
  // The part of this view inside the rectangle, clipped to the view's bounds.
  ImageView cropped(int left, int top, int crop_width, int crop_height) const;
};

// An owning, tightly packed 8-bit grayscale image.
class GrayImage {
 public:
  GrayImage() = default;
  GrayImage(int width, int height, std::uint8_t fill = 0);
  static GrayImage copy_of(ImageView view);

  int width() const { return width_; }
  int height() const { return height_; }
  bool empty() const { return pixels_.empty(); }
  std::uint8_t* data() { return pixels_.data(); }
  const std::uint8_t* data() const { return pixels_.data(); }
  std::uint8_t* row(int y) { return pixels_.data() + static_cast<std::size_t>(y) * width_; }
  const std::uint8_t* row(int y) const { return pixels_.data() + static_cast<std::size_t>(y) * width_; }
  std::uint8_t& at(int x, int y) { return row(y)[x]; }
  std::uint8_t at(int x, int y) const { return row(y)[x]; }
  ImageView view() const { return ImageView(pixels_.data(), width_, height_, width_); }

 private:
  int width_ = 0;
  int height_ = 0;
  std::vector<std::uint8_t> pixels_;
};

// The largest frame the decoders take (decode.hpp).
inline constexpr std::int64_t kMaxImagePixels = 128LL * 1000 * 1000;
// What load_image accepts: a 40-megapixel photo fits (decoding it takes some 200 MB, which a
// Raspberry Pi has), a decompression bomb whose header claims 11000x11000 does not. The
// size is read from the header and checked before a single pixel is decoded.
inline constexpr std::int64_t kMaxImageFilePixels = 40LL * 1000 * 1000;
inline constexpr std::int64_t kMaxImageFileBytes = 256LL * 1024 * 1024;

// PNG, JPEG or binary PGM/PPM, converted to gray. A missing, unreadable, corrupt or
// oversized file is an error value (limit_exceeded for one over max_pixels), never a crash.
Result<GrayImage> load_image(const std::filesystem::path& path);
// A camera's compressed frame passes its own size as max_pixels.
Result<GrayImage> load_image_from_memory(std::span<const std::uint8_t> file_bytes,
                                         std::int64_t max_pixels = kMaxImageFilePixels);

// True for a JPEG with a scan that uses a Huffman table defined nowhere before it: a
// webcam's MJPEG frame (which leaves out the standard tables), or a hostile file. stb_image
// decodes such a scan with whatever memory held (Debian 12's build can abort on it), so
// load_image refuses them; the camera adds the standard tables first. Anything else (not a
// JPEG, damaged) is false: left to the decoder.
bool jpeg_lacks_huffman_tables(std::span<const std::uint8_t> jpeg);

// True for a PNG whose first image-data chunk (IDAT) is empty: stb_image then copies into a
// buffer it never allocated (found by libFuzzer; undefined behaviour the optimiser may
// build on), so load_image refuses it. No camera, scanner or image program writes one.
bool png_starts_with_empty_image_data(std::span<const std::uint8_t> png);

Result<void> save_png(ImageView image, const std::filesystem::path& path);
Result<std::vector<std::uint8_t>> encode_png(ImageView image);
// quality 1..100, as in any JPEG encoder.
Result<std::vector<std::uint8_t>> encode_jpeg(ImageView image, int quality);

}  // namespace checkin::qr
