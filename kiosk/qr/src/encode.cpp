// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/qr/encode.hpp"

#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string>

#include <fmt/format.h>

namespace checkin::qr {

Result<QrMatrix> encode(std::string_view text) {
  if (text.empty()) return fail(Errc::invalid_input, "cannot encode empty text as a QR code");
  // The most any QR code holds (7089 digits); longer text need not reach libqrencode.
  if (text.size() > 7089)
    return fail(Errc::limit_exceeded, fmt::format("text of {} bytes does not fit in a QR code", text.size()));

  // QRcode_encodeString splits the text into the cheapest modes (alphanumeric for a
  // base45 pass) but takes a C string; text with NUL bytes goes in as raw 8-bit data.
  const bool has_nul = text.find('\0') != std::string_view::npos;
  const std::string owned(text);
  errno = 0;
  std::unique_ptr<QRcode, void (*)(QRcode*)> code(
      has_nul ? QRcode_encodeData(static_cast<int>(owned.size()),
                                  reinterpret_cast<const unsigned char*>(owned.data()), 0, QR_ECLEVEL_M)
              : QRcode_encodeString(owned.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, /*casesensitive=*/1),
      QRcode_free);
  if (!code) {
    if (errno == ERANGE)
      return fail(Errc::limit_exceeded, fmt::format("text of {} bytes does not fit in a QR code", text.size()));
    return fail(Errc::invalid_input, "QR encoding failed");
  }

  QrMatrix matrix;
  matrix.version = code->version;
  matrix.size = code->width;
  matrix.modules.resize(static_cast<std::size_t>(code->width) * code->width);
  for (std::size_t i = 0; i < matrix.modules.size(); ++i) matrix.modules[i] = code->data[i] & 1;
  return matrix;
}

// Keeps a rendered code under 16384 pixels a side whatever scale a caller asks for.
static int capped_scale(int scale, int modules_per_side) {
  return std::clamp(scale, 1, std::max(1, 16384 / std::max(modules_per_side, 1)));
}

GrayImage rasterize(const QrMatrix& matrix, int scale, int quiet_zone) {
  quiet_zone = std::clamp(quiet_zone, 0, 1000);
  scale = capped_scale(scale, matrix.size + 2 * quiet_zone);
  const int side = (matrix.size + 2 * quiet_zone) * scale;
  GrayImage image(side, side, 255);
  for (int my = 0; my < matrix.size; ++my)
    for (int mx = 0; mx < matrix.size; ++mx) {
      if (!matrix.dark(mx, my)) continue;
      for (int y = 0; y < scale; ++y) {
        std::uint8_t* row = image.row((my + quiet_zone) * scale + y);
        std::fill_n(row + (mx + quiet_zone) * scale, scale, std::uint8_t{0});
      }
    }
  return image;
}

Result<std::vector<std::uint8_t>> render_png(const QrMatrix& matrix, int scale, int quiet_zone) {
  if (matrix.size <= 0) return fail(Errc::invalid_input, "empty QR matrix");
  return encode_png(rasterize(matrix, scale, quiet_zone).view());
}

Result<void> render_png(const QrMatrix& matrix, const std::filesystem::path& path, int scale, int quiet_zone) {
  if (matrix.size <= 0) return fail(Errc::invalid_input, "empty QR matrix");
  return save_png(rasterize(matrix, scale, quiet_zone).view(), path);
}

std::string render_svg(const QrMatrix& matrix, int scale, int quiet_zone) {
  quiet_zone = std::clamp(quiet_zone, 0, 1000);
  scale = capped_scale(scale, matrix.size + 2 * quiet_zone);
  const int side = matrix.size + 2 * quiet_zone;

  std::string path;
  matrix.for_each_dark_run([&](int x, int y, int length) {
    path += fmt::format("M{} {}h{}v1h-{}z", x + quiet_zone, y + quiet_zone, length, length);
  });

  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{0}\" viewBox=\"0 0 {1} {1}\" "
      "shape-rendering=\"crispEdges\">\n"
      "<rect width=\"{1}\" height=\"{1}\" fill=\"#fff\"/>\n"
      "<path fill=\"#000\" d=\"{2}\"/>\n"
      "</svg>\n",
      side * scale, side, path);
}

}  // namespace checkin::qr
