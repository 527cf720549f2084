// SPDX-License-Identifier: AGPL-3.0-or-later
// The scan worker with scripted cameras. Nothing here sleeps: tests wait on the scan queue,
// which the worker notifies on every scan and every change of camera state.
#include "checkin_catch.hpp"
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "checkin/platform/replay_source.hpp"
#include "checkin/platform/scan_worker.hpp"
#include "platform_test_support.hpp"

using namespace checkin;
using namespace checkin::platform;
using namespace std::chrono_literals;

namespace {

// A camera the test scripts: frames and failures are handed out in order, and with nothing
// scripted next_frame() waits until something is (or until interrupted).
struct FakeCamera {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Result<Frame>> script;
  bool present = true;
  int open_attempts = 0;
  bool open_throws = false;
  Millis clock{10'000};
  std::uint64_t frame_number = 0;

  void show(qr::GrayImage image, Millis after = 1000ms) {
    {
      std::lock_guard lock(mutex);
      clock += after;
      script.push_back(Frame{std::move(image), clock, ++frame_number});
    }
    changed.notify_all();
  }
  void unplug(const std::string& why) {
    {
      std::lock_guard lock(mutex);
      present = false;
      script.push_back(fail(Errc::io, why));
    }
    changed.notify_all();
  }
  // Waits for the worker's open attempts (the factory notifies `changed`).
  bool wait_for_open_attempts(int count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 30s, [&] { return open_attempts >= count; });
  }
  void plug_in() {
    std::lock_guard lock(mutex);
    present = true;
  }
};

class FakeSource final : public FrameSource {
 public:
  explicit FakeSource(std::shared_ptr<FakeCamera> camera) : camera_(std::move(camera)) {}

  Result<std::optional<Frame>> next_frame(Millis timeout) override {
    std::unique_lock lock(camera_->mutex);
    camera_->changed.wait_for(lock, timeout, [&] { return !camera_->script.empty() || interrupted_; });
    if (interrupted_) {
      interrupted_ = false;
      return std::optional<Frame>{};
    }
    if (camera_->script.empty()) return std::optional<Frame>{};
    auto next = std::move(camera_->script.front());
    camera_->script.pop_front();
    if (!next) return std::unexpected(next.error());
    return std::optional<Frame>{std::move(*next)};
  }

  void interrupt() override {
    {
      std::lock_guard lock(camera_->mutex);
      interrupted_ = true;
    }
    camera_->changed.notify_all();
  }

  std::string describe() const override { return "fake camera"; }

 private:
  std::shared_ptr<FakeCamera> camera_;
  bool interrupted_ = false;
};

FrameSourceFactory factory_for(std::shared_ptr<FakeCamera> camera) {
  return [camera]() -> Result<std::unique_ptr<FrameSource>> {
    std::lock_guard lock(camera->mutex);
    ++camera->open_attempts;
    camera->changed.notify_all();
    if (camera->open_throws) throw std::runtime_error("driver exploded");
    if (!camera->present) return fail(Errc::not_found, "camera /dev/video0 not found");
    return std::unique_ptr<FrameSource>(std::make_unique<FakeSource>(camera));
  };
}

ScanWorkerOptions test_options() {
  ScanWorkerOptions options;
  options.retry_interval = 1ms;
  options.frame_wait = std::chrono::hours(1);  // only interrupt() ends a wait: stop must use it
  options.preview_interval = 0ms;
  return options;
}

// Waits on the queue until `done` holds; a generous limit turns a hang into a failure.
template <class Predicate>
bool wait_until(ScanQueue& queue, Predicate done) {
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    queue.wait(1s);
  }
  return true;
}

// Collects scans from the queue until `count` have come.
std::vector<ScanEvent> take_scans(ScanQueue& queue, std::size_t count) {
  std::vector<ScanEvent> scans;
  wait_until(queue, [&] {
    for (auto& event : queue.take_all()) scans.push_back(std::move(event));
    return scans.size() >= count;
  });
  return scans;
}

}  // namespace

TEST_CASE("codes the camera sees reach the queue once each, decoded on the worker thread") {
  checkin::testing::TempDir dir;
  testing::write_png(testing::qr_frame("CK1:FIRST-PASS"), dir / "1.png");
  testing::write_png(testing::qr_frame("CK1:SECOND-PASS"), dir / "2.png");

  std::atomic<int> wakes{0};
  ScanQueue queue([&] { ++wakes; });
  std::mutex threads_mutex;
  std::set<std::thread::id> decoder_threads;
  auto options = test_options();
  options.frame_wait = 100ms;
  options.decoder = [&](qr::ImageView frame) {
    {
      std::lock_guard lock(threads_mutex);
      decoder_threads.insert(std::this_thread::get_id());
    }
    return decode_camera_frame(frame);
  };
  {
    ScanWorker worker(queue, replay_factory(dir.path(), {.frames_per_second = 0}), options);
    queue.push("CK1:FROM-SCRIPT", ScanSource::script, 0ms);  // another source, same path

    const auto scans = take_scans(queue, 3);
    REQUIRE(scans.size() == 3);
    std::set<std::string> camera_texts;
    for (const auto& scan : scans) {
      if (scan.source == ScanSource::camera) {
        camera_texts.insert(scan.text);
        CHECK(scan.frame_number > 0);
      } else {
        CHECK(scan.text == "CK1:FROM-SCRIPT");
      }
    }
    CHECK(camera_texts == std::set<std::string>{"CK1:FIRST-PASS", "CK1:SECOND-PASS"});

    CHECK(worker.camera().status == CameraStatus::ok);
    CHECK_THAT(worker.camera().detail, Catch::Matchers::ContainsSubstring("replay of"));
  }
  CHECK(wakes >= 3);
  REQUIRE(decoder_threads.size() == 1);
  CHECK(*decoder_threads.begin() != std::this_thread::get_id());
}

