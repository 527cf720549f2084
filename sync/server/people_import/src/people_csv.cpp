// SPDX-License-Identifier: AGPL-3.0-or-later
// The people CSV: encoding checks, RFC 4180 records with their line numbers, the
// header, then each row's cells. See people_csv.hpp for what is accepted and why.
#include "checkin/server/people_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

namespace checkin::server {
namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
constexpr std::string_view save_as_utf8_advice =
    "Save it again as \"CSV UTF-8\" (Excel: File > Save As > CSV UTF-8; LibreOffice: "
    "Save As > Text CSV, character set Unicode (UTF-8)) and upload that file.";
constexpr std::string_view known_columns =
    "the columns are preferred_name (or name), language (optional) and programs (optional)";

enum class Column { preferred_name, language, programs };

std::string_view column_name(Column column) {
  switch (column) {
    case Column::preferred_name: return "preferred_name";
    case Column::language: return "language";
    case Column::programs: return "programs";
  }
  return "?";
}

// "A", "B", ..., "Z", "AA": the column letter a spreadsheet shows for a 0-based index.
std::string column_letter(std::size_t index) {
  std::string letters;
  for (std::size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return letters;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

std::size_t line_of(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

// The offset of the first byte that is not well-formed UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF included), or npos.
std::size_t first_invalid_utf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto continuation = [&](std::size_t i) { return i < text.size() && (byte(i) & 0xC0) == 0x80; };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    if (lead < 0x80) { ++i; continue; }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead == 0xE0) { length = 3; low = 0xA0; }
    else if (lead == 0xED) { length = 3; high = 0x9F; }
    else if (lead >= 0xE1 && lead <= 0xEF) length = 3;
    else if (lead == 0xF0) { length = 4; low = 0x90; }
    else if (lead == 0xF4) { length = 4; high = 0x8F; }
    else if (lead >= 0xF1 && lead <= 0xF3) length = 4;
    else return i;
    if (i + 1 >= text.size() || byte(i + 1) < low || byte(i + 1) > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if (!continuation(i + k)) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

std::size_t code_points(std::string_view utf8) {
  std::size_t count = 0;
  for (const char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

// C0 controls (tab and line breaks included), DEL, and C1 controls (U+0080..U+009F):
// invisible in a spreadsheet, and they would break a pass card or a kiosk screen.
bool has_control_character(std::string_view utf8) {
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x20 || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < utf8.size()) {
      const auto next = static_cast<unsigned char>(utf8[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

// A cell a spreadsheet would run as a formula when this list is exported and opened
// again (CSV injection). Reported rather than stored or silently altered.
std::optional<char> formula_start(std::string_view trimmed_cell) {
  if (trimmed_cell.empty()) return std::nullopt;
  const char first = trimmed_cell.front();
  if (first == '=' || first == '+' || first == '-' || first == '@') return first;
  return std::nullopt;
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// A short language tag: 2 or 3 letters, then optional subtags of 1 to 8 letters or
// digits after '-' or '_' ("en", "es", "pt-BR", "zh-Hant", "es_419").
bool is_language_code(std::string_view code) {
  if (code.size() > 35) return false;
  std::size_t i = 0;
  while (i < code.size() && is_ascii_letter(code[i])) ++i;
  if (i < 2 || i > 3) return false;
  while (i < code.size()) {
    if (code[i] != '-' && code[i] != '_') return false;
    const std::size_t start = ++i;
    while (i < code.size() && (is_ascii_letter(code[i]) || is_ascii_digit(code[i]))) ++i;
    if (i - start < 1 || i - start > 8) return false;
  }
  return true;
}

// The header line decides the separator: whichever of ',' and ';' it has more of
// outside quotes (a one-column file has neither, and either works).
char choose_separator(std::string_view text) {
  std::size_t commas = 0, semicolons = 0;
  bool in_quotes = false, line_has_text = false;
  for (const char c : text) {
    if (c == '"') in_quotes = !in_quotes;  // "" toggles twice: no harm for counting
    if (in_quotes) { line_has_text = true; continue; }
    if (c == ',') ++commas;
    else if (c == ';') ++semicolons;
    else if (c == '\n' || c == '\r') {
      if (line_has_text) break;  // skip blank lines before the header
      continue;
    }
    if (c != ' ' && c != '\t') line_has_text = true;
  }
  return semicolons > commas ? ';' : ',';
}

struct Record {
  std::size_t line = 0;         // where the record starts (1-based)
  std::vector<std::string> cells;
  bool text_after_quote = false;  // e.g. "Ana"x: not RFC 4180; the cell is unreliable
  std::size_t text_after_quote_cell = 0;

  bool is_blank() const {
    for (const auto& cell : cells) {
      if (!trim(cell).empty()) return false;
    }
    return true;
  }
};

// Splits the whole text into records. A quoted cell keeps its separators, quotes ("")
// and line breaks (as '\n'); every line break, inside quotes or not, advances the line
// count, so a record after a multi-line cell still gets the line a spreadsheet shows.
Result<std::vector<Record>> split_records(std::string_view text, char separator) {
  std::vector<Record> records;
  std::size_t pos = 0, line = 1;
  const auto at = [&](std::size_t i) { return i < text.size() ? text[i] : '\0'; };
  // Consumes a line break at pos (CRLF, LF or a lone CR); false if there is none.
  const auto take_line_break = [&]() {
    if (at(pos) == '\r' && at(pos + 1) == '\n') pos += 2;
    else if (pos < text.size() && (text[pos] == '\n' || text[pos] == '\r')) ++pos;
    else return false;
    ++line;
    return true;
  };

  while (pos < text.size()) {
    Record record;
    record.line = line;
    while (true) {
      std::string cell;
      if (at(pos) == '"') {
        const std::size_t opened_on = line;
        ++pos;
        while (true) {
          if (pos >= text.size()) {
            return fail(Errc::invalid_input,
                        fmt::format("line {}: a quoted cell (starting with \") is never closed, so the "
                                    "rest of the file cannot be read; add the closing quote",
                                    opened_on));
          }
          if (text[pos] == '"') {
            if (at(pos + 1) == '"') { cell += '"'; pos += 2; continue; }
            ++pos;
            break;
          }
          if (take_line_break()) { cell += '\n'; continue; }
          cell += text[pos++];
        }
        // After the closing quote only the separator or the line end may follow.
        while (pos < text.size() && text[pos] != separator && text[pos] != '\n' && text[pos] != '\r') {
          if (text[pos] != ' ' && text[pos] != '\t' && !record.text_after_quote) {
            record.text_after_quote = true;
            record.text_after_quote_cell = record.cells.size();
          }
          ++pos;
        }
      } else {
        while (pos < text.size() && text[pos] != separator && text[pos] != '\n' && text[pos] != '\r') {
          cell += text[pos++];
        }
      }
      record.cells.push_back(std::move(cell));
      if (pos < text.size() && text[pos] == separator) { ++pos; continue; }
      take_line_break();  // or the end of the text
      break;
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::string normalized_header_name(std::string_view raw) {
  std::string name;
  for (const char c : trim(raw)) {
    if (c == ' ' || c == '-') name += '_';
    else if (c >= 'A' && c <= 'Z') name += static_cast<char>(c - 'A' + 'a');
    else name += c;
  }
  return name;
}

std::optional<Column> column_of(std::string_view normalized) {
  if (normalized == "preferred_name" || normalized == "name") return Column::preferred_name;
  if (normalized == "language") return Column::language;
  if (normalized == "programs") return Column::programs;
  return std::nullopt;
}

// The column of each header cell, in order.
Result<std::vector<Column>> read_header(const Record& header) {
  std::vector<Column> columns;
  std::array<std::optional<std::size_t>, 3> seen_at{};  // index of each column's cell
  bool any_known = false;
  for (const auto& cell : header.cells) {
    if (column_of(normalized_header_name(cell))) any_known = true;
  }
  if (!any_known) {
    return fail(Errc::invalid_input,
                fmt::format("line {} is not a header: the first line must name the columns; {}",
                            header.line, known_columns));
  }
  for (std::size_t i = 0; i < header.cells.size(); ++i) {
    const std::string name = normalized_header_name(header.cells[i]);
    if (name.empty()) {
      return fail(Errc::invalid_input,
                  fmt::format("the header's column {} has no name; {}", column_letter(i), known_columns));
    }
    const auto column = column_of(name);
    if (!column) {
      return fail(Errc::invalid_input,
                  fmt::format("the header's column {} (\"{}\") is not a column of a people list; {}",
                              column_letter(i), trim(header.cells[i]), known_columns));
    }
    auto& seen = seen_at[static_cast<std::size_t>(*column)];
    if (seen) {
      return fail(Errc::invalid_input,
                  fmt::format("the header names the {} column twice (columns {} and {})",
                              column_name(*column), column_letter(*seen), column_letter(i)));
    }
    seen = i;
    columns.push_back(*column);
  }
  if (!seen_at[static_cast<std::size_t>(Column::preferred_name)]) {
    return fail(Errc::invalid_input,
                fmt::format("the header has no preferred_name (or name) column; {}", known_columns));
  }
  return columns;
}

// Programs in one cell are separated by '|', ';' or a line break.
std::vector<std::string> split_programs(std::string_view cell) {
  std::vector<std::string> programs;
  std::size_t start = 0;
  while (start <= cell.size()) {
    const std::size_t end = std::min(cell.find_first_of("|;\n\r", start), cell.size());
    const std::string_view program = trim(cell.substr(start, end - start));
    if (!program.empty()) programs.emplace_back(program);
    start = end + 1;
  }
  return programs;
}

// The row, or every reason it is refused (empty when the row is good).
std::vector<std::string> check_row(const Record& record, const std::vector<Column>& columns,
                                   PersonRow& row) {
  std::vector<std::string> reasons;
  if (record.cells.size() != columns.size()) {
    // The cells do not line up with the columns: checking them further would mislead.
    reasons.push_back(fmt::format("the row has {} cells but the header has {} columns",
                                  record.cells.size(), columns.size()));
    return reasons;
  }
  if (record.text_after_quote) {
    reasons.push_back(fmt::format("cell {} ({}) has text after its closing quote",
                                  column_letter(record.text_after_quote_cell),
                                  column_name(columns[record.text_after_quote_cell])));
  }
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string_view value = trim(record.cells[i]);
    const std::string cell = fmt::format("cell {} ({})", column_letter(i), column_name(columns[i]));
    // A line break between programs is a separator (Alt+Enter in a spreadsheet cell),
    // so the programs cell is checked program by program below.
    if (columns[i] != Column::programs && has_control_character(value)) {
      reasons.push_back(cell + " contains a control character (such as a tab or a line break)");
    }
    if (const auto first = formula_start(value)) {
      reasons.push_back(fmt::format("{} starts with '{}', which a spreadsheet would run as a formula",
                                    cell, *first));
    }
    switch (columns[i]) {
      case Column::preferred_name:
        if (code_points(value) > max_preferred_name_chars) {
          reasons.push_back(fmt::format("{} is longer than {} characters", cell, max_preferred_name_chars));
        }
        row.preferred_name = value;
        break;
      case Column::language:
        if (!value.empty() && !is_language_code(value)) {
          reasons.push_back(cell + " is not a language code such as en, es or pt-BR");
        }
        row.language = value;
        break;
      case Column::programs:
        row.programs = split_programs(value);
        for (const auto& program : row.programs) {
          if (has_control_character(program)) {
            reasons.push_back(cell + " contains a control character (such as a tab)");
            break;
          }
        }
        for (const auto& program : row.programs) {
          // The cell's own start is checked above; a later program can start a formula too.
          if (const auto first = formula_start(program); first && program.data() != value.data()) {
            reasons.push_back(fmt::format("{} has a program starting with '{}', which a spreadsheet "
                                          "would run as a formula", cell, *first));
            break;
          }
        }
        break;
    }
  }
  return reasons;
}

std::string join(const std::vector<std::string>& parts) {
  std::string joined;
  for (const auto& part : parts) {
    if (!joined.empty()) joined += "; ";
    joined += part;
  }
  return joined;
}

}  // namespace

Result<PeopleImport> parse_people_csv(std::string_view file_bytes) {
  if (file_bytes.size() > max_people_csv_bytes) {
    return fail(Errc::limit_exceeded,
                fmt::format("the file is {} bytes; a people list may be at most {} MiB, split it into "
                            "smaller files", file_bytes.size(), max_people_csv_bytes / (1024 * 1024)));
  }
  if (file_bytes.starts_with("\xFF\xFE") || file_bytes.starts_with("\xFE\xFF")) {
    return fail(Errc::invalid_input,
                fmt::format("the file is UTF-16 text (Excel's \"Unicode Text\"), not CSV UTF-8. {}",
                            save_as_utf8_advice));
  }
  std::string_view text = file_bytes;
  if (text.starts_with(utf8_bom)) text.remove_prefix(utf8_bom.size());
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return fail(Errc::invalid_input,
                fmt::format("the file is not CSV text (line {} has a zero byte; is it UTF-16 or an .xlsx "
                            "workbook?). {}", line_of(text, nul), save_as_utf8_advice));
  }
  if (const auto bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    return fail(Errc::invalid_input,
                fmt::format("the file is not UTF-8 text (line {} has the byte 0x{:02X}); it was probably "
                            "saved in a legacy encoding such as Windows-1252, which would garble accented "
                            "names. {}", line_of(text, bad), static_cast<unsigned char>(text[bad]),
                            save_as_utf8_advice));
  }

  auto records = split_records(text, choose_separator(text));
  if (!records) return std::unexpected(records.error());

  auto record = records->begin();
  while (record != records->end() && record->is_blank()) ++record;
  if (record == records->end()) {
    return fail(Errc::invalid_input, fmt::format("the file is empty: it needs a header line; {}", known_columns));
  }
  const auto columns = read_header(*record);
  if (!columns) return std::unexpected(columns.error());

  PeopleImport result;
  std::size_t data_rows = 0;
  for (++record; record != records->end(); ++record) {
    if (record->is_blank()) continue;  // empty lines, or ";;" lines Excel writes for empty rows
    if (++data_rows > max_people_csv_rows) {
      return fail(Errc::limit_exceeded,
                  fmt::format("the file has more than {} people; split it into smaller files",
                              max_people_csv_rows));
    }
    PersonRow row;
    row.line = record->line;
    if (auto reasons = check_row(*record, *columns, row); !reasons.empty()) {
      result.problems.push_back(RowProblem{record->line, join(reasons)});
    } else {
      result.rows.push_back(std::move(row));
    }
  }
  return result;
}

}  // namespace checkin::server
