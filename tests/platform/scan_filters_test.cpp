// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"
#include <vector>

#include "checkin/platform/scan_filters.hpp"
#include "platform_test_support.hpp"

using namespace checkin;
using namespace checkin::platform;
using namespace std::chrono_literals;

TEST_CASE("preview frames are shrunk by a whole factor to at most the width asked") {
  struct Row {
    int width, height, max_width, expected_width, expected_height;
  };
  const Row rows[] = {
      {1280, 720, 320, 320, 180}, {640, 480, 320, 320, 240}, {1920, 1080, 320, 320, 180},
      {800, 600, 320, 266, 200},  {300, 200, 320, 300, 200}, {321, 100, 320, 160, 50},
  };
  for (const auto& row : rows) {
    INFO(row.width << "x" << row.height << " to " << row.max_width);
    const qr::GrayImage frame(row.width, row.height, 77);
    const auto small = downscale_for_preview(frame.view(), row.max_width);
    CHECK(small.width() == row.expected_width);
    CHECK(small.height() == row.expected_height);
    CHECK(small.at(small.width() - 1, small.height() - 1) == 77);
  }
}

TEST_CASE("preview pixels are block averages") {
  qr::GrayImage stripes(4, 4);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) stripes.at(x, y) = x % 2 == 0 ? 0 : 255;
  const auto small = downscale_for_preview(stripes.view(), 2);
  REQUIRE(small.width() == 2);
  REQUIRE(small.height() == 2);
  CHECK(small.at(0, 0) == 128);
  CHECK(small.at(1, 1) == 128);
  CHECK(downscale_for_preview(qr::ImageView{}, 320).empty());
}

namespace {

qr::GrayImage noisy(const qr::GrayImage& image, int seed, int amplitude) {
  qr::GrayImage out = image;
  unsigned state = static_cast<unsigned>(seed) * 2654435761u + 1;
  for (int y = 0; y < out.height(); ++y)
    for (int x = 0; x < out.width(); ++x) {
      state = state * 1664525u + 1013904223u;
      const int delta = static_cast<int>(state >> 24) % (2 * amplitude + 1) - amplitude;
      out.at(x, y) = static_cast<std::uint8_t>(std::clamp(out.at(x, y) + delta, 0, 255));
    }
  return out;
}

std::vector<int> decoded_times(MotionGate& gate, const qr::GrayImage& frame, int from, int to, int step) {
  std::vector<int> times;
  for (int t = from; t <= to; t += step)
    if (gate.should_decode(frame.view(), Millis{t})) times.push_back(t);
  return times;
}

}  // namespace

namespace {
const MotionGateOptions kTwoSecondHold{.enabled = true, .active_hold = 2000ms, .idle_interval = 1000ms};
}

TEST_CASE("motion gate: every frame while something moves, one a second when nothing does") {
  MotionGate gate(kTwoSecondHold);
  const qr::GrayImage hallway(320, 240, 90);
  // The first frame counts as a change: frames for 2 s, then one a second.
  CHECK(decoded_times(gate, hallway, 0, 5000, 250) ==
        std::vector<int>{0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000, 3000, 4000, 5000});

  // A pass appears in the middle: decoded at once, and while it is held up.
  const auto with_pass = testing::qr_frame("CK1:MOTION", 320, 240);
  CHECK(decoded_times(gate, with_pass, 5100, 5400, 100) == std::vector<int>{5100, 5200, 5300, 5400});
  CHECK_FALSE(gate.changed());  // the same picture again: no change now, but still within the hold
  CHECK(decoded_times(gate, with_pass, 7100, 9100, 100) == std::vector<int>{7100, 8100, 9100});
}

