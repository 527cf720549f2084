// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"
#include <cstdlib>
#include <vector>

#include "checkin/platform/camera_formats.hpp"
#include "../qr/jpeg_segments.hpp"
#include "platform_test_support.hpp"

using namespace checkin;
using namespace checkin::platform;

namespace {

CameraFormat discrete(const char (&code)[5], std::vector<FrameSize> sizes) {
  return CameraFormat{fourcc(code), std::move(sizes), std::nullopt};
}

CameraFormat stepwise(const char (&code)[5], FrameSizeRange range) {
  return CameraFormat{fourcc(code), {}, range};
}

std::string describe(const std::optional<FormatChoice>& choice) {
  if (!choice) return "none";
  return fourcc_name(choice->code) + " " + std::to_string(choice->size.width) + "x" + std::to_string(choice->size.height);
}

}  // namespace

TEST_CASE("fourcc codes and their names") {
  CHECK(fourcc("YUYV") == 0x56595559u);
  CHECK(fourcc_name(fourcc("YUYV")) == "YUYV");
  CHECK(fourcc_name(fourcc("MJPG")) == "MJPG");
  CHECK(fourcc_name(0x00313233u) == "321?");
}

TEST_CASE("usable formats rank grey first, packed YUV, planar YUV, then JPEG") {
  CHECK(pixel_format_rank(fourcc("GREY")) < pixel_format_rank(fourcc("YUYV")));
  CHECK(pixel_format_rank(fourcc("YUYV")) < pixel_format_rank(fourcc("UYVY")));
  CHECK(pixel_format_rank(fourcc("UYVY")) < pixel_format_rank(fourcc("NV12")));
  CHECK(pixel_format_rank(fourcc("NV12")) < pixel_format_rank(fourcc("YU12")));
  CHECK(pixel_format_rank(fourcc("YU12")) < pixel_format_rank(fourcc("MJPG")));
  CHECK_FALSE(pixel_format_rank(fourcc("RGB3")));
  CHECK_FALSE(pixel_format_rank(fourcc("pRAA")));  // 10-bit Bayer from a raw sensor node
  CHECK_FALSE(pixel_format_rank(fourcc("H264")));
  CHECK(is_compressed_format(fourcc("MJPG")));
  CHECK_FALSE(is_compressed_format(fourcc("YUYV")));
}

TEST_CASE("format choice from what a camera offers") {
  const FrameSizeRange pi_legacy_range{{32, 32}, {2592, 1944}, 2, 2};
  struct Row {
    const char* camera;
    std::vector<CameraFormat> offered;
    std::string expected;
  };
  const std::vector<Row> rows = {
      {"typical UVC webcam: raw YUYV at the preferred size wins over MJPEG",
       {discrete("YUYV", {{640, 480}, {1280, 720}, {320, 240}}),
        discrete("MJPG", {{640, 480}, {1280, 720}, {1920, 1080}})},
       "YUYV 1280x720"},
      {"YUYV only small: the second preferred size, still raw",
       {discrete("MJPG", {{1280, 720}, {1920, 1080}}), discrete("YUYV", {{320, 240}, {640, 480}})},
       "YUYV 640x480"},
      {"grey at a preferred size beats YUYV at the same size",
       {discrete("YUYV", {{1280, 720}}), discrete("GREY", {{640, 480}, {1280, 720}})},
       "GREY 1280x720"},
      {"the better size comes before the better format",
       {discrete("GREY", {{640, 480}}), discrete("YUYV", {{1280, 720}})},
       "YUYV 1280x720"},
      {"UYVY when that is the packed format offered", {discrete("UYVY", {{640, 480}})}, "UYVY 640x480"},
      {"planar NV12 before MJPEG", {discrete("MJPG", {{1280, 720}}), discrete("NV12", {{1280, 720}})}, "NV12 1280x720"},
      {"MJPEG as the last resort", {discrete("MJPG", {{640, 480}, {1280, 720}}), discrete("H264", {{1280, 720}})},
       "MJPG 1280x720"},
      {"raw formats too small: MJPEG", {discrete("YUYV", {{160, 120}, {176, 144}}), discrete("MJPG", {{640, 480}})},
       "MJPG 640x480"},
      {"Pi camera, legacy V4L2 driver: stepwise sizes",
       {stepwise("YU12", pi_legacy_range), stepwise("YUYV", pi_legacy_range), stepwise("RGB3", pi_legacy_range),
        stepwise("JPEG", pi_legacy_range), stepwise("H264", pi_legacy_range)},
       "YUYV 1280x720"},
      {"no preferred size: the closest in pixel count within bounds",
       {discrete("YUYV", {{800, 600}, {1920, 1080}, {2592, 1944}})},
       "YUYV 800x600"},
      {"range without the preferred sizes: the target clamped to the range and its steps",
       {stepwise("YUYV", {{330, 250}, {1024, 768}, 20, 20})},
       "YUYV 1010x710"},
      {"sizes not listed: ask for the preferred one", {CameraFormat{fourcc("GREY"), {}, std::nullopt}}, "GREY 1280x720"},
      {"only raw Bayer (libcamera sensor node): nothing usable",
       {discrete("pRAA", {{1640, 1232}, {3280, 2464}}), discrete("RGGB", {{640, 480}})},
       "none"},
      {"nothing within bounds", {discrete("YUYV", {{160, 120}, {3840, 2160}})}, "none"},
      {"nothing offered", {}, "none"},
  };
  for (const auto& row : rows) {
    INFO(row.camera);
    CHECK(describe(choose_format(row.offered)) == row.expected);
  }
}

