#pragma once
// Finding QR codes in camera frames and photos. One entry point, decode(), runs a
// pipeline that stops at the first stage that finds something:
//
//   1. ZXing on the frame as it is (reads nearly every clean code in a millisecond);
//   2. ZXing on copies at smaller working sizes, long side 400, 800, 1600 or 3200, each
//      used when the frame is at least half as large again (averaging pixels down helps
//      with large codes, noise, blur and screen moire): camera frames at the largest
//      such size only, plain, equalised and smoothed; photos at every such size, plain,
//      with every fix of stage 3 and sharpened (soft focus);
//   3. ZXing after cheap fixes at full size: a white border (codes touching the frame
//      edge), local contrast equalisation (shadows, dim or faded codes), a light blur
//      with a global threshold (noise, moire), inversion (light-on-dark codes).
//      Camera frames stop here;
//   4. photos only: ZXing at twice the size (small codes) and mirrored (selfie
//      cameras); then zbar, a second opinion, plain and equalised.
//
// tests/qr/blackbox_runner.cpp measures what each stage adds; decode_bench what it costs.
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
  // The content bytes exactly as encoded (may be binary; not validated): what passes and
  // enrolment codes are made of, and what the kiosk compares.
  std::string text;
  // The content as text for people, in UTF-8: decoded as the code's ECI designator says
  // or, without one, as UTF-8, Shift_JIS, GB2312 or ISO-8859-1, whichever the bytes are
  // (see kiosk/qr/src/text_encoding.hpp). Equal to `text` for ASCII and UTF-8 content.
  std::string utf8_text;
  // Corners of the code in frame pixels: top-left, top-right, bottom-right, bottom-left
  // as the code is read. Approximate when found on a rescaled copy of the frame.
  std::array<Point, 4> corners{};
  std::string found_by;  // pipeline stage that found it, e.g. "zxing+equalized": for logs and diagnostics
};

// How hard to look before giving up on a frame that shows no readable code.
enum class Effort {
  // Live camera frames: stages 1 to 3, the cheap ones, since the next frame comes in
  // tens of milliseconds anyway. On this project's reference machine about 10 ms for an empty
  // 640x480 frame and 35 ms for 1280x720 (ZXing alone: 1 and 4.5 ms).
  camera_frame,
  // A single photo (`checkin decode photo.jpg`): every stage, every working size.
  // About 0.1 s for an empty 640x480 frame and over a second for a 12-megapixel photo.
  photo,
};

struct DecodeOptions {
  Effort effort = Effort::photo;
  // Codes with more content bytes are dropped: passes and enrolment codes are a few
  // hundred bytes at most, and decoding input is hostile.
  std::size_t max_text_bytes = 1024;
};

// All distinct QR codes found (deduplicated by text), in the order found. Never throws
// and never crashes on any frame content or size: an invalid view, a frame under 21
// pixels a side or over kMaxImagePixels gives an empty result. Safe to call from
// several threads at once.
std::vector<DecodedCode> decode(ImageView frame, const DecodeOptions& options = {});

// The two libraries on their own, each at its own best general settings, without our
// preprocessing. Baselines for the blackbox tests and the benchmark.
std::vector<DecodedCode> decode_with_zxing_only(ImageView frame);
std::vector<DecodedCode> decode_with_zbar_only(ImageView frame);

}  // namespace checkin::qr