TEST_CASE("motion gate: sensor noise is not motion") {
  MotionGate gate(kTwoSecondHold);
  const qr::GrayImage scene(640, 480, 120);
  REQUIRE(gate.should_decode(scene.view(), 0ms));
  std::vector<int> decoded;
  for (int i = 1; i <= 41; ++i) {
    const int t = 2500 + i * 100;
    const auto frame = noisy(scene, i, 6);
    if (gate.should_decode(frame.view(), Millis{t})) decoded.push_back(t);
    CHECK_FALSE(gate.changed());
  }
  CHECK(decoded == std::vector<int>{2600, 3600, 4600, 5600, 6600});
}

TEST_CASE("motion gate: a small object entering the frame is motion") {
  MotionGate gate(kTwoSecondHold);
  qr::GrayImage scene(640, 480, 200);
  REQUIRE(gate.should_decode(scene.view(), 0ms));
  gate.should_decode(scene.view(), 2500ms);  // the idle frame of this second
  // A dark 120x100 patch: about 4% of the picture.
  for (int y = 100; y < 200; ++y)
    for (int x = 300; x < 420; ++x) scene.at(x, y) = 30;
  CHECK(gate.should_decode(scene.view(), 2600ms));  // neither held nor an idle turn: motion
  CHECK(gate.changed());
  CHECK(gate.should_decode(scene.view(), 2700ms));  // held
}

TEST_CASE("motion gate can be switched off") {
  MotionGate gate({.enabled = false});
  const qr::GrayImage scene(64, 48, 1);
  for (int t = 0; t < 10'000; t += 100) REQUIRE(gate.should_decode(scene.view(), Millis{t}));
}

TEST_CASE("motion gate: slow changes add up") {
  MotionGate gate({.enabled = true, .active_hold = 2000ms, .idle_interval = 60'000ms});
  REQUIRE(gate.should_decode(qr::GrayImage(320, 240, 100).view(), 0ms));
  REQUIRE_FALSE(gate.should_decode(qr::GrayImage(320, 240, 100).view(), 3000ms));
  // Two levels brighter every frame: never much from one frame to the next, but from the
  // last decoded frame it adds up past the threshold (12) on the seventh frame.
  std::vector<int> decoded;
  for (int k = 1; k <= 8; ++k) {
    const qr::GrayImage frame(320, 240, static_cast<std::uint8_t>(100 + 2 * k));
    if (gate.should_decode(frame.view(), Millis{3000 + 100 * k})) decoded.push_back(k);
  }
  CHECK(decoded == std::vector<int>{7, 8});  // 8: within the hold after the change
}

TEST_CASE("a code in view is reported once, again only after it was out of sight") {
  using Texts = std::vector<std::string>;
  RepeatFilter filter(3000ms);
  auto report = [&](Texts texts, int at_ms) { return filter.new_in_sight(std::move(texts), Millis{at_ms}); };
  CHECK(report({"A"}, 0) == Texts{"A"});
  for (int t = 100; t <= 10'000; t += 500) CHECK(report({"A"}, t).empty());  // held up for 10 s
  CHECK(report({"A", "B"}, 10'050) == Texts{"B"});  // a second pass beside it
  CHECK(report({}, 10'100).empty());                // both out of sight from here
  CHECK(report({"A"}, 12'000).empty());             // A back within the gap: the same sighting
  CHECK(report({}, 12'100).empty());                // A out of sight again
  CHECK(report({}, 13'100).empty());                // B gone 3 s: forgotten
  CHECK(report({"B"}, 13'200) == Texts{"B"});
  CHECK(report({"B", "A"}, 15'100) == Texts{"A"});  // A was out of sight for 3 s
  CHECK(report({"C", "C"}, 15'200) == Texts{"C"});
}

TEST_CASE("frames the motion gate skipped do not count as absence") {
  using Texts = std::vector<std::string>;
  RepeatFilter filter(3000ms);
  CHECK(filter.new_in_sight({"A"}, 0ms) == Texts{"A"});
  // No decoded frame for 20 s (a still picture), and the code still there.
  CHECK(filter.new_in_sight({"A"}, 20'000ms).empty());
}
