// SPDX-License-Identifier: AGPL-3.0-or-later
// Screenshots as PNG, fast: stb_image_write's deflate takes ~10x longer than zlib at its
// fastest level, and headless runs and tests write hundreds of screenshots.
#include "png_writer.hpp"

#include <fmt/core.h>
#include <zlib.h>

#include <array>
#include <cstdio>
#include <memory>

namespace checkin::platform {

namespace {

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void chunk(std::vector<std::uint8_t>& out, const char (&type)[5], const std::uint8_t* data, std::size_t size) {
  put32(out, static_cast<std::uint32_t>(size));
  const std::size_t start = out.size();
  out.insert(out.end(), type, type + 4);
  if (size) out.insert(out.end(), data, data + size);
  const uLong crc = crc32(0L, out.data() + start, static_cast<uInt>(out.size() - start));
  put32(out, static_cast<std::uint32_t>(crc));
}

}  // namespace

Result<std::vector<std::uint8_t>> encode_png_rgba(int width, int height, const std::uint8_t* rgba) {
  if (width <= 0 || height <= 0 || !rgba) return fail(Errc::invalid_input, "empty image");
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  // Each row: filter type 1 (Sub: the difference to the pixel on the left), which makes
  // flat areas of a screen nearly free to compress.
  std::vector<std::uint8_t> raw((row + 1) * static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) {
    const std::uint8_t* src = rgba + row * static_cast<std::size_t>(y);
    std::uint8_t* dst = raw.data() + (row + 1) * static_cast<std::size_t>(y);
    dst[0] = 1;
    for (std::size_t i = 0; i < row; ++i) dst[1 + i] = static_cast<std::uint8_t>(src[i] - (i >= 4 ? src[i - 4] : 0));
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<std::uint8_t> packed(packed_size);
  if (compress2(packed.data(), &packed_size, raw.data(), static_cast<uLong>(raw.size()), Z_BEST_SPEED) != Z_OK)
    return fail(Errc::io, "PNG compression failed");

  std::vector<std::uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  std::vector<std::uint8_t> header;
  put32(header, static_cast<std::uint32_t>(width));
  put32(header, static_cast<std::uint32_t>(height));
  header.insert(header.end(), {8, 6, 0, 0, 0});  // 8 bits, RGBA, deflate, adaptive filters, no interlace
  chunk(out, "IHDR", header.data(), header.size());
  chunk(out, "IDAT", packed.data(), packed_size);
  chunk(out, "IEND", nullptr, 0);
  return out;
}

Result<void> write_png_rgba(const std::filesystem::path& path, int width, int height, const std::uint8_t* rgba) {
  auto png = encode_png_rgba(width, height, rgba);
  if (!png) return std::unexpected(png.error());
  const auto temp = path.string() + ".tmp";
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(temp.c_str(), "wb"), &std::fclose);
  if (!file) return fail(Errc::io, fmt::format("cannot write {}", path.string()));
  const bool written = std::fwrite(png->data(), 1, png->size(), file.get()) == png->size();
  if (std::fclose(file.release()) != 0 || !written) {
    std::remove(temp.c_str());
    return fail(Errc::io, fmt::format("cannot write {}", path.string()));
  }
  // Whoever watches the folder never sees half a file.
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return fail(Errc::io, fmt::format("cannot write {}", path.string()));
  }
  return {};
}

}  // namespace checkin::platform
