// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"
#include <atomic>
#include <thread>

#include "checkin/platform/scan_queue.hpp"

using namespace checkin;
using namespace checkin::platform;
using namespace std::chrono_literals;

TEST_CASE("scans from any source come out in order, and every push wakes the consumer") {
  std::atomic<int> wakes{0};
  ScanQueue queue([&] { ++wakes; });
  queue.push(ScanEvent{"CK1:FROM-CAMERA", ScanSource::camera, 100ms, 7});
  queue.push("CK1:FROM-SCANNER", ScanSource::wedge_scanner, 200ms);
  queue.push("CK1:FROM-SCRIPT", ScanSource::script, 300ms);
  CHECK(wakes == 3);
  CHECK(queue.size() == 3);

  auto first = queue.try_pop();
  REQUIRE(first);
  CHECK(first->text == "CK1:FROM-CAMERA");
  CHECK(first->source == ScanSource::camera);
  CHECK(first->frame_number == 7);
  auto rest = queue.take_all();
  REQUIRE(rest.size() == 2);
  CHECK(rest[0].source == ScanSource::wedge_scanner);
  CHECK(rest[1].text == "CK1:FROM-SCRIPT");
  CHECK_FALSE(queue.try_pop());
  CHECK(std::string(to_string(ScanSource::wedge_scanner)) == "scanner");
}

TEST_CASE("wait returns for an event or a notification, and times out otherwise") {
  ScanQueue queue;
  CHECK_FALSE(queue.wait(0ms));
  queue.notify();
  CHECK(queue.wait(0ms));
  CHECK_FALSE(queue.wait(0ms));  // a notification wakes once
  queue.push("X", ScanSource::script, 0ms);
  CHECK(queue.wait(0ms));
  CHECK(queue.wait(0ms));  // an event waits until taken
  queue.take_all();
  CHECK_FALSE(queue.wait(0ms));
}

TEST_CASE("a consumer blocked in wait is woken by another thread's push") {
  ScanQueue queue;
  std::thread producer([&] { queue.push("CK1:ACROSS-THREADS", ScanSource::camera, 1ms); });
  CHECK(queue.wait(std::chrono::minutes(1)));
  producer.join();
  auto event = queue.try_pop();
  REQUIRE(event);
  CHECK(event->text == "CK1:ACROSS-THREADS");
}

TEST_CASE("a full queue drops its oldest scans and counts them") {
  ScanQueue queue({}, 3);
  for (int i = 0; i < 5; ++i) queue.push(std::to_string(i), ScanSource::script, Millis{i});
  CHECK(queue.dropped() == 2);
  auto all = queue.take_all();
  REQUIRE(all.size() == 3);
  CHECK(all.front().text == "2");
  CHECK(all.back().text == "4");
}
