// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "checkin/qr/image.hpp"
#include "jpeg_segments.hpp"

using namespace checkin;
using namespace checkin::qr;
namespace fs = std::filesystem;

namespace {

// A fresh, empty directory for one test.
fs::path scratch_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("checkin_qr_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

GrayImage gradient(int width, int height) {
  GrayImage image(width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) image.at(x, y) = static_cast<std::uint8_t>((x * 7 + y * 13) % 256);
  return image;
}

// A tiny PNG whose header claims the given size: signature, IHDR, an empty IDAT, IEND (no
// pixel data). stb_image 2.30 (Debian 13) reads the header up to the first IDAT; 2.27
// (Debian 12) stops after IHDR.
std::vector<std::uint8_t> png_claiming(std::uint32_t width, std::uint32_t height) {
  std::vector<std::uint8_t> bytes = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  for (std::uint32_t value : {width, height})
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(value >> shift));
  for (std::uint8_t b : {8, 0, 0, 0, 0, 0, 0, 0, 0}) bytes.push_back(b);  // depth, colour, ..., CRC
  for (const char* chunk : {"IDAT", "IEND"}) {
    bytes.insert(bytes.end(), {0, 0, 0, 0});  // no data
    bytes.insert(bytes.end(), chunk, chunk + 4);
    bytes.insert(bytes.end(), {0, 0, 0, 0});  // CRC (stb_image does not check it)
  }
  return bytes;
}

}  // namespace

TEST_CASE("ImageView describes padded rows and crops within bounds", "[qr][image]") {
  std::vector<std::uint8_t> buffer(10 * 4, 0);
  buffer[2 * 10 + 3] = 42;  // x=3, y=2 with a row stride of 10
  const ImageView view(buffer.data(), 6, 4, 10);
  REQUIRE(view.valid());
  CHECK(view.at(3, 2) == 42);

  const ImageView crop = view.cropped(2, 1, 3, 10);  // taller than the view: clipped
  CHECK(crop.width == 3);
  CHECK(crop.height == 3);
  CHECK(crop.at(1, 1) == 42);
  CHECK_FALSE(view.cropped(10, 10, 5, 5).valid());
  CHECK(view.cropped(1, 1, 2147483647, 2147483647).width == 5);  // clipped, no overflow

  CHECK_FALSE(ImageView().valid());
  CHECK_FALSE(ImageView(buffer.data(), 0, 4).valid());
  CHECK_FALSE(ImageView(buffer.data(), 6, 4, 5).valid());  // stride shorter than a row
  CHECK_FALSE(ImageView(nullptr, 6, 4).valid());
}

TEST_CASE("GrayImage copies a strided view into packed pixels", "[qr][image]") {
  std::vector<std::uint8_t> buffer(8 * 3, 7);
  buffer[1 * 8 + 2] = 99;
  const GrayImage copy = GrayImage::copy_of(ImageView(buffer.data(), 5, 3, 8));
  REQUIRE(copy.width() == 5);
  REQUIRE(copy.height() == 3);
  CHECK(copy.at(2, 1) == 99);
  CHECK(copy.view().row_stride == 5);
  CHECK(GrayImage::copy_of(ImageView()).empty());
  CHECK(GrayImage(-3, 4).empty());
}

TEST_CASE("PNG saved and loaded again keeps every pixel", "[qr][image]") {
  const fs::path dir = scratch_dir("png");
  const GrayImage original = gradient(37, 23);
  REQUIRE(save_png(original.view(), dir / "gradient.png"));

  const auto loaded = load_image(dir / "gradient.png");
  REQUIRE(loaded);
  REQUIRE(loaded->width() == 37);
  REQUIRE(loaded->height() == 23);
  CHECK(std::equal(original.data(), original.data() + 37 * 23, loaded->data()));
}

TEST_CASE("PNG of a strided view saves only the visible pixels", "[qr][image]") {
  const GrayImage big = gradient(20, 10);
  const ImageView crop = big.view().cropped(5, 2, 6, 4);
  const auto png = encode_png(crop);
  REQUIRE(png);
  const auto loaded = load_image_from_memory(*png);
  REQUIRE(loaded);
  REQUIRE(loaded->width() == 6);
  CHECK(loaded->at(0, 0) == big.at(5, 2));
  CHECK(loaded->at(5, 3) == big.at(10, 5));
}

