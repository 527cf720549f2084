#pragma once
// Finding QR codes in camera frames and photos. One entry point, decode(), runs a
// pipeline: ZXing first, zbar as a second opinion, then image preprocessing (other
// scales, contrast normalisation, inversion, blur) until something is found.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "checkin/qr/image.hpp"

namespace checkin::qr {

struct Point {
  int x = 0;
  int y = 0;
};

struct DecodedCode {
  std::string text;  // the code's raw content bytes (may be binary; not validated)
  // Corners of the code in frame pixels: top-left, top-right, bottom-right, bottom-left
  // as the code is read. Approximate when found on a rescaled copy of the frame.
  std::array<Point, 4> corners{};
  std::string found_by;  // pipeline stage that found it, e.g. "zxing+equalized": for logs and diagnostics
};

// How hard to look before giving up on a frame that shows no readable code.
enum class Effort {
  // Live camera frames: a few cheap stages, since the next frame comes in tens of
  // milliseconds anyway. Tens of milliseconds at worst on a 1280x720 frame.
  camera_frame,
  // A single photo (`checkin decode photo.jpg`): every stage, every scale. Can take
  // a second or more on a large photo with no code in it.
  photo,
};

struct DecodeOptions {
  Effort effort = Effort::photo;
  // Codes with more content bytes are dropped: passes and enrolment codes are a few
  // hundred bytes at most, and decoding input is hostile.
  std::size_t max_text_bytes = 1024;
};

// All distinct QR codes found (deduplicated by text), in the order found. Never throws
// for any frame content or size; an invalid view gives an empty result.
std::vector<DecodedCode> decode(ImageView frame, const DecodeOptions& options = {});

// The two libraries on their own, each at its own best general settings, without our
// preprocessing. Baselines for the blackbox tests and the benchmark.
std::vector<DecodedCode> decode_with_zxing_only(ImageView frame);
std::vector<DecodedCode> decode_with_zbar_only(ImageView frame);

}  // namespace checkin::qr
