// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <cairo.h>
#include <zlib.h>

#include "checkin/qr/decode.hpp"
#include "checkin/qr/image.hpp"
#include "checkin/server/pass_sheet.hpp"
#include "checkin/server/pass_sheet_drawing.hpp"

namespace {

using checkin::server::PassCard;
using checkin::server::SheetOptions;
namespace sheet = checkin::server::pass_sheet;

// A pass text shaped like the real ones: "CK1:" and base45 of about 90 bytes (payload
// and Ed25519 signature), varied by `seed` so every card's code differs.
std::string pass_text(unsigned seed) {
  static constexpr std::string_view kBase45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  std::string text = "CK1:";
  std::uint32_t state = 2463534242u + seed * 7919u;
  for (int i = 0; i < 135; ++i) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    text += kBase45[state % kBase45.size()];
  }
  return text;
}

std::vector<PassCard> cards(int count) {
  std::vector<PassCard> result;
  for (int i = 0; i < count; ++i)
    result.push_back(PassCard{pass_text(static_cast<unsigned>(i)), "Person " + std::to_string(i + 1), "Main Street Hall"});
  return result;
}

// The PDF's objects as text: the file itself, then every stream inflated. cairo 1.16
// (Debian 12) writes its objects as plain text; 1.18 (Debian 13) writes PDF 1.7 with most
// of them in compressed object streams.
std::string pdf_objects(const std::string& pdf) {
  std::string text = pdf;
  for (auto at = pdf.find("stream"); at != std::string::npos; at = pdf.find("stream", at + 1)) {
    if (at >= 3 && pdf.compare(at - 3, 3, "end") == 0) continue;
    auto data = at + 6;
    if (pdf.compare(data, 2, "\r\n") == 0) data += 2;
    else if (data < pdf.size() && pdf[data] == '\n') data += 1;
    else continue;
    const auto end = pdf.find("endstream", data);
    if (end == std::string::npos) break;
    z_stream inflater{};
    if (inflateInit(&inflater) != Z_OK) continue;
    inflater.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(pdf.data() + data));
    inflater.avail_in = static_cast<uInt>(end - data);
    char buffer[16384];
    int status = Z_OK;
    while (status == Z_OK) {
      inflater.next_out = reinterpret_cast<Bytef*>(buffer);
      inflater.avail_out = sizeof buffer;
      status = inflate(&inflater, Z_NO_FLUSH);
      text.append(buffer, sizeof buffer - inflater.avail_out);
    }
    inflateEnd(&inflater);
  }
  return text;
}

// "/Type /Page" objects, not the "/Type /Pages" tree node.
int count_pages(const std::string& pdf) {
  const std::string objects = pdf_objects(pdf);
  int pages = 0;
  const std::string needle = "/Type /Page";
  for (auto at = objects.find(needle); at != std::string::npos; at = objects.find(needle, at + 1))
    if (objects.compare(at, needle.size() + 1, needle + "s") != 0) ++pages;
  return pages;
}

bool ends_with_eof(const std::string& pdf) {
  const auto end = pdf.find_last_not_of("\r\n");
  return end != std::string::npos && end >= 4 && pdf.compare(end - 4, 5, "%%EOF") == 0;
}

// One sheet page drawn exactly as in the PDF, but on a gray image at `dpi`.
struct RasterPage {
  double scale = 0;  // pixels per point
  checkin::qr::GrayImage image;

  // Pixels of a rectangle given in points.
  checkin::qr::ImageView crop(const sheet::Rect& rect) const {
    return image.view().cropped(static_cast<int>(std::floor(rect.x * scale)), static_cast<int>(std::floor(rect.y * scale)),
                                static_cast<int>(std::ceil(rect.width * scale)),
                                static_cast<int>(std::ceil(rect.height * scale)));
  }
};

