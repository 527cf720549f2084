// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "checkin/qr/decode.hpp"
#include "checkin/qr/encode.hpp"
#include "synthetic_images.hpp"

using namespace checkin;
using namespace checkin::qr;

namespace {

const std::string kPassText =
    "CK1:NCFOXN*TS0BI$ZD.P9IW5A:8CDQL5J-6+4ONH:E7EDC12K1FGC9I7LC:LVF3DLEHTNXN%0Q3T7W:SKQG-1K3F/V3M+T4WB9A5J8KS7F"
    "+3J5*8CN4L*AA:L6B.N6U2B4";

GrayImage code_image(const std::string& text, int scale = 4, int quiet_zone = 4) {
  const auto matrix = encode(text);
  REQUIRE(matrix);
  return rasterize(*matrix, scale, quiet_zone);
}

// Copies `image` into `canvas` at (left, top).
void paste(GrayImage& canvas, const GrayImage& image, int left, int top) {
  for (int y = 0; y < image.height(); ++y) std::memcpy(canvas.row(top + y) + left, image.row(y), image.width());
}

std::vector<std::string> texts_of(const std::vector<DecodedCode>& codes) {
  std::vector<std::string> texts;
  for (const auto& code : codes) texts.push_back(code.text);
  return texts;
}

}  // namespace

TEST_CASE("a clean pass decodes in every effort and with each library alone", "[qr][decode]") {
  const GrayImage image = code_image(kPassText);
  for (Effort effort : {Effort::camera_frame, Effort::photo}) {
    const auto codes = decode(image.view(), {.effort = effort});
    REQUIRE(codes.size() == 1);
    CHECK(codes.front().text == kPassText);
    CHECK(codes.front().found_by == "zxing");
  }
  CHECK(texts_of(decode_with_zxing_only(image.view())) == std::vector{kPassText});
  CHECK(texts_of(decode_with_zbar_only(image.view())) == std::vector{kPassText});
}

TEST_CASE("corners are reported in frame pixels, in reading order", "[qr][decode]") {
  const GrayImage code = code_image(kPassText, 5);  // 41 modules + 2*4 quiet = 245 px
  GrayImage frame(640, 480, 255);
  paste(frame, code, 300, 100);
  const int left = 300 + 4 * 5, top = 100 + 4 * 5, right = left + 41 * 5, bottom = top + 41 * 5;

  auto near = [](Point p, int x, int y) { return std::abs(p.x - x) <= 8 && std::abs(p.y - y) <= 8; };
  for (const auto& codes : {decode(frame.view()), decode_with_zbar_only(frame.view())}) {
    REQUIRE(codes.size() == 1);
    const auto& c = codes.front().corners;
    CHECK(near(c[0], left, top));
    CHECK(near(c[1], right, top));
    CHECK(near(c[2], right, bottom));
    CHECK(near(c[3], left, bottom));
  }
}

TEST_CASE("a frame in a padded camera buffer decodes", "[qr][decode]") {
  const GrayImage code = code_image(kPassText, 3);
  const int stride = code.width() + 37;
  std::vector<std::uint8_t> buffer(static_cast<std::size_t>(stride) * code.height(), 0);  // black padding
  for (int y = 0; y < code.height(); ++y) std::memcpy(buffer.data() + y * stride, code.row(y), code.width());
  const ImageView view(buffer.data(), code.width(), code.height(), stride);
  CHECK(texts_of(decode(view)) == std::vector{kPassText});
  CHECK(texts_of(decode_with_zbar_only(view)) == std::vector{kPassText});
}

TEST_CASE("several codes in one frame are all found, each text once", "[qr][decode]") {
  GrayImage frame(900, 400, 255);
  paste(frame, code_image("FIRST CODE", 4), 20, 20);
  paste(frame, code_image("second code", 4), 330, 20);
  paste(frame, code_image("FIRST CODE", 3), 640, 60);  // the same text again
  const auto texts = texts_of(decode(frame.view()));
  CHECK(texts.size() == 2);
  CHECK(std::count(texts.begin(), texts.end(), "FIRST CODE") == 1);
  CHECK(std::count(texts.begin(), texts.end(), "second code") == 1);
}

