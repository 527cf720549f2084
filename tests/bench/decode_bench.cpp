// Decode time per frame: ZXing alone against our pipeline, measured in the same run.
// Frames at the kiosk camera's sizes (640x480, 1280x720): a clean code, a hard one (a
// faded code, 20 grey levels between dark and light, which ZXing alone misses) and an
// empty frame, which is what the camera sees most of the time and where the pipeline
// spends its whole budget. No assertions: it prints, deploy/bench.sh collects.
//
//   decode_bench [iterations]     (default 60 per case)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "../qr/synthetic_images.hpp"
#include "checkin/qr/decode.hpp"
#include "checkin/qr/encode.hpp"

using namespace checkin::qr;
using namespace checkin::qr::synth;

namespace {

const std::string kPassLikeText =
    "CK1:6BFOXN*TS0BI$ZD.P9IW5A:8CDQL5J-6+4ONH:E7EDC12K1FGC9I7LC:LVF3DLEHTNXN%0Q3T7W:SKQG-1K3F/V3M+T4WB9A5J8KS7F";

enum class Difficulty { clean, hard, empty };

GrayImage make_frame(int width, int height, Difficulty difficulty, std::uint64_t seed) {
  Random random(seed);
  Canvas scene = cluttered_background(width, height, random);
  if (difficulty != Difficulty::empty) {
    const auto matrix = encode(kPassLikeText);
    const bool hard = difficulty == Difficulty::hard;
    // Hard: a dim, faded code, 20 grey levels between dark and light modules.
    const Document code = hard ? code_document(*matrix, 100, 120) : code_document(*matrix, 25, 230);
    const double module = height / 110.0;  // a code about half the frame high
    paint(scene, code, placed(code, code.width * module, 17, Vec2{width * 0.55, height * 0.5}));
  }
  gaussian_blur(scene, 0.5);
  add_sensor_noise(scene, random, 3);
  return scene.to_gray();
}

struct Timing {
  double median_ms = 0;
  double p99_ms = 0;
  bool found = false;
};

Timing measure(const std::function<std::vector<DecodedCode>(ImageView)>& decoder, const GrayImage& frame, int iterations) {
  std::vector<double> times;
  Timing timing;
  for (int i = 0; i < iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const auto codes = decoder(frame.view());
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    timing.found = !codes.empty();
  }
  std::sort(times.begin(), times.end());
  timing.median_ms = times[times.size() / 2];
  timing.p99_ms = times[std::min(times.size() - 1, static_cast<std::size_t>(times.size() * 0.99))];
  return timing;
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 60;
  struct Case {
    const char* name;
    Difficulty difficulty;
  };
  const Case cases[] = {{"clean", Difficulty::clean}, {"hard", Difficulty::hard}, {"empty", Difficulty::empty}};
  const std::pair<int, int> sizes[] = {{640, 480}, {1280, 720}};

  std::printf("decode time per frame, %d iterations each; ratio = median / ZXing-alone median\n\n", iterations);
  std::printf("%-10s %-6s | %-20s | %-29s | %-29s\n", "frame", "case", "ZXing alone", "pipeline, camera_frame",
              "pipeline, photo");
  std::printf("%-10s %-6s | %8s %6s %4s | %8s %6s %4s %6s | %8s %6s %4s %6s\n", "", "", "median", "p99", "ok",
              "median", "p99", "ok", "ratio", "median", "p99", "ok", "ratio");
  for (const auto& [width, height] : sizes)
    for (const Case& c : cases) {
      const GrayImage frame = make_frame(width, height, c.difficulty, 7);
      const Timing zxing = measure(decode_with_zxing_only, frame, iterations);
      const Timing camera = measure([](ImageView f) { return decode(f, {.effort = Effort::camera_frame}); }, frame, iterations);
      const Timing photo = measure([](ImageView f) { return decode(f, {.effort = Effort::photo}); }, frame,
                                   std::max(1, iterations / 4));
      std::printf("%4dx%-5d %-6s | %6.2fms %4.1fms %4s | %6.2fms %4.1fms %4s %5.1fx | %6.2fms %4.1fms %4s %5.1fx\n", width,
                  height, c.name, zxing.median_ms, zxing.p99_ms, zxing.found ? "yes" : "no", camera.median_ms,
                  camera.p99_ms, camera.found ? "yes" : "no", camera.median_ms / zxing.median_ms, photo.median_ms,
                  photo.p99_ms, photo.found ? "yes" : "no", photo.median_ms / zxing.median_ms);
    }
  return 0;
}