TEST_CASE("JPEG encodes and decodes to nearly the same picture", "[qr][image]") {
  GrayImage flat(64, 48, 180);
  const auto jpeg = encode_jpeg(flat.view(), 90);
  REQUIRE(jpeg);
  const auto loaded = load_image_from_memory(*jpeg);
  REQUIRE(loaded);
  REQUIRE(loaded->width() == 64);
  CHECK(std::abs(loaded->at(30, 20) - 180) <= 3);
}

TEST_CASE("binary PGM files load", "[qr][image]") {
  const fs::path dir = scratch_dir("pgm");
  std::vector<std::uint8_t> pgm = {'P', '5', '\n', '3', ' ', '2', '\n', '2', '5', '5', '\n', 0, 50, 100, 150, 200, 250};
  write_file(dir / "tiny.pgm", pgm);
  const auto loaded = load_image(dir / "tiny.pgm");
  REQUIRE(loaded);
  REQUIRE(loaded->width() == 3);
  REQUIRE(loaded->height() == 2);
  CHECK(loaded->at(2, 1) == 250);
}

TEST_CASE("bad image files are errors, never crashes", "[qr][image]") {
  const fs::path dir = scratch_dir("bad");

  SECTION("missing file") {
    const auto result = load_image(dir / "nope.png");
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::io);
    CHECK(result.error().message.find("nope.png") != std::string::npos);
  }
  SECTION("empty file") {
    write_file(dir / "empty.png", {});
    const auto result = load_image(dir / "empty.png");
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::invalid_input);
  }
  SECTION("not an image") {
    write_file(dir / "text.png", {'h', 'e', 'l', 'l', 'o'});
    CHECK_FALSE(load_image(dir / "text.png"));
  }
  SECTION("truncated PNG") {
    auto png = encode_png(gradient(50, 50).view());
    REQUIRE(png);
    png->resize(png->size() / 2);
    write_file(dir / "half.png", *png);
    const auto result = load_image(dir / "half.png");
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::invalid_input);
  }
  SECTION("a PNG whose first image data is empty (libFuzzer's find: stb copies into no buffer)") {
    // 16x12 gray, an empty IDAT, then the data: refused with a reason, never decoded.
    const std::vector<std::uint8_t> png{
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
        0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0c,
        0x08, 0x00, 0x00, 0x00, 0x00, 0xc4, 0x4b, 0x62, 0x5d, 0x00, 0x00, 0x00,
        0x00, 0x49, 0x44, 0x41, 0x54, 0x78, 0x5e, 0x63, 0x64, 0xe0, 0x45, 0x05,
        0x4c, 0x6c, 0x68, 0x60, 0xe8, 0x08, 0x00, 0x00, 0x60, 0xfb, 0x05, 0xab,
        0x34, 0x43, 0x41, 0xce, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
        0xae, 0x42, 0x60, 0x82,
    };
    CHECK(png_starts_with_empty_image_data(png));
    const auto result = load_image_from_memory(png);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::invalid_input);
    CHECK(result.error().message.find("empty") != std::string::npos);
    // An ordinary PNG is not.
    auto fine = encode_png(gradient(20, 20).view());
    REQUIRE(fine);
    CHECK_FALSE(png_starts_with_empty_image_data(*fine));
  }
  SECTION("header claiming a gigantic image") {
    const auto result = load_image_from_memory(png_claiming(20000, 20000));
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::limit_exceeded);
  }
  SECTION("header claiming an absurd image") {
    CHECK_FALSE(load_image_from_memory(png_claiming(0x7FFFFFFF, 0x7FFFFFFF)));
  }
  SECTION("a directory") {
    CHECK_FALSE(load_image(dir));
  }
}

namespace {

// A JPEG of 21 bytes, start of image and a baseline frame header claiming width x height
// in three components: all a decoder needs to allocate for the whole picture.
std::vector<std::uint8_t> jpeg_header_only(std::uint16_t width, std::uint16_t height) {
  std::vector<std::uint8_t> bytes = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 8};
  for (std::uint16_t value : {height, width}) {
    bytes.push_back(static_cast<std::uint8_t>(value >> 8));
    bytes.push_back(static_cast<std::uint8_t>(value & 0xFF));
  }
  bytes.push_back(3);
  for (std::uint8_t id : {1, 2, 3}) {
    bytes.push_back(id);
    bytes.push_back(0x11);
    bytes.push_back(0);
  }
  return bytes;
}

