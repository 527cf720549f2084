// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The pieces of render_pass_sheet_pdf below the PDF: the sheet's geometry and drawing
// one page onto any cairo context. Separate from pass_sheet.hpp so the tests can draw
// a page onto an image surface and read the codes back without a PDF renderer.
// Every length here is in PostScript points (1/72 inch), the PDF's own unit.
#include <span>

#include <cairo.h>

#include "checkin/core/error.hpp"
#include "checkin/server/pass_sheet.hpp"

namespace checkin::server::pass_sheet {

inline constexpr double kPointsPerMm = 72.0 / 25.4;
inline constexpr double kCardWidthMm = 85.6;  // ISO/IEC 7810 ID-1, a bank card
inline constexpr double kCardHeightMm = 54.0;

struct Rect {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

struct SheetLayout {
  double page_width = 0;
  double page_height = 0;
  int columns = 0;
  int rows = 0;
  Rect grid;  // the cards' block, centred on the page

  int cards_per_page() const { return columns * rows; }
  // The card at `index_on_page`, filled row by row from the top left.
  Rect card(int index_on_page) const;
};

// Where things go on one card whose top-left corner is at the origin.
struct CardLayout {
  Rect code;     // the QR code including its quiet zone (a square)
  Rect caption;  // one line of small text at the top of the text column
  Rect name;     // one line of larger text below it
};

SheetLayout sheet_layout(SheetOptions::Paper paper);
CardLayout card_layout();

// Draws `page_cards` (at most layout.cards_per_page()) and, if asked, the cut marks on
// `cr`, which must map points to the device (a PDF surface as it is; an image surface
// scaled by dpi / 72). Does not call cairo_show_page. Errors: a pass text that cannot
// be encoded (invalid_input), too many cards or a cairo failure.
Result<void> draw_page(cairo_t* cr, const SheetLayout& layout, std::span<const PassCard> page_cards,
                       const SheetOptions& options);

}  // namespace checkin::server::pass_sheet
