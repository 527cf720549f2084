// SPDX-License-Identifier: AGPL-3.0-or-later
// CSV fields and records as spreadsheets read them.
#include "checkin_catch.hpp"

#include <string>
#include <vector>

#include "checkin/core/csv.hpp"

using namespace checkin;

TEST_CASE("CSV fields are quoted per RFC 4180 and formulas are neutralised") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("two\r\nlines") == "\"two\r\nlines\"");
  CHECK(csv_field("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0");
  CHECK(csv_field("+1") == "'+1");
  CHECK(csv_field("-1") == "'-1");
  CHECK(csv_field("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_field("\tx") == "'\tx");
  CHECK(csv_field("=1,2") == "\"'=1,2\"");
  CHECK(csv_field("a=b") == "a=b");  // only a leading sign makes a formula
  CHECK(csv_field("José") == "José");
}

TEST_CASE("CSV records join fields with commas and end with CRLF") {
  const std::vector<std::string> cells = {"2026-11-26", "Hall, upstairs", "=2+2", ""};
  CHECK(csv_row(cells) == "2026-11-26,\"Hall, upstairs\",'=2+2,\r\n");
  CHECK(csv_row(std::vector<std::string>{}) == "\r\n");
  CHECK(kUtf8Bom == "\xEF\xBB\xBF");
}