// A PNG whose header claims an RGBA picture and whose data are a short run of zeros.
std::vector<std::uint8_t> png_claiming_rgba(std::uint32_t width, std::uint32_t height) {
  auto bytes = png_claiming(width, height);
  bytes[25] = 6;  // colour type RGBA
  bytes.resize(33);  // signature and IHDR; its empty IDAT and IEND follow again below
  // An IDAT chunk holding a tiny zlib stream (stored block of zero bytes), CRC unchecked by stb.
  const std::vector<std::uint8_t> idat = {0, 0, 0, 11, 'I', 'D', 'A', 'T', 0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0};
  bytes.insert(bytes.end(), idat.begin(), idat.end());
  bytes.insert(bytes.end(), {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0, 0, 0, 0});
  return bytes;
}

}  // namespace

TEST_CASE("image bombs are refused from their header, with the limit in the message", "[qr][image]") {
  const fs::path dir = scratch_dir("bombs");
  write_file(dir / "bomb.jpg", jpeg_header_only(11000, 11000));
  write_file(dir / "bomb.png", png_claiming_rgba(11000, 11000));
  for (const char* name : {"bomb.jpg", "bomb.png"}) {
    INFO(name);
    const auto started = std::chrono::steady_clock::now();
    const auto result = load_image(dir / name);
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE_FALSE(result);
    CHECK(result.error().code == Errc::limit_exceeded);
    CHECK_THAT(result.error().message, Catch::Matchers::ContainsSubstring("11000x11000") && Catch::Matchers::ContainsSubstring("over the limit of 40.0 megapixels"));
    CHECK(took < std::chrono::seconds{1});
  }
  // Just over the limit from a header; a caller's own limit (a camera's frame size) too.
  CHECK(load_image_from_memory(jpeg_header_only(8000, 5001)).error().code == Errc::limit_exceeded);
  auto small = encode_png(gradient(64, 48).view());
  REQUIRE(small);
  CHECK(load_image_from_memory(*small, 64 * 48));
  CHECK(load_image_from_memory(*small, 64 * 48 - 1).error().code == Errc::limit_exceeded);
}

TEST_CASE("a JPEG Huffman table with more than 256 codes is refused before stb reads it", "[qr][image]") {
  // Debian 12's stb_image would write past its tables (found by libFuzzer).
  auto jpeg = encode_jpeg(gradient(32, 24).view(), 80);
  REQUIRE(jpeg);
  CHECK(load_image_from_memory(*jpeg));
  auto dht = jpeg->begin();
  for (; dht + 1 != jpeg->end(); ++dht)
    if (dht[0] == 0xFF && dht[1] == 0xC4) break;
  REQUIRE(dht + 1 != jpeg->end());
  auto bad = *jpeg;
  const auto counts = static_cast<std::size_t>(dht - jpeg->begin()) + 5;  // after marker, length, class/id
  for (std::size_t i = 0; i < 16; ++i) bad[counts + i] = 0xFF;
  auto refused = load_image_from_memory(bad);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::invalid_input);
  CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("Huffman table holds more than 256 codes"));
}

TEST_CASE("16-bit PGM and PPM files are refused before stb reads past its buffer", "[qr][image]") {
  // Debian 12's stb converts them to gray with an 8-bit routine (found by libFuzzer).
  std::vector<std::uint8_t> ppm = {'P', '6', '\n', '4', '2', ' ', '6', '6', '\n', '4', '1', '2', '6', ' '};
  ppm.resize(ppm.size() + 42 * 66 * 6, 0x80);
  auto refused = load_image_from_memory(ppm);
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("16-bit PGM/PPM"));
  std::vector<std::uint8_t> eight_bit = {'P', '5', '\n', '4', ' ', '2', '\n', '2', '5', '5', '\n', 1, 2, 3, 4, 5, 6, 7, 8};
  CHECK(load_image_from_memory(eight_bit));
}