TEST_CASE("format choice follows configured preferences") {
  const std::vector<CameraFormat> offered = {discrete("YUYV", {{640, 480}, {1280, 720}, {1920, 1080}})};
  FormatPreferences small_first;
  small_first.sizes = {{640, 480}, {1280, 720}};
  CHECK(describe(choose_format(offered, small_first)) == "YUYV 640x480");

  FormatPreferences full_hd;
  full_hd.sizes = {{1920, 1080}};
  CHECK(describe(choose_format(offered, full_hd)) == "YUYV 1920x1080");

  FormatPreferences capped;
  capped.sizes = {{1920, 1080}};
  capped.max_size = {1280, 720};
  CHECK(describe(choose_format(offered, capped)) == "YUYV 1280x720");
}

TEST_CASE("a camera that sends only raw Bayer data is explained: libcamera's V4L2 layer, or a webcam") {
  CHECK(is_raw_bayer_format(fourcc("pRAA")));  // 10-bit packed RGGB: a Camera Module 3 on a Pi 4 (unicam)
  CHECK(is_raw_bayer_format(fourcc("RG10")));
  CHECK(is_raw_bayer_format(fourcc("BA81")));
  CHECK(is_raw_bayer_format(fourcc("PC1R")));  // the Pi 5's compressed raw (rp1-cfe)
  CHECK_FALSE(is_raw_bayer_format(fourcc("YUYV")));
  CHECK_FALSE(is_raw_bayer_format(fourcc("GREY")));

  const std::vector<CameraFormat> camera_module = {discrete("pRAA", {{1536, 864}, {2304, 1296}, {4608, 2592}}),
                                                   discrete("RG10", {{1536, 864}, {2304, 1296}, {4608, 2592}})};
  REQUIRE_FALSE(choose_format(camera_module));
  const auto words = explain_no_usable_format("camera /dev/video0 (unicam)", camera_module, {});
  CHECK_THAT(words, Catch::Matchers::StartsWith("camera /dev/video0 (unicam) sends only raw sensor data (pRAA, RG10)"));
  CHECK_THAT(words, Catch::Matchers::ContainsSubstring("Install libcamera-v4l2") &&
                        Catch::Matchers::ContainsSubstring("libcamerify") &&
                        Catch::Matchers::ContainsSubstring("The Raspberry Pi camera") &&
                        Catch::Matchers::ContainsSubstring("USB webcam"));

  // Formats we cannot read that are not raw sensor data, or readable ones at the wrong
  // sizes: the formats and the bounds, no talk of libcamera.
  const std::vector<CameraFormat> odd = {discrete("RGB3", {{640, 480}}), discrete("H264", {{640, 480}})};
  CHECK(explain_no_usable_format("camera /dev/video2 (Odd)", odd, {}) ==
        "camera /dev/video2 (Odd) offers no format we can read at 320x240 to 1920x1080 (it offers: RGB3, H264)");
  const std::vector<CameraFormat> huge = {discrete("YUYV", {{3840, 2160}}), discrete("RG10", {{3840, 2160}})};
  CHECK(explain_no_usable_format("camera /dev/video3 (Big)", huge, {}) ==
        "camera /dev/video3 (Big) offers no format we can read at 320x240 to 1920x1080 (it offers: YUYV, RG10)");
  CHECK(explain_no_usable_format("camera /dev/video4 (Empty)", {}, {}) ==
        "camera /dev/video4 (Empty) offers no format we can read at 320x240 to 1920x1080 (it offers: none)");
}

