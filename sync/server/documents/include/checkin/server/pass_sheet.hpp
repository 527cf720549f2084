// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A printable PDF sheet of wallet-size pass cards for coordinators: each card carries
// the pass's QR code and, where allowed, a name and a caption. Cards are laid out edge
// to edge in a grid so one straight cut along each cut mark separates them.
//
// Privacy (DESIGN.md): a pass carries no name, and a discreet program never shows a
// program or person name on paper. So the name is optional per card (empty: none is
// printed), and nothing here ever prints a program name: the caption is meant for a
// site or organisation name, and the caller decides whether a card gets one.
#include <span>
#include <string>

#include "checkin/core/error.hpp"

namespace checkin::server {

struct PassCard {
  std::string pass_text;  // what the QR code holds, e.g. "CK1:..." (base45)
  std::string name;       // first/preferred name printed beside the code; empty = none
  std::string caption;    // e.g. the site's name; empty = none. Never a program name.
};

struct SheetOptions {
  enum class Paper { a4, letter };
  Paper paper = Paper::a4;
  bool cut_marks = true;
};

// Wallet-size cards (ID-1, 85.6 x 54 mm) laid out on as many pages as they need, the
// QR codes drawn as vector squares (error correction M, a 4-module quiet zone, the code
// itself at least 30 mm wide so phones and kiosk cameras read it easily).
// Returns the PDF file's bytes. Errors: no cards (invalid_input), a pass text that
// cannot be encoded, e.g. empty or too long (invalid_input), a cairo failure (io).
Result<std::string> render_pass_sheet_pdf(std::span<const PassCard> cards,
                                          const SheetOptions& options = {});

}  // namespace checkin::server
