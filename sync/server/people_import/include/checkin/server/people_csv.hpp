// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Reading the people CSV a coordinator uploads (a spreadsheet saved as CSV), before
// anything is stored. This is the parser and validator only: the dashboard shows
// `rows` as a preview and `problems` as the report of bad rows, and the store imports
// all rows in one transaction or none.
//
// The file:
//   - RFC 4180: quoted fields, "" for a quote inside one, line breaks inside quotes;
//     CRLF or LF line ends; an optional UTF-8 byte order mark.
//   - Separated by commas or by semicolons (Excel writes semicolons in locales where
//     the comma is the decimal mark); the header line decides which.
//   - UTF-8 only: a legacy encoding (Windows-1252, UTF-16) is refused as a whole with
//     advice on how to save as "CSV UTF-8", never guessed, so no name is garbled.
//   - The first non-empty line is a header. Column names are case-insensitive, and
//     spaces or '-' in them count as '_': `preferred_name` (or `name`), `language`
//     (optional), `programs` (optional; several in a cell separated by '|' or ';').
//
// Whole-file problems (not UTF-8, no header, an unknown, duplicate or missing column,
// an unclosed quote, too big) are an error: nothing of the file can be trusted.
// Row problems leave the row out of `rows` and report it in `problems`.
//
// Reasons name the line and the cell (spreadsheet column letter and column name) but
// never repeat a cell's content: they may end up in a log, and logs carry no names.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/error.hpp"

namespace checkin::server {

// Bigger files are refused (Errc::limit_exceeded) before any parsing: a community
// organisation's people list is a few thousand rows at most.
inline constexpr std::size_t max_people_csv_bytes = 8 * 1024 * 1024;
inline constexpr std::size_t max_people_csv_rows = 50'000;  // data rows, not counting the header
inline constexpr std::size_t max_preferred_name_chars = 200;  // Unicode code points

struct PersonRow {
  std::size_t line = 0;  // the line the row starts on (header = 1), as a spreadsheet shows it
  std::string preferred_name;         // trimmed; may be empty (DESIGN: a person's name is optional)
  std::string language;               // trimmed, as written ("en", "pt-BR"); empty = kiosk default
  std::vector<std::string> programs;  // program names or ids as written, trimmed, none empty
};

struct RowProblem {
  std::size_t line = 0;  // the line the row starts on (header = 1)
  std::string reason;    // every problem of the row, joined with "; "
};

struct PeopleImport {
  std::vector<PersonRow> rows;        // the good rows, in file order
  std::vector<RowProblem> problems;   // the bad rows, in file order; none of them is in `rows`
};

// Errc::invalid_input for a file that cannot be read as a people list at all,
// Errc::limit_exceeded for one over max_people_csv_bytes or max_people_csv_rows.
Result<PeopleImport> parse_people_csv(std::string_view file_bytes);

}  // namespace checkin::server
