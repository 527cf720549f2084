#include "checkin/qr/decode.hpp"

#include "image_ops.hpp"
#include "readers.hpp"

namespace checkin::qr {

std::vector<DecodedCode> decode_with_zxing_only(ImageView frame) {
  return detail::read_with_zxing(frame, detail::ZxingSettings{});
}

std::vector<DecodedCode> decode_with_zbar_only(ImageView frame) { return detail::read_with_zbar(frame); }

std::vector<DecodedCode> decode(ImageView frame, const DecodeOptions&) {
  auto codes = decode_with_zxing_only(frame);
  if (codes.empty()) codes = decode_with_zbar_only(frame);
  return codes;
}

}  // namespace checkin::qr
