// SPDX-License-Identifier: AGPL-3.0-or-later
// Kiosk latency benchmark: from a camera frame's arrival to the check-in committed on disk
// and the Result screen drawn, through the real scan worker, decoder, rules, SQLite store
// and headless renderer. Baseline in the same run: ZXing alone decoding the same frame.
// Also writes an empty camera scene for the idle-CPU run in deploy/bench.sh.
#include <SDL.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "checkin/app/kiosk.hpp"
#include "checkin/platform/display.hpp"
#include "checkin/platform/frame_feed.hpp"
#include "checkin/platform/scan_worker.hpp"
#include "checkin/platform/system_clock.hpp"
#include "checkin/qr/decode.hpp"
#include "checkin/qr/encode.hpp"
#include "checkin/ui/assets.hpp"
#include "checkin/ui/screens.hpp"

using namespace checkin;
using namespace std::chrono;

namespace {

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "kiosk_bench: %s\n", why.c_str());
  std::exit(1);
}

// A 1280x720 camera frame: a wall with the pass held up off-centre.
qr::GrayImage camera_frame(const std::string& pass) {
  qr::GrayImage frame(1280, 720);
  for (int y = 0; y < 720; ++y)
    for (int x = 0; x < 1280; ++x) frame.at(x, y) = static_cast<std::uint8_t>(140 + x / 40 - y / 30);
  auto code = qr::rasterize(qr::encode(pass).value(), 6);
  for (int y = 0; y < code.height(); ++y)
    for (int x = 0; x < code.width(); ++x) frame.at(420 + x, 160 + y) = code.at(x, y) ? 230 : 30;
  return frame;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 200;
  const std::filesystem::path dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path() / "kiosk-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "empty-scene");

  // The empty hallway for the idle measurement.
  qr::GrayImage wall(1280, 720);
  for (int y = 0; y < 720; ++y)
    for (int x = 0; x < 1280; ++x) wall.at(x, y) = static_cast<std::uint8_t>(140 + x / 40 - y / 30);
  if (!qr::save_png(wall.view(), dir / "empty-scene" / "wall.png")) die("cannot write the empty scene");

  // One open session; every iteration a different person's pass (no repeat suppression).
  auto key = SigningKey::generate();
  Schedule schedule;
  schedule.programs = {Program{"p", "Drop-in", false, false, false, Registration::open, false, false}};
  auto now = time_point_cast<Millis>(system_clock::now());
  schedule.sessions = {with_default_window(Session{"s", "p", "site", "Hall", now - 10min, now + 8h, {}, {}, {}})};
  std::vector<qr::GrayImage> frames;
  for (int i = 0; i < count; ++i) frames.push_back(camera_frame(issue_pass(key, new_pass_id(), now + days{30}).value()));

  setenv("SDL_AUDIODRIVER", "dummy", 0);
  auto display = platform::Display::open({.mode = platform::DisplayMode::headless, .width = 1280, .height = 720});
  if (!display) die(display.error().message);
  auto assets = ui::find_assets_dir();
  if (!assets) die(assets.error().message);
  auto translator = ui::Translator::load_dir(ui::i18n_dir(*assets));
  if (!translator) die(translator.error().message);
  auto store = store::Store::open((dir / "kiosk.db").string());
  if (!store) die(store.error().message);
  platform::SystemClock clock;
  CheckInDesk desk(clock, *store, "bench-kiosk");
  if (!desk.verifier().keys().add(key.public_key())) die("key");
  app::Kiosk kiosk(desk, *store, app::PinGuard(""), app::KioskSettings{});
  kiosk.set_schedule(schedule);

  platform::ScanQueue queue;
  auto feed = platform::FrameFeed::create("bench camera");
  platform::ScanWorkerOptions options;
  options.motion.enabled = false;
  platform::ScanWorker worker(queue, feed->factory(), options);

  auto draw = [&] {
    std::vector<ui::Intent> intents;
    (*display)->begin_frame();
    const auto& f = (*display)->fonts();
    ui::draw(kiosk.view(), ui::DrawInput{*translator, ui::Fonts{f.small, f.body, f.button, f.large, f.huge, f.lead}, nullptr},
             intents);
    (*display)->end_frame();
  };
  draw();

  std::vector<double> latency_ms, zxing_ms;
  for (int i = 0; i < count; ++i) {
    auto t0 = steady_clock::now();
    auto zx = qr::decode_with_zxing_only(frames[i].view());
    zxing_ms.push_back(duration<double, std::milli>(steady_clock::now() - t0).count());
    if (zx.empty()) die("ZXing could not read a benchmark frame");

    auto shown = platform::monotonic_now();
    feed->show(frames[i], shown);
    std::optional<platform::ScanEvent> scan;
    for (auto deadline = steady_clock::now() + 5s; !scan && steady_clock::now() < deadline;)
      if (queue.wait(1000ms)) scan = queue.try_pop();  // camera-state changes wake us too
    if (!scan) die("no scan within 5 s");
    kiosk.on_scan(scan->text);
    if (!kiosk.last_decision() || kiosk.last_decision()->outcome != Outcome::checked_in) die("scan not checked in");
    draw();  // the Result screen, as the person sees it
    latency_ms.push_back(static_cast<double>((platform::monotonic_now() - shown).count()));
    kiosk.on_intent(ui::Intent{ui::Intent::Kind::dismiss});
  }
  std::printf("kiosk_bench: %d scans of 1280x720 camera frames, each a new person, committed with synchronous=FULL\n",
              count);
  std::printf("  frame arrival -> committed event -> Result drawn: median %.1f ms, p99 %.1f ms\n",
              percentile(latency_ms, 0.5), percentile(latency_ms, 0.99));
  std::printf("  baseline, ZXing alone decoding the same frame:   median %.1f ms, p99 %.1f ms\n",
              percentile(zxing_ms, 0.5), percentile(zxing_ms, 0.99));
  std::printf("  ratio (median latency / median ZXing decode): %.2f\n",
              percentile(latency_ms, 0.5) / percentile(zxing_ms, 0.5));
  std::printf("  empty camera scene for the idle run: %s\n", (dir / "empty-scene").c_str());
  return 0;
}
