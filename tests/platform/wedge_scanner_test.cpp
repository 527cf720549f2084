// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"
#include <string>
#include <vector>

#include "checkin/platform/wedge_scanner.hpp"

using namespace checkin;
using namespace checkin::platform;
using namespace std::chrono_literals;

namespace {

// One key event: text typed, or "\n" for Enter, or "\x1b[repeat" for an auto-repeated key.
struct Key {
  std::string text;
  int at_ms;
};

// Keys typed `gap_ms` apart starting at `start_ms`, then Enter after `enter_gap_ms`.
std::vector<Key> typed(const std::string& text, int start_ms, int gap_ms, int enter_gap_ms) {
  std::vector<Key> keys;
  int at = start_ms;
  for (char c : text) {
    keys.push_back({std::string(1, c), at});
    at += gap_ms;
  }
  keys.push_back({"\n", at - gap_ms + enter_gap_ms});
  return keys;
}

std::vector<Key> join(std::vector<Key> a, const std::vector<Key>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<std::string> scans_in(const std::vector<Key>& keys, WedgeScannerOptions options = {}) {
  WedgeScannerDetector detector(options);
  std::vector<std::string> scans;
  for (const auto& key : keys) {
    if (key.text == "\n") {
      if (auto scan = detector.on_enter(Millis{key.at_ms})) scans.push_back(*scan);
    } else if (key.text == "\x1b[repeat") {
      detector.on_key_repeat(Millis{key.at_ms});
    } else {
      detector.on_text(key.text, Millis{key.at_ms});
    }
  }
  return scans;
}

using Scans = std::vector<std::string>;

}  // namespace

TEST_CASE("keyboard-wedge scans are told from typing by speed") {
  const std::string pass = "CK1:6BFOXN*TZ4";
  struct Row {
    const char* what;
    std::vector<Key> keys;
    Scans expected;
  };
  const std::vector<Row> rows = {
      {"a scanner typing every 8 ms", typed(pass, 1000, 8, 8), {pass}},
      {"a slow scanner at 30 ms", typed(pass, 1000, 30, 30), {pass}},
      {"exactly at the limit", typed(pass, 1000, 35, 35), {pass}},
      {"just over the limit", typed(pass, 1000, 36, 36), {}},
      {"a fast typist at 80 ms", typed(pass, 1000, 80, 80), {}},
      {"a person typing slowly", typed("hello there", 1000, 250, 300), {}},
      {"too short to be a code", typed("12345", 1000, 5, 5), {}},
      {"just long enough", typed("123456", 1000, 5, 5), {"123456"}},
      {"Enter pressed by a person after a fast burst", typed(pass, 1000, 8, 400), {}},
      {"two scans in a row", join(typed("CK1:FIRST", 1000, 8, 8), typed("CK1:SECOND", 2000, 8, 8)),
       {"CK1:FIRST", "CK1:SECOND"}},
      {"typing, then a scan", join(typed("abc", 1000, 200, 200), typed(pass, 3000, 8, 8)), {pass}},
      {"a person types, then a scanner joins mid-word without Enter between",
       join({{"x", 500}, {"y", 700}}, typed(pass, 1000, 8, 8)), {pass}},
      {"Enter with nothing typed", {{"\n", 1000}}, {}},
  };
  for (const auto& row : rows) {
    INFO(row.what);
    CHECK(scans_in(row.keys) == row.expected);
  }
}

TEST_CASE("a pause inside a burst drops what came before it") {
  // "CK1:" fast, a 500 ms pause, then "ABCDEF" fast and Enter: only the second burst counts.
  auto keys = typed("CK1:", 1000, 8, 8);
  keys.pop_back();  // no Enter after the first part
  const auto second = typed("ABCDEF", 1532, 8, 8);
  keys.insert(keys.end(), second.begin(), second.end());
  CHECK(scans_in(keys) == Scans{"ABCDEF"});
}

TEST_CASE("a held-down key auto-repeating fast is a person, not a scanner") {
  std::vector<Key> keys;
  int at = 1000;
  keys.push_back({"a", at});
  for (int i = 0; i < 10; ++i) {
    at += 33;  // typical auto-repeat rate
    keys.push_back({"\x1b[repeat", at});
    keys.push_back({"a", at});
  }
  keys.push_back({"\n", at + 20});
  CHECK(scans_in(keys).empty());
}

TEST_CASE("scanner detection is configurable") {
  const auto keys = typed("ABCD", 1000, 50, 50);
  CHECK(scans_in(keys).empty());
  CHECK(scans_in(keys, {.max_key_gap = 60ms, .min_length = 4}) == Scans{"ABCD"});
  CHECK(scans_in(typed("ABCDEFGH", 1000, 5, 5), {.max_key_gap = 35ms, .min_length = 6, .max_length = 7}).empty());
}

TEST_CASE("multi-byte characters count as one each") {
  WedgeScannerDetector detector({.max_key_gap = 35ms, .min_length = 6});
  int at = 0;
  for (const char* c : {"é", "ñ", "ü", "ø", "å"}) detector.on_text(c, Millis{at += 5});
  CHECK_FALSE(detector.on_enter(Millis{at + 5}));  // five characters, ten bytes
  at += 100;
  for (const char* c : {"é", "ñ", "ü", "ø", "å", "ß"}) detector.on_text(c, Millis{at += 5});
  CHECK(detector.on_enter(Millis{at + 5}) == "éñüøåß");
}

TEST_CASE("in_burst says when scanner-speed typing is under way") {
  WedgeScannerDetector detector;
  CHECK_FALSE(detector.in_burst(0ms));
  detector.on_text("C", 1000ms);
  CHECK_FALSE(detector.in_burst(1000ms));  // one key could be anyone
  detector.on_text("K", 1008ms);
  CHECK(detector.in_burst(1010ms));
  CHECK_FALSE(detector.in_burst(1100ms));
  detector.reset();
  CHECK_FALSE(detector.in_burst(1010ms));
}
