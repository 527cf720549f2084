// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// CSV text as spreadsheets read it (RFC 4180): the kiosk's USB export and the server's
// reports build their files from these, so quoting and formula neutralising are written
// once. Pure text, no I/O.
#include <span>
#include <string>
#include <string_view>

namespace checkin {

// Starts a file: Excel reads UTF-8 only when the file says so; LibreOffice accepts it too.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One field: quoted when it holds a comma, quote or line break; a leading = + - @ tab or
// CR is prefixed with ' so a spreadsheet shows the text instead of running it as a formula.
std::string csv_field(std::string_view text);

// One record: the fields joined with ',' and ended with CRLF.
std::string csv_row(std::span<const std::string> cells);

}  // namespace checkin
