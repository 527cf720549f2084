// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Finding QR codes in camera frames and photos. A pipeline of stages, each one ZXing (or
// zbar) reading the frame at some size after some preparation, stops at the first stage
// that finds something:
//
//   1. ZXing on the frame as it is, as it reads on its own (nearly every clean code, in a
//      millisecond);
//   2. ZXing on smaller copies: camera frames halved (a 2x2 mean) and equalised or smoothed
//      and read with a global threshold; photos at every working size (long side 400, 800,
//      1600, 3200, each used when the photo is half as large again), plain, equalised,
//      smoothed, inverted and sharpened. Averaging pixels down helps with large codes,
//      noise, blur, fabric weave and screen moire;
//   3. ZXing after cheap fixes at full size: a white border (codes touching the frame
//      edge), local contrast equalisation (shadows, glare halos, faded codes), a light blur
//      with a global threshold (noise, moire), inversion (light-on-dark codes: ZXing-cpp
//      2.x does that itself);
//   4. photos only: ZXing's global threshold on the frame as it is and after a lighter
//      blur (small codes in large photos), a fixed threshold on the equalised frame, the
//      frame at twice the size (small codes), plain and equalised, and mirrored (selfie
//      cameras; 2.x reads most of those itself); then zbar, a second opinion.
//
// A live camera runs one cheap stage per frame (CameraDecoder): the next frame shows the
// same code a few tens of milliseconds later, so the stages are spread over frames
// instead of being paid for on every one.
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
  // The camera stages (stage 1, halved copies, a border, inversion where ZXing needs it),
  // all on this one frame: what CameraDecoder tries over one cycle of frames. For a single
  // picture that must be read quickly (the demo, printed pass sheets).
  camera_frame,
  // A single photo (`checkin decode photo.jpg`): every stage, every working size.
  // About 0.15 s for an empty 640x480 frame and over a second for a 12-megapixel photo.
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

// Live camera frames, one after another from one camera: each frame gets the next of the
// camera stages in turn, so no frame costs more than about one and a half times ZXing's
// own reading of it (decode_bench), and a code held up to the camera is tried with every
// camera stage within a cycle of a few frames. One per camera, used by one thread.
class CameraDecoder {
 public:
  explicit CameraDecoder(const DecodeOptions& options = {.effort = Effort::camera_frame}) : options_(options) {}

  // The codes the next stage finds in this frame (empty: none, or not a decodable frame).
  std::vector<DecodedCode> decode(ImageView frame);
  // How many frames one cycle of the stages takes at this frame's size.
  static std::size_t stages_per_cycle(ImageView frame);

 private:
  DecodeOptions options_;
  std::size_t next_stage_ = 0;
};

// The two libraries on their own, each as it reads by default (ZXing: tryHarder,
// tryDownscale and, on ZXing-cpp 2.x, tryInvert), without our preprocessing. Baselines for the blackbox tests and the benchmark.
std::vector<DecodedCode> decode_with_zxing_only(ImageView frame);
std::vector<DecodedCode> decode_with_zbar_only(ImageView frame);

// The major version of the ZXing-cpp the pipeline is built with (1 on Debian 12, 2 on
// Debian 13): the blackbox thresholds differ, as the library reads more on its own.
int zxing_major_version();

}  // namespace checkin::qr