TEST_CASE("a code held in view is reported once, another code at once") {
  auto camera = std::make_shared<FakeCamera>();
  ScanQueue queue;
  auto options = test_options();
  options.motion.enabled = false;
  ScanWorker worker(queue, factory_for(camera), options);
  const auto first = testing::qr_frame("CK1:HELD-UP", 320, 240);
  const auto second = testing::qr_frame("CK1:NEXT-PERSON", 320, 240);
  for (int i = 0; i < 5; ++i) camera->show(first, 100ms);
  camera->show(second, 100ms);
  camera->show(first, 100ms);  // still within the repeat gap of its last sighting
  camera->show(testing::qr_frame("CK1:LAST", 320, 240), 100ms);

  const auto scans = take_scans(queue, 3);
  REQUIRE(scans.size() == 3);
  CHECK(scans[0].text == "CK1:HELD-UP");
  CHECK(scans[1].text == "CK1:NEXT-PERSON");
  CHECK(scans[1].frame_number == 6);
  CHECK(scans[2].text == "CK1:LAST");
  CHECK(queue.size() == 0);
  CHECK(worker.stats().frames_decoded == 8);
  CHECK(worker.stats().scans_reported == 3);
}

TEST_CASE("a camera missing at start is reported, retried, and picked up when it comes") {
  auto camera = std::make_shared<FakeCamera>();
  camera->present = false;
  ScanQueue queue;
  ScanWorker worker(queue, factory_for(camera), test_options());

  REQUIRE(wait_until(queue, [&] { return worker.camera().status == CameraStatus::missing; }));
  CHECK(worker.camera().detail == "camera /dev/video0 not found");
  CHECK_FALSE(worker.preview_newer_than(0));

  REQUIRE(camera->wait_for_open_attempts(3));  // retried every retry_interval
  camera->plug_in();
  camera->show(testing::qr_frame("CK1:AFTER-PLUG-IN", 320, 240));

  const auto scans = take_scans(queue, 1);
  REQUIRE(scans.size() == 1);
  CHECK(scans[0].text == "CK1:AFTER-PLUG-IN");
  CHECK(scans[0].source == ScanSource::camera);
  CHECK(scans[0].frame_number == 1);
  CHECK(scans[0].seen_at == 11'000ms);
  CHECK(worker.camera().status == CameraStatus::ok);
  CHECK(worker.camera().detail == "fake camera");
  CHECK(worker.stats().source_failures >= 3);
}

TEST_CASE("a camera unplugged while running goes missing and recovers by itself") {
  auto camera = std::make_shared<FakeCamera>();
  ScanQueue queue;
  ScanWorker worker(queue, factory_for(camera), test_options());

  camera->show(testing::qr_frame("CK1:BEFORE", 320, 240));
  REQUIRE(take_scans(queue, 1).at(0).text == "CK1:BEFORE");
  const auto preview = worker.preview_newer_than(0);
  REQUIRE(preview);
  CHECK_FALSE(preview->image.empty());

  camera->unplug("camera /dev/video0 stopped delivering frames (disconnected?)");
  REQUIRE(wait_until(queue, [&] { return worker.camera().status == CameraStatus::missing; }));
  CHECK_THAT(worker.camera().detail, Catch::Matchers::ContainsSubstring("disconnected") || Catch::Matchers::ContainsSubstring("not found"));
  // The preview does not freeze on the last picture.
  const auto cleared = worker.preview_newer_than(preview->serial);
  REQUIRE(cleared);
  CHECK(cleared->image.empty());

  camera->plug_in();
  camera->show(testing::qr_frame("CK1:AFTER", 320, 240));
  REQUIRE(take_scans(queue, 1).at(0).text == "CK1:AFTER");
  CHECK(worker.camera().status == CameraStatus::ok);
  std::lock_guard lock(camera->mutex);
  CHECK(camera->open_attempts >= 2);
}

TEST_CASE("opening a camera that throws counts as missing, the worker keeps trying") {
  auto camera = std::make_shared<FakeCamera>();
  camera->open_throws = true;
  ScanQueue queue;
  ScanWorker worker(queue, factory_for(camera), test_options());
  REQUIRE(wait_until(queue, [&] { return worker.camera().status == CameraStatus::missing; }));
  CHECK_THAT(worker.camera().detail, Catch::Matchers::ContainsSubstring("driver exploded"));
  {
    std::lock_guard lock(camera->mutex);
    camera->open_throws = false;
  }
  camera->show(testing::qr_frame("CK1:NO-LONGER-THROWS", 320, 240));
  CHECK(take_scans(queue, 1).at(0).text == "CK1:NO-LONGER-THROWS");
}

TEST_CASE("a frame whose decoding throws is skipped, the next frames are decoded") {
  auto camera = std::make_shared<FakeCamera>();
  ScanQueue queue;
  auto options = test_options();
  options.motion.enabled = false;
  std::atomic<int> calls{0};
  options.decoder = [&](qr::ImageView frame) -> std::vector<qr::DecodedCode> {
    if (++calls == 2) throw std::runtime_error("decoder fault");
    return decode_camera_frame(frame);
  };
  ScanWorker worker(queue, factory_for(camera), options);
  camera->show(testing::qr_frame("CK1:ONE", 320, 240));
  camera->show(testing::qr_frame("CK1:TWO", 320, 240));  // this one throws
  camera->show(testing::qr_frame("CK1:THREE", 320, 240));

  const auto scans = take_scans(queue, 2);
  REQUIRE(scans.size() == 2);
  CHECK(scans[0].text == "CK1:ONE");
  CHECK(scans[1].text == "CK1:THREE");
  CHECK(scans[1].frame_number == 3);
  const auto stats = worker.stats();
  CHECK(stats.decode_failures == 1);
  CHECK(stats.frames_decoded == 3);
  CHECK(worker.camera().status == CameraStatus::ok);
}

TEST_CASE("the preview is the latest frame, at most 320 pixels wide, with a serial") {
  auto camera = std::make_shared<FakeCamera>();
  ScanQueue queue;
  ScanWorker worker(queue, factory_for(camera), test_options());
  camera->show(testing::qr_frame("CK1:PREVIEW", 1280, 720));
  REQUIRE(take_scans(queue, 1).size() == 1);

  const auto preview = worker.preview_newer_than(0);
  REQUIRE(preview);
  CHECK(preview->image.width() == 320);
  CHECK(preview->image.height() == 180);
  CHECK(preview->serial >= 1);
  CHECK(preview->captured_at == 11'000ms);
  CHECK_FALSE(worker.preview_newer_than(preview->serial));

  camera->show(testing::qr_frame("CK1:PREVIEW-2", 640, 480));
  REQUIRE(take_scans(queue, 1).size() == 1);
  const auto next = worker.preview_newer_than(preview->serial);
  REQUIRE(next);
  CHECK(next->image.width() == 320);
  CHECK(next->image.height() == 240);
}

TEST_CASE("the motion gate lets a static scene be decoded only now and then") {
  auto camera = std::make_shared<FakeCamera>();
  ScanQueue queue;
  auto options = test_options();
  options.motion = {.enabled = true, .active_hold = 2000ms, .idle_interval = 1000ms};
  ScanWorker worker(queue, factory_for(camera), options);
  const qr::GrayImage empty_hallway(320, 240, 100);
  for (int i = 0; i < 30; ++i) camera->show(empty_hallway, 100ms);  // 3 s of a still picture
  camera->show(testing::qr_frame("CK1:WALKS-IN", 320, 240), 100ms);
  REQUIRE(take_scans(queue, 1).at(0).text == "CK1:WALKS-IN");
  const auto stats = worker.stats();
  CHECK(stats.frames == 31);
  // The first frame and 2 s after it (21 frames), none in the next 0.9 s, then the pass.
  CHECK(stats.frames_decoded == 22);
  CHECK(stats.frames_skipped == 9);
}

TEST_CASE("stopping does not wait for a frame or for the next retry") {
  SECTION("waiting for a frame") {
    auto camera = std::make_shared<FakeCamera>();
    ScanQueue queue;
    auto worker = std::make_unique<ScanWorker>(queue, factory_for(camera), test_options());
    REQUIRE(wait_until(queue, [&] { return worker->camera().status == CameraStatus::starting &&
                                          worker->camera().detail == "fake camera"; }));
    worker.reset();  // blocked in next_frame for up to an hour unless interrupted
  }
  SECTION("waiting to retry a missing camera") {
    auto camera = std::make_shared<FakeCamera>();
    camera->present = false;
    ScanQueue queue;
    auto options = test_options();
    options.retry_interval = std::chrono::hours(1);
    auto worker = std::make_unique<ScanWorker>(queue, factory_for(camera), options);
    REQUIRE(wait_until(queue, [&] { return worker->camera().status == CameraStatus::missing; }));
    worker.reset();
  }
  SECTION("right after starting") {
    auto camera = std::make_shared<FakeCamera>();
    ScanQueue queue;
    ScanWorker worker(queue, factory_for(camera), test_options());
  }
}
