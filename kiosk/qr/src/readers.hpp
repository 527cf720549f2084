// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The two decoding libraries behind one small interface. Each lives in its own .cpp:
// ZXing 1.4's Error.h defines macros that break zbar's headers. zxing_reader.cpp is also
// the one place that knows which ZXing-cpp it is built against (1.4 on Debian 12, 2.3 on
// Debian 13): the pipeline asks zxing_features() instead.
#include <cstdint>
#include <vector>

#include "checkin/qr/decode.hpp"

namespace checkin::qr::detail {

enum class ZxingBinarizer {
  local_average,     // ZXing's default: threshold from each 8x8 block's neighbourhood
  global_histogram,  // one threshold per row from its histogram: smooth shading, noise
  fixed_threshold,   // 127: for images already equalised or thresholded by us
};

struct ZxingSettings {
  ZxingBinarizer binarizer = ZxingBinarizer::local_average;
  bool try_harder = true;     // scan every row for finder patterns
  bool try_downscale = true;  // ZXing's own image pyramid for large frames
  // Light modules on dark: where the library can (zxing_features().reads_inverted),
  // it retries the binarised image inverted, cheaper than an inverted copy.
  bool try_invert = false;
};

// What the ZXing-cpp in use reads on its own, so the pipeline spends no stage on it.
// (2.x also reads most mirrored codes, but not all that it reads from a flipped copy.)
struct ZxingFeatures {
  bool reads_inverted;  // ReaderOptions::tryInvert (2.x)
};
ZxingFeatures zxing_features();
int zxing_major_version();

// ZXing on its own, as its own readers run it: tryHarder, tryDownscale and (2.x) tryInvert.
ZxingSettings zxing_library_defaults();

// Codes found by each library, with corners in the coordinates of `image`.
std::vector<DecodedCode> read_with_zxing(ImageView image, const ZxingSettings& settings);
std::vector<DecodedCode> read_with_zbar(ImageView image);

}  // namespace checkin::qr::detail
