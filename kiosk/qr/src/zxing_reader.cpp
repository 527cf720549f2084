#define ZX_USE_UTF8  // text() as UTF-8 std::string; we read bytes() anyway
#include <ZXing/ReadBarcode.h>

#include <exception>

#include "readers.hpp"

namespace checkin::qr::detail {

std::vector<DecodedCode> read_with_zxing(ImageView image, const ZxingSettings& settings) {
  std::vector<DecodedCode> codes;
  if (!image.valid()) return codes;

  const auto hints = ZXing::DecodeHints()
                         .setFormats(ZXing::BarcodeFormat::QRCode)
                         .setTryHarder(settings.try_harder)
                         .setTryRotate(false)  // only the 1D readers use it; QR detection is rotation-free
                         .setTryDownscale(settings.try_downscale)
                         .setBinarizer(settings.binarizer == ZxingBinarizer::global_histogram
                                           ? ZXing::Binarizer::GlobalHistogram
                                           : ZXing::Binarizer::LocalAverage);
  ZXing::Results results;
  try {
    results = ZXing::ReadBarcodes(
        ZXing::ImageView(image.data, image.width, image.height, ZXing::ImageFormat::Lum, image.row_stride), hints);
  } catch (const std::exception&) {
    return codes;  // the library is not ours to trust with hostile frames; treat as "nothing found"
  }

  for (const auto& result : results) {
    if (!result.isValid() || result.format() != ZXing::BarcodeFormat::QRCode) continue;
    const auto& bytes = result.bytes();
    DecodedCode code;
    code.text.assign(bytes.begin(), bytes.end());
    const auto& position = result.position();
    for (int i = 0; i < 4; ++i) code.corners[i] = Point{position[i].x, position[i].y};
    code.found_by = "zxing";
    codes.push_back(std::move(code));
  }
  return codes;
}

}  // namespace checkin::qr::detail
