// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include <chrono>
#include <regex>
#include <string>

#include "checkin/core/pass.hpp"
#include "checkin/qr/decode.hpp"
#include "checkin/qr/encode.hpp"

using namespace checkin;
using namespace checkin::qr;

namespace {

std::string issued_pass() {
  const auto key = SigningKey::from_text(
      "checkin-ed25519-seed-v1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  REQUIRE(key);
  const auto pass = issue_pass(*key, "00112233445566778899aabbccddeeff", WallTime{std::chrono::seconds{1'900'000'000}});
  REQUIRE(pass);
  return *pass;
}

std::string decoded_text(const GrayImage& image) {
  const auto codes = decode(image.view());
  return codes.size() == 1 ? codes.front().text : std::string("<" + std::to_string(codes.size()) + " codes>");
}

}  // namespace

TEST_CASE("a pass encodes in alphanumeric mode, level M: version 6", "[qr][encode]") {
  const std::string pass = issued_pass();
  REQUIRE(pass.size() == 138);
  const auto matrix = encode(pass);
  REQUIRE(matrix);
  // 138 alphanumeric characters fit version 6-M (154 max); as bytes they would need
  // version 8 (152 bytes max). So version 6 proves the alphanumeric mode was chosen.
  CHECK(matrix->version == 6);
  CHECK(matrix->size == 41);
  CHECK(matrix->modules.size() == 41u * 41u);
}

TEST_CASE("finder patterns sit in three corners", "[qr][encode]") {
  const auto matrix = encode("HELLO");
  REQUIRE(matrix);
  const int n = matrix->size;
  for (auto [x, y] : {std::pair{0, 0}, std::pair{n - 7, 0}, std::pair{0, n - 7}}) {
    CHECK(matrix->dark(x, y));                // outer ring
    CHECK_FALSE(matrix->dark(x + 1, y + 1));  // white ring
    CHECK(matrix->dark(x + 3, y + 3));        // centre
  }
}

TEST_CASE("text is encoded exactly: case, UTF-8 and binary bytes survive", "[qr][encode]") {
  const std::string texts[] = {
      "mixed Case text, kept as is",
      "Gr\xC3\xBC\xC3\x9F" "e \xE2\x9C\x93",
      std::string("bin\x00\xFF\x01 data", 13),
      "0123456789",
  };
  for (const std::string& text : texts) {
    const auto matrix = encode(text);
    REQUIRE(matrix);
    CHECK(decoded_text(rasterize(*matrix, 4)) == text);
  }
}

TEST_CASE("empty and too long texts are errors", "[qr][encode]") {
  const auto empty = encode("");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code == Errc::invalid_input);

  const auto too_long = encode(std::string(8000, 'x'));
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().code == Errc::limit_exceeded);

  CHECK(encode(std::string(2000, 'x')));  // fits version 40-M (2331 bytes)
}

TEST_CASE("rasterize draws modules with a white quiet zone", "[qr][encode]") {
  const auto matrix = encode("CK1:TEST");
  REQUIRE(matrix);
  const GrayImage image = rasterize(*matrix, 3, 4);
  REQUIRE(image.width() == (matrix->size + 8) * 3);
  REQUIRE(image.height() == image.width());
  CHECK(image.at(0, 0) == 255);
  CHECK(image.at(4 * 3 - 1, 4 * 3 - 1) == 255);  // last quiet-zone pixel
  CHECK(image.at(4 * 3, 4 * 3) == 0);            // first finder module
  CHECK(image.at(4 * 3 + 2, 4 * 3 + 2) == 0);
  CHECK(rasterize(*matrix, 0, -1).width() == matrix->size);  // nonsense scale and border clamp
}

TEST_CASE("render_png writes a PNG that decodes to the pass", "[qr][encode]") {
  const std::string pass = issued_pass();
  const auto matrix = encode(pass);
  REQUIRE(matrix);
  const auto png = render_png(*matrix, 5);
  REQUIRE(png);
  const auto image = load_image_from_memory(*png);
  REQUIRE(image);
  CHECK(image->width() == (41 + 8) * 5);
  CHECK(decoded_text(*image) == pass);

  CHECK_FALSE(render_png(QrMatrix{}, 5));
}

TEST_CASE("render_svg is one path of rects on white, crisp, with a viewBox", "[qr][encode]") {
  const auto matrix = encode("HELLO SVG");
  REQUIRE(matrix);
  const std::string svg = render_svg(*matrix, 10, 2);
  const int side = matrix->size + 4;
  CHECK(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(svg.find("viewBox=\"0 0 " + std::to_string(side) + " " + std::to_string(side) + "\"") != std::string::npos);
  CHECK(svg.find("width=\"" + std::to_string(side * 10) + "\"") != std::string::npos);
  CHECK(svg.find("shape-rendering=\"crispEdges\"") != std::string::npos);
  CHECK(svg.find("fill=\"#fff\"") != std::string::npos);

  // Exactly one path; its rectangles cover exactly the dark modules.
  const auto path_start = svg.find("<path");
  REQUIRE(path_start != std::string::npos);
  CHECK(svg.find("<path", path_start + 1) == std::string::npos);
  const std::regex rect(R"(M(\d+) (\d+)h(\d+)v1h-(\d+)z)");
  int dark_modules = 0, covered = 0;
  for (auto m : matrix->modules) dark_modules += m;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), rect); it != std::sregex_iterator(); ++it) {
    const int x = std::stoi((*it)[1]) - 2, y = std::stoi((*it)[2]) - 2, run = std::stoi((*it)[3]);
    for (int i = 0; i < run; ++i) CHECK(matrix->dark(x + i, y));
    covered += run;
  }
  CHECK(covered == dark_modules);
}
