// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"
#include <fstream>
#include <thread>

#include "checkin/platform/replay_source.hpp"
#include "platform_test_support.hpp"

using namespace checkin;
using namespace checkin::platform;
using namespace std::chrono_literals;

namespace {

// The images are told apart by their width.
void write_pgm(const std::filesystem::path& path, int width, int height, std::uint8_t value) {
  std::ofstream out(path, std::ios::binary);
  out << "P5\n" << width << " " << height << "\n255\n";
  out << std::string(static_cast<std::size_t>(width * height), static_cast<char>(value));
}

void write_jpeg(const std::filesystem::path& path, int width, int height) {
  auto bytes = qr::encode_jpeg(qr::GrayImage(width, height, 128).view(), 90);
  REQUIRE(bytes);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes->data()), static_cast<long>(bytes->size()));
}

struct ManualTime {
  Millis now{1000};
  std::function<Millis()> function() {
    return [this] { return now; };
  }
};

int width_of(const Result<std::optional<Frame>>& frame) {
  REQUIRE(frame);
  REQUIRE(frame->has_value());
  return (*frame)->image.width();
}

}  // namespace

TEST_CASE("a folder replays its images sorted by name, in a loop") {
  checkin::testing::TempDir dir;
  testing::write_png(qr::GrayImage(20, 10, 50), dir / "b.png");
  write_pgm(dir / "a.pgm", 10, 10, 10);
  write_jpeg(dir / "c.JPG", 30, 10);
  std::ofstream(dir / "a.txt") << "expected text beside an image";

  auto listed = list_replay_images(dir.path());
  REQUIRE(listed);
  REQUIRE(listed->size() == 3);
  CHECK((*listed)[0].filename() == "a.pgm");
  CHECK((*listed)[2].filename() == "c.JPG");

  ManualTime time;
  auto source = open_replay(dir.path(), {.frames_per_second = 0, .loop = true, .now = time.function()});
  REQUIRE(source);
  CHECK_THAT((*source)->describe(), Catch::Matchers::ContainsSubstring(dir.path().string()) && Catch::Matchers::ContainsSubstring("3 images"));

  std::vector<int> widths;
  for (std::uint64_t expected_number = 1; expected_number <= 7; ++expected_number) {
    auto frame = (*source)->next_frame(0ms);
    widths.push_back(width_of(frame));
    CHECK((*frame)->number == expected_number);
    CHECK((*frame)->captured_at == time.now);
    time.now += 7ms;
  }
  CHECK(widths == std::vector<int>{10, 20, 30, 10, 20, 30, 10});
}

TEST_CASE("without looping, a replay ends after the last image") {
  checkin::testing::TempDir dir;
  testing::write_png(qr::GrayImage(12, 12, 0), dir / "only.png");
  ManualTime time;
  auto source = open_replay(dir / "only.png", {.frames_per_second = 0, .loop = false, .now = time.function()});
  REQUIRE(source);
  CHECK(width_of((*source)->next_frame(0ms)) == 12);
  for (int i = 0; i < 3; ++i) {
    auto none = (*source)->next_frame(0ms);
    REQUIRE(none);
    CHECK_FALSE(none->has_value());
  }
}

TEST_CASE("frames come at the frame rate, a late consumer gets no burst") {
  auto images = std::make_shared<ReplayImages>();
  images->origin = "test";
  images->images.emplace_back(16, 16, 1);
  ManualTime time;
  ReplaySource source(images, {.frames_per_second = 10, .loop = true, .now = time.function()});

  auto due = [&] {
    auto frame = source.next_frame(0ms);
    REQUIRE(frame);
    return frame->has_value();
  };
  CHECK(due());  // the first frame at once
  CHECK_FALSE(due());
  time.now += 99ms;
  CHECK_FALSE(due());
  time.now += 1ms;
  CHECK(due());  // 100 ms after the first
  time.now += 100ms;
  CHECK(due());  // on schedule
  time.now += 350ms;
  CHECK(due());  // late: delivered at once...
  time.now += 10ms;
  CHECK_FALSE(due());  // ...but the next is not due straight after
  time.now += 90ms;
  CHECK(due());  // one interval after the late frame
}

TEST_CASE("interrupt ends a wait for a frame, also when it comes first") {
  auto images = std::make_shared<ReplayImages>();
  images->origin = "test";
  images->images.emplace_back(16, 16, 1);
  ManualTime time;  // never advances: the second frame is never due
  // One frame every 1000 s: without interrupt() the waits below would not end.
  ReplaySource source(images, {.frames_per_second = 0.001, .loop = true, .now = time.function()});
  REQUIRE(source.next_frame(0ms)->has_value());

  source.interrupt();
  auto interrupted = source.next_frame(std::chrono::hours(1));
  REQUIRE(interrupted);
  CHECK_FALSE(interrupted->has_value());

  std::thread waiter([&] {
    auto frame = source.next_frame(std::chrono::hours(1));
    CHECK(frame);
    CHECK_FALSE(frame->has_value());
  });
  source.interrupt();
  waiter.join();
}

TEST_CASE("replay errors name the path") {
  checkin::testing::TempDir dir;

  auto missing = open_replay(dir / "nowhere");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Matchers::ContainsSubstring("nowhere") && Catch::Matchers::ContainsSubstring("does not exist"));

  std::ofstream(dir / "readme.txt") << "no images here";
  auto empty = open_replay(dir.path());
  REQUIRE_FALSE(empty);
  CHECK_THAT(empty.error().message, Catch::Matchers::ContainsSubstring("no images") && Catch::Matchers::ContainsSubstring(dir.path().string()));

  testing::write_png(qr::GrayImage(8, 8, 0), dir / "a.png");
  std::ofstream(dir / "b.png") << "this is not a PNG";
  auto corrupt = open_replay(dir.path());
  REQUIRE_FALSE(corrupt);
  CHECK_THAT(corrupt.error().message, Catch::Matchers::ContainsSubstring((dir / "b.png").string()));
}

TEST_CASE("a replay factory loads the images once") {
  checkin::testing::TempDir dir;
  testing::write_png(qr::GrayImage(8, 8, 0), dir / "a.png");
  auto factory = replay_factory(dir.path(), {.frames_per_second = 0});
  auto first = factory();
  REQUIRE(first);
  std::filesystem::remove(dir / "a.png");
  auto second = factory();  // the file is gone, the loaded image is not
  REQUIRE(second);
  CHECK(width_of((*second)->next_frame(0ms)) == 8);

  auto never_loaded = replay_factory(dir / "nowhere", {})();
  CHECK_FALSE(never_loaded);
}
