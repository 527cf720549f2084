// SPDX-License-Identifier: AGPL-3.0-or-later
// ZXing-cpp through the one API both Debian releases share: the 2.x names (ReaderOptions,
// Barcode) where they exist (2.2 and later: Debian 13 has 2.3), the 1.x names
// (DecodeHints, Result) on Debian 12's 1.4. The difference stays in this file.
#if __has_include(<ZXing/ReaderOptions.h>)
#include <ZXing/ReadBarcode.h>
#include <ZXing/Version.h>
#define CHECKIN_ZXING_2 1
#else
#define ZX_USE_UTF8  // text() as UTF-8 std::string (1.x only; 2.x has nothing else)
#include <ZXing/ReadBarcode.h>
#include <ZXing/ZXVersion.h>
#define CHECKIN_ZXING_2 0
#endif

#include <exception>

#include "readers.hpp"
#include "text_encoding.hpp"

namespace checkin::qr::detail {

namespace {

#if CHECKIN_ZXING_2
using ZxingOptions = ZXing::ReaderOptions;
using ZxingBarcodes = ZXing::Barcodes;
#else
using ZxingOptions = ZXing::DecodeHints;
using ZxingBarcodes = ZXing::Results;
#endif

ZXing::Binarizer binarizer_for(ZxingBinarizer binarizer) {
  switch (binarizer) {
    case ZxingBinarizer::global_histogram: return ZXing::Binarizer::GlobalHistogram;
    case ZxingBinarizer::fixed_threshold: return ZXing::Binarizer::FixedThreshold;
    case ZxingBinarizer::local_average: break;
  }
  return ZXing::Binarizer::LocalAverage;
}

ZxingOptions options_for(const ZxingSettings& settings) {
  ZxingOptions options;
  options.setFormats(ZXing::BarcodeFormat::QRCode)
      .setTryHarder(settings.try_harder)
      .setTryRotate(false)  // only the 1D readers use it; QR detection is rotation-free
      .setTryDownscale(settings.try_downscale)
      .setBinarizer(binarizer_for(settings.binarizer));
#if CHECKIN_ZXING_2
  options.setTryInvert(settings.try_invert);
#endif
  return options;
}

#if CHECKIN_ZXING_2
std::string utf8_text_of(const ZXing::Barcode& barcode) { return barcode.text(ZXing::TextMode::Plain); }
#else
std::string utf8_text_of(const ZXing::Result& result) { return result.text(); }
#endif

}  // namespace

int zxing_major_version() { return ZXING_VERSION_MAJOR; }

ZxingFeatures zxing_features() { return ZxingFeatures{.reads_inverted = CHECKIN_ZXING_2 != 0}; }

ZxingSettings zxing_library_defaults() { return ZxingSettings{.try_invert = zxing_features().reads_inverted}; }

std::vector<DecodedCode> read_with_zxing(ImageView image, const ZxingSettings& settings) {
  std::vector<DecodedCode> codes;
  if (!image.valid()) return codes;

  ZxingBarcodes barcodes;
  try {
    barcodes = ZXing::ReadBarcodes(
        ZXing::ImageView(image.data, image.width, image.height, ZXing::ImageFormat::Lum, image.row_stride),
        options_for(settings));
  } catch (const std::exception&) {
    return codes;  // the library is not ours to trust with hostile frames; treat as "nothing found"
  }

  for (const auto& barcode : barcodes) {
    if (!barcode.isValid() || barcode.format() != ZXing::BarcodeFormat::QRCode) continue;
    const auto& bytes = barcode.bytes();
    DecodedCode code;
    code.text.assign(bytes.begin(), bytes.end());
    // ZXing applies an ECI designator; without one its guess differs between versions,
    // so the one guess of text_encoding.cpp serves both libraries.
    code.utf8_text = barcode.hasECI() ? utf8_text_of(barcode) : text_without_eci(code.text);
    const auto& position = barcode.position();
    for (int i = 0; i < 4; ++i) code.corners[i] = Point{position[i].x, position[i].y};
    code.found_by = "zxing";
    codes.push_back(std::move(code));
  }
  return codes;
}

}  // namespace checkin::qr::detail