TEST_CASE("a JPEG whose scans use Huffman tables it never defines is refused, not decoded", "[qr][image]") {
  const auto jpeg = encode_jpeg(gradient(64, 48).view(), 90);
  REQUIRE(jpeg);
  CHECK_FALSE(jpeg_lacks_huffman_tables(*jpeg));
  REQUIRE(load_image_from_memory(*jpeg));

  const auto stripped = testing::without_huffman_tables(*jpeg);  // a webcam's MJPEG frame
  CHECK(jpeg_lacks_huffman_tables(stripped));
  const auto refused = load_image_from_memory(stripped);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == Errc::invalid_input);
  CHECK_THAT(refused.error().message, Catch::Matchers::ContainsSubstring("Huffman tables"));

  SECTION("bytes that are not a marker before the scan do not hide it") {
    auto garbage = stripped;
    const auto scan = static_cast<long>(testing::first_scan(garbage));
    garbage.insert(garbage.begin() + scan, {0x12, 0x00, 0xff, 0x00, 0xff, 0xff});
    CHECK(jpeg_lacks_huffman_tables(garbage));
  }
  SECTION("a file cut inside the scan header still counts as that scan") {
    auto cut = stripped;
    cut.resize(testing::first_scan(cut) + 5);  // marker, length, component count, one component id
    CHECK(jpeg_lacks_huffman_tables(cut));
  }
  SECTION("anything that is not a JPEG is left to the decoder") {
    CHECK_FALSE(jpeg_lacks_huffman_tables({}));
    CHECK_FALSE(jpeg_lacks_huffman_tables(*encode_png(gradient(8, 8).view())));
    CHECK_FALSE(jpeg_lacks_huffman_tables(std::vector<std::uint8_t>{0xff, 0xd8, 0xff}));
  }
}

TEST_CASE("a progressive JPEG's scans need only the table they decode with", "[qr][image]") {
  // SOI, a progressive frame header (one component), a DHT with DC table 0 only.
  std::vector<std::uint8_t> jpeg = {0xff, 0xd8, 0xff, 0xc2, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0,
                                    0xff, 0xc4, 0, 20, 0x00, 1};
  jpeg.insert(jpeg.end(), 15, 0);  // the other 15 code counts
  jpeg.push_back(0);               // the one value
  const auto scan = [](std::uint8_t spectral_start, std::uint8_t spectral_end, std::uint8_t approximation) {
    return std::vector<std::uint8_t>{0xff, 0xda, 0, 8, 1, 1, 0x00, spectral_start, spectral_end, approximation,
                                     0x12, 0xff, 0x00, 0x34};  // then a little entropy-coded data
  };
  auto with_scans = [&jpeg](std::initializer_list<std::vector<std::uint8_t>> scans) {
    auto file = jpeg;
    for (const auto& s : scans) file.insert(file.end(), s.begin(), s.end());
    file.insert(file.end(), {0xff, 0xd9});
    return file;
  };
  CHECK_FALSE(jpeg_lacks_huffman_tables(with_scans({scan(0, 0, 0x00)})));                  // first DC scan
  CHECK_FALSE(jpeg_lacks_huffman_tables(with_scans({scan(0, 0, 0x00), scan(0, 0, 0x10)})));  // DC refinement
  CHECK(jpeg_lacks_huffman_tables(with_scans({scan(0, 0, 0x00), scan(1, 63, 0x00)})));       // AC: no AC table

  jpeg[3] = 0xc0;  // the same as a baseline frame: its scan needs both tables
  CHECK(jpeg_lacks_huffman_tables(with_scans({scan(0, 63, 0x00)})));
}

TEST_CASE("randomly damaged PNG and JPEG files load or fail, never crash", "[qr][image]") {
  const GrayImage original = gradient(64, 48);
  const auto png = encode_png(original.view());
  const auto jpeg = encode_jpeg(original.view(), 75);
  REQUIRE(png);
  REQUIRE(jpeg);
  std::uint64_t state = 12345;  // fixed seed: the same damage every run
  auto next = [&state] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  int loaded = 0;
  for (const auto* file : {&*png, &*jpeg})
    for (int attempt = 0; attempt < 300; ++attempt) {
      std::vector<std::uint8_t> damaged = *file;
      for (int flips = 1 + static_cast<int>(next() >> 61); flips > 0; --flips)
        damaged[(next() >> 33) % damaged.size()] = static_cast<std::uint8_t>(next() >> 56);
      if (attempt % 3 == 0) damaged.resize((next() >> 33) % damaged.size());
      const auto result = load_image_from_memory(damaged);
      if (result) {
        ++loaded;
        CHECK(result->width() > 0);
      }
    }
  CHECK(loaded > 0);  // some damage is harmless (JPEG is forgiving)
}

TEST_CASE("saving fails cleanly for empty images and unwritable paths", "[qr][image]") {
  CHECK_FALSE(encode_png(ImageView()));
  CHECK_FALSE(encode_jpeg(ImageView(), 80));
  CHECK_FALSE(save_png(gradient(4, 4).view(), "/nonexistent-dir/x.png"));
}
