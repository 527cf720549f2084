// SPDX-License-Identifier: AGPL-3.0-or-later
// The pass sheet: geometry in millimetres converted to points once, cairo for drawing
// (vector output, so the codes stay sharp at any printer resolution).
#include "checkin/server/pass_sheet.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string_view>

#include <cairo-pdf.h>
#include <fmt/format.h>

#include "checkin/qr/encode.hpp"
#include "checkin/server/pass_sheet_drawing.hpp"

namespace checkin::server {
namespace pass_sheet {
namespace {

constexpr double mm(double millimetres) { return millimetres * kPointsPerMm; }

// Paper sizes in mm, portrait.
constexpr double kA4WidthMm = 210.0;
constexpr double kA4HeightMm = 297.0;
constexpr double kLetterWidthMm = 215.9;
constexpr double kLetterHeightMm = 279.4;

// Room left around the grid: outside what most printers cannot reach (about 6 mm) and
// wide enough for the cut marks.
constexpr double kMinMarginMm = 10.0;
// Cut marks start a little away from the grid, so a slightly-off cut shows no ink, and
// end inside the margin.
constexpr double kCutMarkGapMm = 2.0;
constexpr double kCutMarkLengthMm = 6.0;

constexpr double kCardPaddingMm = 3.0;
constexpr double kCodeTextGapMm = 2.0;

constexpr const char* kFontFamily = "DejaVu Sans";  // fonts-dejavu-core, always installed
constexpr double kCaptionFontSize = 7.0;            // points
constexpr double kNameFontSize = 11.0;
constexpr double kSmallestFontSize = 6.0;  // below this print gets hard to read

struct CairoDestroyer {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* surface) const { cairo_surface_destroy(surface); }
};
using CairoContext = std::unique_ptr<cairo_t, CairoDestroyer>;
using CairoSurface = std::unique_ptr<cairo_surface_t, CairoDestroyer>;

Result<void> check(cairo_status_t status, std::string_view doing) {
  if (status != CAIRO_STATUS_SUCCESS)
    return fail(Errc::io, fmt::format("{}: {}", doing, cairo_status_to_string(status)));
  return {};
}

// The code as filled squares, one rectangle per horizontal run of dark modules: fewer
// path elements than one per module, and no hairline seams between neighbours in
// viewers that anti-alias each edge. The quiet zone is simply left unpainted (white).
void draw_code(cairo_t* cr, const qr::QrMatrix& matrix, const Rect& area) {
  const int modules_with_quiet_zone = matrix.size + 2 * qr::kDefaultQuietZone;
  const double module = area.width / modules_with_quiet_zone;
  const double left = area.x + qr::kDefaultQuietZone * module;
  const double top = area.y + qr::kDefaultQuietZone * module;
  matrix.for_each_dark_run([&](int x, int y, int length) {
    cairo_rectangle(cr, left + x * module, top + y * module, length * module, module);
  });
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_fill(cr);
}

// One line of text, left-aligned and vertically centred in `area`, shrunk to fit its
// width down to kSmallestFontSize and clipped beyond that (a very long name is cut off
// rather than running over the next card).
void draw_text_line(cairo_t* cr, const std::string& text, const Rect& area, double font_size, double gray) {
  cairo_save(cr);
  cairo_rectangle(cr, area.x, area.y, area.width, area.height);
  cairo_clip(cr);
  cairo_select_font_face(cr, kFontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, font_size);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, text.c_str(), &extents);
  if (extents.x_advance > area.width) {
    font_size = std::max(kSmallestFontSize, font_size * area.width / extents.x_advance);
    cairo_set_font_size(cr, font_size);
  }
  cairo_font_extents_t font;
  cairo_font_extents(cr, &font);
  const double baseline = area.y + (area.height + font.ascent - font.descent) / 2;
  cairo_move_to(cr, area.x, baseline);
  cairo_set_source_rgb(cr, gray, gray, gray);
  cairo_show_text(cr, text.c_str());
  cairo_restore(cr);
}

// Marks where the grid's column and row boundaries meet the page margin: one straight
// cut through each mark pair separates the cards. Drawn outside the grid only, so no
// ink lands on a card.
void draw_cut_marks(cairo_t* cr, const SheetLayout& layout) {
  const Rect& grid = layout.grid;
  const double gap = mm(kCutMarkGapMm);
  const double length = mm(kCutMarkLengthMm);
  const double card_width = grid.width / layout.columns;
  const double card_height = grid.height / layout.rows;
  for (int column = 0; column <= layout.columns; ++column) {
    const double x = grid.x + column * card_width;
    cairo_move_to(cr, x, grid.y - gap);
    cairo_line_to(cr, x, grid.y - gap - length);
    cairo_move_to(cr, x, grid.y + grid.height + gap);
    cairo_line_to(cr, x, grid.y + grid.height + gap + length);
  }
  for (int row = 0; row <= layout.rows; ++row) {
    const double y = grid.y + row * card_height;
    cairo_move_to(cr, grid.x - gap, y);
    cairo_line_to(cr, grid.x - gap - length, y);
    cairo_move_to(cr, grid.x + grid.width + gap, y);
    cairo_line_to(cr, grid.x + grid.width + gap + length, y);
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_set_line_width(cr, 0.5);
  cairo_stroke(cr);
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Rect SheetLayout::card(int index_on_page) const {
  const double card_width = grid.width / columns;
  const double card_height = grid.height / rows;
  return Rect{grid.x + (index_on_page % columns) * card_width, grid.y + (index_on_page / columns) * card_height,
              card_width, card_height};
}

SheetLayout sheet_layout(SheetOptions::Paper paper) {
  const bool a4 = paper == SheetOptions::Paper::a4;
  const double page_width_mm = a4 ? kA4WidthMm : kLetterWidthMm;
  const double page_height_mm = a4 ? kA4HeightMm : kLetterHeightMm;
  SheetLayout layout;
  layout.page_width = mm(page_width_mm);
  layout.page_height = mm(page_height_mm);
  // As many whole cards as fit inside the minimum margins: 2 x 5 on A4, 2 x 4 on Letter.
  layout.columns = static_cast<int>((page_width_mm - 2 * kMinMarginMm) / kCardWidthMm);
  layout.rows = static_cast<int>((page_height_mm - 2 * kMinMarginMm) / kCardHeightMm);
  const double grid_width_mm = layout.columns * kCardWidthMm;
  const double grid_height_mm = layout.rows * kCardHeightMm;
  layout.grid = Rect{mm((page_width_mm - grid_width_mm) / 2), mm((page_height_mm - grid_height_mm) / 2),
                     mm(grid_width_mm), mm(grid_height_mm)};
  return layout;
}

CardLayout card_layout() {
  // The code on the left, as tall as the card allows: 48 mm with its quiet zone, so the
  // code itself is 35 mm wide or more (the quiet zone's share is largest for the
  // smallest, 21-module code). The text goes in the column to its right.
  const double code_size_mm = kCardHeightMm - 2 * kCardPaddingMm;
  const double text_left_mm = kCardPaddingMm + code_size_mm + kCodeTextGapMm;
  const double text_width_mm = kCardWidthMm - text_left_mm - kCardPaddingMm;
  CardLayout card;
  card.code = Rect{mm(kCardPaddingMm), mm(kCardPaddingMm), mm(code_size_mm), mm(code_size_mm)};
  card.caption = Rect{mm(text_left_mm), mm(kCardPaddingMm + 2), mm(text_width_mm), mm(5)};
  card.name = Rect{mm(text_left_mm), mm(kCardHeightMm / 2 - 4), mm(text_width_mm), mm(8)};
  return card;
}

Result<void> draw_page(cairo_t* cr, const SheetLayout& layout, std::span<const PassCard> page_cards,
                       const SheetOptions& options) {
  if (page_cards.size() > static_cast<std::size_t>(layout.cards_per_page()))
    return fail(Errc::invalid_input, fmt::format("{} cards do not fit on one page of {}", page_cards.size(),
                                                 layout.cards_per_page()));
  cairo_save(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  const CardLayout card_parts = card_layout();
  for (std::size_t index = 0; index < page_cards.size(); ++index) {
    const PassCard& card = page_cards[index];
    auto matrix = qr::encode(card.pass_text);
    if (!matrix) {
      cairo_restore(cr);
      // The error names the card by position only: its text is a pass, a credential.
      return fail(Errc::invalid_input, fmt::format("card {}: {}", index + 1, matrix.error().message));
    }
    const Rect where = layout.card(static_cast<int>(index));
    cairo_save(cr);
    cairo_translate(cr, where.x, where.y);
    draw_code(cr, *matrix, card_parts.code);
    if (!card.caption.empty()) draw_text_line(cr, card.caption, card_parts.caption, kCaptionFontSize, 0.35);
    if (!card.name.empty()) draw_text_line(cr, card.name, card_parts.name, kNameFontSize, 0.0);
    cairo_restore(cr);
  }
  if (options.cut_marks) draw_cut_marks(cr, layout);
  cairo_restore(cr);
  return check(cairo_status(cr), "drawing the pass sheet");
}

}  // namespace pass_sheet

Result<std::string> render_pass_sheet_pdf(std::span<const PassCard> cards, const SheetOptions& options) {
  using namespace pass_sheet;
  if (cards.empty()) return fail(Errc::invalid_input, "no passes to print");
  const SheetLayout layout = sheet_layout(options.paper);
  std::string pdf;
  CairoSurface surface(
      cairo_pdf_surface_create_for_stream(append_to_string, &pdf, layout.page_width, layout.page_height));
  if (auto ok = check(cairo_surface_status(surface.get()), "creating the PDF"); !ok) return std::unexpected(ok.error());
  // A neutral title: the file may be forwarded or left on a shared printer.
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, "Check-in passes");
  CairoContext cr(cairo_create(surface.get()));
  const auto per_page = static_cast<std::size_t>(layout.cards_per_page());
  for (std::size_t first = 0; first < cards.size(); first += per_page) {
    const auto page_cards = cards.subspan(first, std::min(per_page, cards.size() - first));
    if (auto drawn = draw_page(cr.get(), layout, page_cards, options); !drawn) return std::unexpected(drawn.error());
    cairo_show_page(cr.get());
  }
  cr.reset();
  // Finishing writes the trailer through append_to_string; only then is `pdf` whole.
  cairo_surface_finish(surface.get());
  if (auto ok = check(cairo_surface_status(surface.get()), "writing the PDF"); !ok) return std::unexpected(ok.error());
  return pdf;
}

}  // namespace checkin::server
