#pragma once
// The two decoding libraries behind one small interface. Each lives in its own .cpp:
// ZXing 1.4's Error.h defines macros that break zbar's headers.
#include <vector>

#include "checkin/qr/decode.hpp"

namespace checkin::qr::detail {

enum class ZxingBinarizer { local_average, global_histogram };

struct ZxingSettings {
  ZxingBinarizer binarizer = ZxingBinarizer::local_average;
  bool try_harder = true;     // scan every row for finder patterns
  bool try_downscale = true;  // ZXing's own image pyramid for large frames
};

// Codes found by each library, with corners in the coordinates of `image`.
std::vector<DecodedCode> read_with_zxing(ImageView image, const ZxingSettings& settings);
std::vector<DecodedCode> read_with_zbar(ImageView image);

}  // namespace checkin::qr::detail