TEST_CASE("light-on-dark codes decode: ZXing-cpp 2.x reads them itself, 1.4 from an inverted copy", "[qr][decode]") {
  GrayImage image = code_image(kPassText, 4);
  for (int i = 0; i < image.width() * image.height(); ++i) image.data()[i] = static_cast<std::uint8_t>(255 - image.data()[i]);
  const bool zxing_reads_inverted = !decode_with_zxing_only(image.view()).empty();
  const auto codes = decode(image.view(), {.effort = Effort::camera_frame});
  REQUIRE(codes.size() == 1);
  CHECK(codes.front().text == kPassText);
  CHECK(codes.front().found_by == (zxing_reads_inverted ? "zxing" : "zxing+inverted"));
}

TEST_CASE("the camera decoder reads a code within one cycle of frames, whenever it comes into view", "[qr][decode]") {
  using namespace checkin::qr::synth;
  // A faded code (ZXing alone misses it): only some stages of the cycle read it.
  Random random(5);
  const auto matrix = encode(kPassText);
  REQUIRE(matrix);
  const Document faded = code_document(*matrix, 116, 128);
  Canvas scene(1280, 720, 120);
  paint(scene, faded, placed(faded, faded.width * 6, 10, Vec2{640, 360}));
  add_sensor_noise(scene, random, 2);
  const GrayImage frame = scene.to_gray();
  const GrayImage empty(1280, 720, 120);
  REQUIRE(decode_with_zxing_only(frame.view()).empty());

  const std::size_t cycle = CameraDecoder::stages_per_cycle(frame.view());
  CHECK(cycle >= 4);
  std::set<std::string> stages_that_read;
  for (std::size_t start = 0; start < cycle; ++start) {
    CameraDecoder decoder;
    for (std::size_t i = 0; i < start; ++i) CHECK(decoder.decode(empty.view()).empty());
    std::size_t frames = 0;
    std::vector<DecodedCode> codes;
    while (codes.empty() && frames < cycle) {
      codes = decoder.decode(frame.view());
      ++frames;
    }
    REQUIRE(codes.size() == 1);
    CHECK(codes.front().text == kPassText);
    stages_that_read.insert(codes.front().found_by);
  }
  // ZXing as it reads on its own misses it: another stage of the cycle read it every time.
  CHECK(stages_that_read.count("zxing") == 0);
}

TEST_CASE("a mirror-image code decodes at photo effort, with corners in the frame", "[qr][decode]") {
  const GrayImage code = code_image(kPassText, 4);
  GrayImage frame(640, 480, 255);
  paste(frame, code, 100, 50);
  for (int y = 0; y < frame.height(); ++y) std::reverse(frame.row(y), frame.row(y) + frame.width());
  const auto codes = decode(frame.view());
  REQUIRE(codes.size() == 1);
  CHECK(codes.front().text == kPassText);
  // The code now spans x = 640 - 100 - 196 .. 640 - 100 (minus the quiet zones).
  for (const Point& corner : codes.front().corners) {
    CHECK(corner.x >= 640 - 100 - code.width() - 4);
    CHECK(corner.x <= 640 - 100 + 4);
    CHECK(corner.y >= 50);
    CHECK(corner.y <= 50 + code.height());
  }
}

TEST_CASE("a code touching the frame edge decodes once given back its quiet zone", "[qr][decode]") {
  // No quiet zone, and dark surroundings right against the finder patterns would be
  // worse still; the bare code is the common "held too close" case.
  const GrayImage image = code_image(kPassText, 6, 0);
  const auto codes = decode(image.view(), {.effort = Effort::camera_frame});
  REQUIRE(codes.size() == 1);
  CHECK(codes.front().text == kPassText);
}

