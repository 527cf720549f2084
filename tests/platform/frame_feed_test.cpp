// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include "checkin/platform/frame_feed.hpp"
#include "checkin/platform/scan_worker.hpp"
#include "platform_test_support.hpp"

using namespace checkin;
using namespace checkin::platform;
using namespace std::chrono_literals;

TEST_CASE("a frame feed hands out the frames shown, in order") {
  auto feed = FrameFeed::create("script camera");
  auto source = feed->factory()();
  REQUIRE(source);
  CHECK((*source)->describe() == "script camera");
  feed->show(qr::GrayImage(10, 10, 1), 500ms);
  feed->show(qr::GrayImage(20, 10, 2), 600ms);

  auto first = (*source)->next_frame(0ms);
  REQUIRE(first);
  REQUIRE(first->has_value());
  CHECK((*first)->image.width() == 10);
  CHECK((*first)->captured_at == 500ms);
  CHECK((*first)->number == 1);
  auto second = (*source)->next_frame(0ms);
  REQUIRE(second->has_value());
  CHECK((*second)->number == 2);
  CHECK_FALSE((*source)->next_frame(0ms)->has_value());

  (*source)->interrupt();
  CHECK_FALSE((*source)->next_frame(std::chrono::hours(1))->has_value());
}

TEST_CASE("an unplugged feed fails its open source and refuses to open until plugged in") {
  auto feed = FrameFeed::create();
  auto source = feed->factory()();
  REQUIRE(source);
  feed->show(qr::GrayImage(10, 10, 1), 1ms);
  feed->unplug("camera /dev/video0 stopped delivering frames (disconnected?)");
  feed->show(qr::GrayImage(10, 10, 1), 2ms);  // nobody sees this one

  CHECK((*source)->next_frame(0ms)->has_value());  // shown before the unplug
  auto lost = (*source)->next_frame(0ms);
  REQUIRE_FALSE(lost);
  CHECK_THAT(lost.error().message, Catch::Matchers::ContainsSubstring("disconnected"));
  source->reset();

  auto reopened = feed->factory()();
  REQUIRE_FALSE(reopened);
  CHECK(reopened.error().message == "camera /dev/video0 stopped delivering frames (disconnected?)");

  feed->plug_in();
  auto back = feed->factory()();
  REQUIRE(back);
  CHECK_FALSE((*back)->next_frame(0ms)->has_value());
}

TEST_CASE("unplugging a feed with no open source leaves nothing behind for the next one") {
  auto feed = FrameFeed::create();
  feed->unplug();
  feed->plug_in();
  auto source = feed->factory()();
  REQUIRE(source);
  auto next = (*source)->next_frame(0ms);
  REQUIRE(next);
  CHECK_FALSE(next->has_value());
}

TEST_CASE("scan worker on a frame feed: a scan, an unplug, a replug, a scan") {
  auto feed = FrameFeed::create();
  ScanQueue queue;
  ScanWorkerOptions options;
  options.retry_interval = 1ms;
  ScanWorker worker(queue, feed->factory(), options);

  feed->show(testing::qr_frame("CK1:FEED-ONE", 320, 240));
  std::vector<ScanEvent> scans;
  while (scans.empty() && queue.wait(30s))
    for (auto& scan : queue.take_all()) scans.push_back(scan);
  REQUIRE(scans.size() == 1);
  CHECK(scans[0].text == "CK1:FEED-ONE");

  feed->unplug();
  while (worker.camera().status != CameraStatus::missing) REQUIRE(queue.wait(30s));
  CHECK(worker.camera().detail == "camera unplugged");

  feed->plug_in();
  while (worker.camera().status == CameraStatus::missing) REQUIRE(queue.wait(30s));
  feed->show(testing::qr_frame("CK1:FEED-TWO", 320, 240));
  scans.clear();
  while (scans.empty() && queue.wait(30s))
    for (auto& scan : queue.take_all()) scans.push_back(scan);
  REQUIRE(scans.size() == 1);
  CHECK(scans[0].text == "CK1:FEED-TWO");
  CHECK(worker.camera().status == CameraStatus::ok);
}