TEST_CASE("frame size ranges respect their steps") {
  const FrameSizeRange range{{32, 32}, {2592, 1944}, 2, 2};
  CHECK(range.contains({1280, 720}));
  CHECK_FALSE(range.contains({1281, 720}));
  CHECK_FALSE(range.contains({2600, 720}));
  CHECK_FALSE(range.contains({16, 16}));
}

TEST_CASE("luma from grey frames with padded rows") {
  const std::vector<std::uint8_t> buffer = {1, 2, 3, 4, 0, 0,  //
                                            5, 6, 7, 8, 0, 0};
  auto image = extract_luma(buffer, {fourcc("GREY"), 4, 2, 6});
  REQUIRE(image);
  CHECK(std::vector<std::uint8_t>(image->data(), image->data() + 8) == std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("luma from packed 4:2:2 frames") {
  // Y0 U Y1 V | Y2 U Y3 V, two rows; chroma bytes are 200+
  const std::vector<std::uint8_t> yuyv = {10, 200, 11, 201, 12, 202, 13, 203,  //
                                          20, 204, 21, 205, 22, 206, 23, 207};
  auto image = extract_luma(yuyv, {fourcc("YUYV"), 4, 2, 0});
  REQUIRE(image);
  CHECK(std::vector<std::uint8_t>(image->data(), image->data() + 8) ==
        std::vector<std::uint8_t>{10, 11, 12, 13, 20, 21, 22, 23});

  const std::vector<std::uint8_t> uyvy = {200, 10, 201, 11, 202, 12, 203, 13, 9, 9,  // 2 bytes of padding
                                          204, 20, 205, 21, 206, 22, 207, 23, 9, 9};
  auto image2 = extract_luma(uyvy, {fourcc("UYVY"), 4, 2, 10});
  REQUIRE(image2);
  CHECK(std::vector<std::uint8_t>(image2->data(), image2->data() + 8) ==
        std::vector<std::uint8_t>{10, 11, 12, 13, 20, 21, 22, 23});
}

TEST_CASE("luma from planar 4:2:0 frames is the first plane") {
  std::vector<std::uint8_t> nv12 = {1, 2, 3, 4, 5, 6, 7, 8,  // Y, 4x2
                                    128, 129, 130, 131};    // interleaved UV, 2x1 pairs
  for (const char* format : {"NV12", "NV21", "YU12", "YV12"}) {
    INFO(format);
    const char code[5] = {format[0], format[1], format[2], format[3], 0};
    auto image = extract_luma(nv12, {fourcc(code), 4, 2, 4});
    REQUIRE(image);
    CHECK(image->width() == 4);
    CHECK(image->height() == 2);
    CHECK(std::vector<std::uint8_t>(image->data(), image->data() + 8) ==
          std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8});
  }
}

TEST_CASE("bad buffers are errors, not crashes") {
  const std::vector<std::uint8_t> tiny(10, 0);
  auto short_frame = extract_luma(tiny, {fourcc("YUYV"), 640, 480, 1280});
  REQUIRE_FALSE(short_frame);
  CHECK_THAT(short_frame.error().message, Catch::Matchers::ContainsSubstring("short"));

  auto narrow_stride = extract_luma(tiny, {fourcc("YUYV"), 4, 1, 4});
  REQUIRE_FALSE(narrow_stride);
  CHECK_THAT(narrow_stride.error().message, Catch::Matchers::ContainsSubstring("bytes per line"));

  auto unknown = extract_luma(tiny, {fourcc("RGB3"), 2, 1, 0});
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error().message, Catch::Matchers::ContainsSubstring("RGB3"));

  auto no_size = extract_luma(tiny, {fourcc("GREY"), 0, 0, 0});
  CHECK_FALSE(no_size);

  auto garbage_jpeg = extract_luma(tiny, {fourcc("MJPG"), 640, 480, 0});
  REQUIRE_FALSE(garbage_jpeg);
  CHECK_THAT(garbage_jpeg.error().message, Catch::Matchers::ContainsSubstring("JPEG"));

  CHECK_FALSE(extract_luma({}, {fourcc("MJPG"), 640, 480, 0}));
}