RasterPage draw_raster_page(const sheet::SheetLayout& layout, std::span<const PassCard> page_cards,
                            const SheetOptions& options, double dpi = 150) {
  RasterPage page;
  page.scale = dpi / 72.0;
  const int width = static_cast<int>(std::ceil(layout.page_width * page.scale));
  const int height = static_cast<int>(std::ceil(layout.page_height * page.scale));
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t* cr = cairo_create(surface);
  cairo_scale(cr, page.scale, page.scale);
  auto drawn = sheet::draw_page(cr, layout, page_cards, options);
  cairo_destroy(cr);
  cairo_surface_flush(surface);
  REQUIRE(drawn.has_value());
  page.image = checkin::qr::GrayImage(width, height);
  const unsigned char* pixels = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (int y = 0; y < height; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(pixels + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < width; ++x) {
      const std::uint32_t rgb = row[x];
      page.image.at(x, y) = static_cast<std::uint8_t>((((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3);
    }
  }
  cairo_surface_destroy(surface);
  return page;
}

int dark_pixels(checkin::qr::ImageView view) {
  int dark = 0;
  for (int y = 0; y < view.height; ++y)
    for (int x = 0; x < view.width; ++x) dark += view.at(x, y) < 200;
  return dark;
}

sheet::Rect offset(const sheet::Rect& inner, const sheet::Rect& card) {
  return sheet::Rect{card.x + inner.x, card.y + inner.y, inner.width, inner.height};
}

}  // namespace

TEST_CASE("a pass sheet is a PDF file", "[documents]") {
  const auto some_cards = cards(3);
  auto pdf = checkin::server::render_pass_sheet_pdf(some_cards);
  REQUIRE(pdf.has_value());
  CHECK(pdf->starts_with("%PDF-"));
  CHECK(ends_with_eof(*pdf));
  CHECK(count_pages(*pdf) == 1);
}

TEST_CASE("the layout fits whole wallet cards inside the margins", "[documents]") {
  const auto a4 = sheet::sheet_layout(SheetOptions::Paper::a4);
  CHECK(a4.columns == 2);
  CHECK(a4.rows == 5);
  const auto letter = sheet::sheet_layout(SheetOptions::Paper::letter);
  CHECK(letter.columns == 2);
  CHECK(letter.rows == 4);
  for (const auto& layout : {a4, letter}) {
    CHECK(layout.grid.x >= 10 * sheet::kPointsPerMm - 1e-9);
    CHECK(layout.grid.y >= 10 * sheet::kPointsPerMm - 1e-9);
    CHECK(layout.card(0).width == Catch::Approx(sheet::kCardWidthMm * sheet::kPointsPerMm));
    CHECK(layout.card(0).height == Catch::Approx(sheet::kCardHeightMm * sheet::kPointsPerMm));
  }
  // The code itself, without its 4-module quiet zone, is at least 30 mm wide: the
  // smallest code (version 1, 21 modules) gives the quiet zone the largest share.
  const auto card = sheet::card_layout();
  CHECK(card.code.width / sheet::kPointsPerMm * 21.0 / (21.0 + 8.0) >= 30.0);
}

TEST_CASE("many cards go on as many pages as they need", "[documents]") {
  const auto per_a4_page = sheet::sheet_layout(SheetOptions::Paper::a4).cards_per_page();
  for (int count : {1, per_a4_page, per_a4_page + 1, 2 * per_a4_page + 3}) {
    const auto some_cards = cards(count);
    auto pdf = checkin::server::render_pass_sheet_pdf(some_cards);
    REQUIRE(pdf.has_value());
    CHECK(count_pages(*pdf) == (count + per_a4_page - 1) / per_a4_page);
  }
  const auto per_letter_page = sheet::sheet_layout(SheetOptions::Paper::letter).cards_per_page();
  const auto some_cards = cards(per_letter_page + 1);
  auto pdf = checkin::server::render_pass_sheet_pdf(some_cards, SheetOptions{.paper = SheetOptions::Paper::letter});
  REQUIRE(pdf.has_value());
  CHECK(count_pages(*pdf) == 2);
}

TEST_CASE("every card's code reads back as its pass text", "[documents]") {
  const auto layout = sheet::sheet_layout(SheetOptions::Paper::a4);
  const auto some_cards = cards(layout.cards_per_page());
  const auto page = draw_raster_page(layout, some_cards, SheetOptions{});
  for (int index = 0; index < layout.cards_per_page(); ++index) {
    INFO("card " << index);
    const auto found = checkin::qr::decode(page.crop(layout.card(index)),
                                           {.effort = checkin::qr::Effort::camera_frame});
    REQUIRE(found.size() == 1);
    CHECK(found[0].text == some_cards[static_cast<std::size_t>(index)].pass_text);
  }
}

TEST_CASE("a card without a name prints no name", "[documents]") {
  const auto layout = sheet::sheet_layout(SheetOptions::Paper::a4);
  const auto parts = sheet::card_layout();
  const std::vector<PassCard> page_cards{
      PassCard{pass_text(1), "Alexandra", "Main Street Hall"},
      PassCard{pass_text(2), "", "Main Street Hall"},  // a discreet program's card
      PassCard{pass_text(3), "", ""},
  };
  const auto page = draw_raster_page(layout, page_cards, SheetOptions{});
  CHECK(dark_pixels(page.crop(offset(parts.name, layout.card(0)))) > 0);
  CHECK(dark_pixels(page.crop(offset(parts.name, layout.card(1)))) == 0);
  CHECK(dark_pixels(page.crop(offset(parts.caption, layout.card(1)))) > 0);
  CHECK(dark_pixels(page.crop(offset(parts.name, layout.card(2)))) == 0);
  CHECK(dark_pixels(page.crop(offset(parts.caption, layout.card(2)))) == 0);
  // The card with no text still scans.
  const auto found = checkin::qr::decode(page.crop(layout.card(2)), {.effort = checkin::qr::Effort::camera_frame});
  REQUIRE(found.size() == 1);
  CHECK(found[0].text == pass_text(3));
}

TEST_CASE("cut marks are drawn only when asked, and never on a card", "[documents]") {
  const auto layout = sheet::sheet_layout(SheetOptions::Paper::a4);
  const std::vector<PassCard> one_card{PassCard{pass_text(1), "", ""}};
  const auto with_marks = draw_raster_page(layout, one_card, SheetOptions{.cut_marks = true});
  const auto without_marks = draw_raster_page(layout, one_card, SheetOptions{.cut_marks = false});
  const int all_with = dark_pixels(with_marks.image.view());
  const int all_without = dark_pixels(without_marks.image.view());
  CHECK(all_with > all_without);
  // Inside the grid both pages are the same: the marks stay in the margins.
  CHECK(dark_pixels(with_marks.crop(layout.grid)) == dark_pixels(without_marks.crop(layout.grid)));
}

TEST_CASE("a sheet with nothing to print, or a pass that cannot be encoded, is an error", "[documents]") {
  CHECK_FALSE(checkin::server::render_pass_sheet_pdf({}).has_value());
  const std::vector<PassCard> empty_pass{PassCard{"", "Sam", ""}};
  auto empty = checkin::server::render_pass_sheet_pdf(empty_pass);
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().code == checkin::Errc::invalid_input);
  const std::vector<PassCard> too_long{PassCard{std::string(8000, 'x'), "", ""}};
  auto long_result = checkin::server::render_pass_sheet_pdf(too_long);
  REQUIRE_FALSE(long_result.has_value());
  CHECK(long_result.error().code == checkin::Errc::invalid_input);
}
