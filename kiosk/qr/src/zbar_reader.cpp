// SPDX-License-Identifier: AGPL-3.0-or-later
// zbar through its C API only (see readers.hpp for why it has a file of its own).
#include <zbar.h>

#include <cstring>
#include <memory>

#include "readers.hpp"
#include "text_encoding.hpp"

namespace checkin::qr::detail {

using namespace zbar;  // in C++ zbar.h declares its C API inside namespace zbar

namespace {

using ScannerPtr = std::unique_ptr<zbar_image_scanner_t, void (*)(zbar_image_scanner_t*)>;
using ZbarImagePtr = std::unique_ptr<zbar_image_t, void (*)(zbar_image_t*)>;

ScannerPtr make_qr_scanner() {
  ScannerPtr scanner(zbar_image_scanner_create(), zbar_image_scanner_destroy);
  if (!scanner) return scanner;
  zbar_image_scanner_set_config(scanner.get(), ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config(scanner.get(), ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  // Raw bytes, not zbar's guess at a text encoding converted to UTF-8.
  zbar_image_scanner_set_config(scanner.get(), ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  zbar_image_scanner_set_config(scanner.get(), ZBAR_NONE, ZBAR_CFG_POSITION, 1);
  return scanner;
}

}  // namespace

std::vector<DecodedCode> read_with_zbar(ImageView image) {
  std::vector<DecodedCode> codes;
  if (!image.valid()) return codes;

  // zbar's Y800 format has no row stride: pack padded rows first.
  const std::uint8_t* pixels = image.data;
  std::vector<std::uint8_t> packed;
  if (image.row_stride != image.width) {
    packed.resize(static_cast<std::size_t>(image.width) * image.height);
    for (int y = 0; y < image.height; ++y)
      std::memcpy(packed.data() + static_cast<std::size_t>(y) * image.width, image.row(y), image.width);
    pixels = packed.data();
  }

  ScannerPtr scanner = make_qr_scanner();
  ZbarImagePtr zimage(zbar_image_create(), zbar_image_destroy);
  if (!scanner || !zimage) return codes;
  zbar_image_set_format(zimage.get(), zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(zimage.get(), static_cast<unsigned>(image.width), static_cast<unsigned>(image.height));
  zbar_image_set_data(zimage.get(), pixels, static_cast<unsigned long>(image.width) * image.height, nullptr);

  if (zbar_scan_image(scanner.get(), zimage.get()) <= 0) return codes;

  for (const zbar_symbol_t* symbol = zbar_image_first_symbol(zimage.get()); symbol;
       symbol = zbar_symbol_next(symbol)) {
    if (zbar_symbol_get_type(symbol) != ZBAR_QRCODE) continue;
    DecodedCode code;
    code.text.assign(zbar_symbol_get_data(symbol), zbar_symbol_get_data_length(symbol));
    // zbar's binary mode keeps no ECI designator: the text is always a guess.
    code.utf8_text = text_without_eci(code.text);
    // zbar lists a QR code's corners counter-clockwise from the top left; ours go clockwise.
    constexpr unsigned kZbarCornerFor[4] = {0, 3, 2, 1};
    if (zbar_symbol_get_loc_size(symbol) == 4)
      for (int i = 0; i < 4; ++i)
        code.corners[i] = Point{zbar_symbol_get_loc_x(symbol, kZbarCornerFor[i]), zbar_symbol_get_loc_y(symbol, kZbarCornerFor[i])};
    code.found_by = "zbar";
    codes.push_back(std::move(code));
  }
  return codes;
}

}  // namespace checkin::qr::detail