TEST_CASE("MJPEG frames are decoded to luma") {
  const auto frame = testing::qr_frame("CK1:MJPEG-TEST", 320, 240);
  auto jpeg = qr::encode_jpeg(frame.view(), 90);
  REQUIRE(jpeg);
  auto image = extract_luma(*jpeg, {fourcc("MJPG"), 320, 240, 0});
  REQUIRE(image);
  REQUIRE(image->width() == 320);
  REQUIRE(image->height() == 240);
  long total_difference = 0;
  for (int y = 0; y < 240; ++y)
    for (int x = 0; x < 320; ++x) total_difference += std::abs(image->at(x, y) - frame.at(x, y));
  CHECK(total_difference / (320 * 240) < 8);
}

TEST_CASE("an MJPEG frame larger than the size the camera agreed to is refused before decoding") {
  const auto frame = testing::qr_frame("CK1:BIG-FRAME", 320, 240);
  auto jpeg = qr::encode_jpeg(frame.view(), 90);
  REQUIRE(jpeg);
  auto refused = extract_luma(*jpeg, {fourcc("MJPG"), 160, 120, 0});
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("over the limit"));
}

TEST_CASE("MJPEG frames without Huffman tables get the standard ones") {
  const auto frame = testing::qr_frame("CK1:NO-DHT", 160, 120);
  auto jpeg = qr::encode_jpeg(frame.view(), 90);
  REQUIRE(jpeg);
  const auto stripped = testing::without_huffman_tables(*jpeg);
  REQUIRE(stripped.size() < jpeg->size());
  CHECK_FALSE(qr::load_image_from_memory(stripped));  // refused: stb_image would decode it from whatever memory held

  const auto fixed = with_standard_huffman_tables(stripped);
  auto decoded = qr::load_image_from_memory(fixed);
  auto original = qr::load_image_from_memory(*jpeg);
  REQUIRE(decoded);
  REQUIRE(original);
  CHECK(std::equal(decoded->data(), decoded->data() + 160 * 120, original->data()));

  auto through_camera_path = extract_luma(stripped, {fourcc("MJPG"), 160, 120, 0});
  CHECK(through_camera_path);
}

TEST_CASE("frames that have Huffman tables, or are not JPEG, pass unchanged") {
  const auto frame = testing::qr_frame("CK1:WITH-DHT", 160, 120);
  auto jpeg = qr::encode_jpeg(frame.view(), 90);
  REQUIRE(jpeg);
  CHECK(with_standard_huffman_tables(*jpeg) == *jpeg);
  const std::vector<std::uint8_t> not_jpeg = {1, 2, 3, 4, 5};
  CHECK(with_standard_huffman_tables(not_jpeg) == not_jpeg);
  CHECK(with_standard_huffman_tables({}).empty());
}
