// A coordinator's people CSV (sync/server/people_import): any bytes a file can hold. Never a
// crash; every bad row is reported with a line number inside the file.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checkin/server/people_csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  auto people = checkin::server::parse_people_csv(file);
  if (!people) return 0;
  // Lines as a spreadsheet counts them (header = 1): within the file, in order.
  const std::size_t lines = static_cast<std::size_t>(std::count(file.begin(), file.end(), '\n')) + 1;
  std::size_t last = 0;
  for (const auto& row : people->rows) {
    if (row.line < 2 || row.line > lines || row.line <= last) __builtin_trap();
    last = row.line;
  }
  for (const auto& problem : people->problems)
    if (problem.line < 2 || problem.line > lines || problem.reason.empty()) __builtin_trap();
  return 0;
}
