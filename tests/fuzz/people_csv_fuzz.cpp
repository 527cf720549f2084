// SPDX-License-Identifier: AGPL-3.0-or-later
// A coordinator's people CSV (sync/server/people_import): any bytes a file can hold. Never a
// crash; every bad row is reported with a line number inside the file.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checkin/server/people_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  auto people = checkin::server::parse_people_csv(file);
  if (!people) return 0;
  // Lines as a spreadsheet counts them (header = 1; CRLF, LF or a lone CR ends one): every
  // reported line is within the file, rows in order.
  std::size_t lines = 1;
  for (std::size_t i = 0; i < file.size(); ++i)
    if (file[i] == '\n' || (file[i] == '\r' && (i + 1 == file.size() || file[i + 1] != '\n'))) ++lines;
  std::size_t last = 0;
  for (const auto& row : people->rows) {
    if (row.line < 2 || row.line > lines || row.line <= last) __builtin_trap();
    last = row.line;
  }
  for (const auto& problem : people->problems)
    if (problem.line < 2 || problem.line > lines || problem.reason.empty()) __builtin_trap();
  return 0;
}