TEST_CASE("a dim, low-contrast code decodes after contrast equalisation", "[qr][decode]") {
  using namespace checkin::qr::synth;
  Random random(3);
  const auto matrix = encode(kPassText);
  REQUIRE(matrix);
  Canvas scene(640, 480, 100);
  const Document code = code_document(*matrix, 92, 112);  // 20 grey levels apart
  paint(scene, code, placed(code, 49 * 4.5, 20, Vec2{320, 240}));
  gaussian_blur(scene, 0.7);
  add_sensor_noise(scene, random, 2);
  const GrayImage frame = scene.to_gray();
  const auto codes = decode(frame.view());
  REQUIRE(codes.size() == 1);
  CHECK(codes.front().text == kPassText);
}

TEST_CASE("codes longer than max_text_bytes are dropped", "[qr][decode]") {
  const GrayImage image = code_image(std::string(300, 'A'), 3);
  CHECK(decode(image.view()).size() == 1);
  CHECK(decode(image.view(), {.max_text_bytes = 299}).empty());
}

TEST_CASE("frames without a code decode to nothing", "[qr][decode]") {
  using namespace checkin::qr::synth;
  Random random(11);
  const GrayImage clutter = cluttered_background(640, 480, random).to_gray();
  CHECK(decode(clutter.view()).empty());
  CHECK(decode(GrayImage(320, 240, 255).view()).empty());
  CHECK(decode(GrayImage(320, 240, 0).view()).empty());
}

TEST_CASE("any frame size or content is safe", "[qr][decode]") {
  std::vector<std::uint8_t> pixels(64 * 64, 128);
  const ImageView bad_views[] = {
      ImageView(),
      ImageView(nullptr, 10, 10),
      ImageView(pixels.data(), 0, 0),
      ImageView(pixels.data(), -5, 10),
      ImageView(pixels.data(), 10, -5),
      ImageView(pixels.data(), 20, 10, 5),  // stride shorter than a row
  };
  for (const ImageView& view : bad_views) {
    CHECK(decode(view).empty());
    CHECK(decode_with_zxing_only(view).empty());
    CHECK(decode_with_zbar_only(view).empty());
  }

  const std::pair<int, int> sizes[] = {{1, 1}, {2, 2}, {21, 21}, {64, 1}, {1, 64}, {3, 64}, {64, 64}};
  for (auto [w, h] : sizes) {
    CHECK(decode(ImageView(pixels.data(), w, h)).empty());
    CHECK(decode(ImageView(pixels.data(), w, h), {.effort = Effort::camera_frame}).empty());
  }

  // Random noise and extreme strips at photo effort.
  synth::Random random(5);
  for (int i = 0; i < 4; ++i) {
    GrayImage noise(97 + i * 50, 61 + i * 30);
    for (int p = 0; p < noise.width() * noise.height(); ++p) noise.data()[p] = static_cast<std::uint8_t>(random.next());
    CHECK(decode(noise.view()).empty());
  }
  const GrayImage strip(5000, 3, 200);
  CHECK(decode(strip.view()).empty());
}

TEST_CASE("text in another character set reads as UTF-8, and the exact bytes are kept", "[qr][decode]") {
  struct Case {
    std::string bytes;  // what the code holds, without an ECI designator
    std::string utf8;
  };
  const Case cases[] = {
      {"\x8E\xF3\x95\x74\x82\xCD\x8E\x4F\x8A\x4B\x82\xC5\x82\xB7", "受付は三階です"},     // Shift_JIS
      {"\xBB\xB6\xD3\xAD\xB2\xCE\xBC\xD3\xBB\xA5\xD6\xFA\xD0\xA1\xD7\xE9", "欢迎参加互助小组"},  // GB2312
      {"\x47\x72\xFC\xDF\x65\x20\x61\x75\x73\x20\x4B\xF6\x6C\x6E", "Grüße aus Köln"},       // ISO-8859-1
      {"Grüße ✓", "Grüße ✓"},                                                            // UTF-8 as it is
  };
  for (const Case& c : cases) {
    const GrayImage image = code_image(c.bytes);
    for (const auto& codes : {decode(image.view()), decode_with_zxing_only(image.view()), decode_with_zbar_only(image.view())}) {
      REQUIRE(codes.size() == 1);
      CHECK(codes.front().text == c.bytes);
      CHECK(codes.front().utf8_text == c.utf8);
    }
  }
}
