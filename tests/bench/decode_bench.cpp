// SPDX-License-Identifier: AGPL-3.0-or-later
// Decode cost per camera frame and how soon a code held up to the camera is read: ZXing
// alone against our pipeline, measured in the same run. No assertions: it prints,
// deploy/bench.sh collects.
//
// Part 1, cost per frame at the kiosk camera's sizes (640x480, 1280x720): a clean code, a
// hard one (a faded code, 20 grey levels between dark and light, which ZXing alone misses)
// and an empty frame, which is what the camera sees most of the time. The camera decoder
// runs one stage per frame, so its figures are over consecutive frames (every stage of the
// cycle in turn); "worst stage" is the dearest stage's median. Photo effort is one call.
//
// Part 2, frames until found, when a blackbox samples folder is given: each image up to
// 1920x1080 held in front of the camera for 15 frames, the code coming into view at every
// point of the decoder's cycle in turn (the frames before show an empty grey scene).
//
//   decode_bench [iterations] [samples-dir]     (default 60 iterations per case)
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../qr/synthetic_images.hpp"
#include "checkin/qr/decode.hpp"
#include "checkin/qr/encode.hpp"
#include "checkin/qr/image.hpp"

namespace fs = std::filesystem;
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

using Clock = std::chrono::steady_clock;

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Timing {
  double median_ms = 0;
  double p99_ms = 0;
  double worst_stage_ms = 0;  // camera decoder: the dearest stage's median
  bool found = false;         // found in at least one of the frames
};

double percentile(std::vector<double> times, double fraction) {
  std::sort(times.begin(), times.end());
  return times[std::min(times.size() - 1, static_cast<std::size_t>(times.size() * fraction))];
}

Timing measure(const std::function<std::vector<DecodedCode>(ImageView)>& decoder, const GrayImage& frame, int iterations) {
  std::vector<double> times;
  Timing timing;
  for (int i = 0; i < iterations; ++i) {
    const auto start = Clock::now();
    const auto codes = decoder(frame.view());
    times.push_back(milliseconds_since(start));
    timing.found = timing.found || !codes.empty();
  }
  timing.median_ms = percentile(times, 0.5);
  timing.p99_ms = percentile(times, 0.99);
  return timing;
}

// ZXing alone and the camera decoder frame by frame, interleaved so that both see the same
// machine load: each of the `iterations` frames (rounded up to whole cycles of the camera
// decoder) is read by ZXing alone and then by the decoder's next stage.
struct CameraTimings {
  Timing zxing;
  Timing camera;
};

CameraTimings measure_camera_against_zxing(const GrayImage& frame, int iterations) {
  CameraDecoder decoder;
  const std::size_t cycle = CameraDecoder::stages_per_cycle(frame.view());
  const std::size_t frames = (static_cast<std::size_t>(iterations) + cycle - 1) / cycle * cycle;
  std::vector<double> zxing_times, camera_times;
  std::vector<std::vector<double>> by_stage(cycle);
  CameraTimings timings;
  for (std::size_t i = 0; i < frames; ++i) {
    auto start = Clock::now();
    timings.zxing.found = !decode_with_zxing_only(frame.view()).empty() || timings.zxing.found;
    zxing_times.push_back(milliseconds_since(start));
    start = Clock::now();
    timings.camera.found = !decoder.decode(frame.view()).empty() || timings.camera.found;
    camera_times.push_back(milliseconds_since(start));
    by_stage[i % cycle].push_back(camera_times.back());
  }
  timings.zxing.median_ms = percentile(zxing_times, 0.5);
  timings.zxing.p99_ms = percentile(zxing_times, 0.99);
  timings.camera.median_ms = percentile(camera_times, 0.5);
  timings.camera.p99_ms = percentile(camera_times, 0.99);
  for (const auto& stage_times : by_stage)
    timings.camera.worst_stage_ms = std::max(timings.camera.worst_stage_ms, percentile(stage_times, 0.5));
  return timings;
}

void print_frame_costs(int iterations) {
  struct Case {
    const char* name;
    Difficulty difficulty;
  };
  const Case cases[] = {{"clean", Difficulty::clean}, {"hard", Difficulty::hard}, {"empty", Difficulty::empty}};
  const std::pair<int, int> sizes[] = {{640, 480}, {1280, 720}};

  std::printf("decode time per frame, %d frames each (ZXing alone and the camera decoder interleaved, frame by frame);\n"
              "ratio = median (or the dearest stage's median) / ZXing-alone median\n\n", iterations);
  std::printf("%-10s %-6s | %-20s | %-46s | %-29s\n", "frame", "case", "ZXing alone", "camera decoder, one stage per frame",
              "pipeline, photo");
  std::printf("%-10s %-6s | %8s %6s %4s | %8s %6s %5s %8s %6s %4s | %8s %6s %4s %6s\n", "", "", "median", "p99", "ok", "median",
              "p99", "ratio", "worst", "ratio", "ok", "median", "p99", "ok", "ratio");
  for (const auto& [width, height] : sizes)
    for (const Case& c : cases) {
      const GrayImage frame = make_frame(width, height, c.difficulty, 7);
      const auto [zxing, camera] = measure_camera_against_zxing(frame, iterations);
      const Timing photo = measure([](ImageView f) { return decode(f, {.effort = Effort::photo}); }, frame,
                                   std::max(1, iterations / 4));
      std::printf("%4dx%-5d %-6s | %6.2fms %4.1fms %4s | %6.2fms %4.1fms %4.1fx %6.2fms %5.2fx %4s | %6.2fms %4.1fms %4s %5.1fx\n",
                  width, height, c.name, zxing.median_ms, zxing.p99_ms, zxing.found ? "yes" : "no", camera.median_ms,
                  camera.p99_ms, camera.median_ms / zxing.median_ms, camera.worst_stage_ms,
                  camera.worst_stage_ms / zxing.median_ms, camera.found ? "yes" : "no", photo.median_ms, photo.p99_ms,
                  photo.found ? "yes" : "no", photo.median_ms / zxing.median_ms);
    }
}

// --- frames until found ----------------------------------------------------------------

constexpr int kFramesHeld = 15;
constexpr std::int64_t kMaxCameraPixels = 1920LL * 1080;

std::string file_content(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

// Histogram buckets of frames until found.
constexpr std::array<int, 6> kBucketEnds = {1, 2, 3, 5, 10, kFramesHeld};  // 1, 2, 3, 4-5, 6-10, 11-15; then never
constexpr const char* kBucketNames[] = {"1", "2", "3", "4-5", "6-10", "11-15", "never"};

int bucket_of(int frames) {
  for (std::size_t b = 0; b < kBucketEnds.size(); ++b)
    if (frames <= kBucketEnds[b]) return static_cast<int>(b);
  return static_cast<int>(kBucketEnds.size());
}

struct FolderTally {
  int images = 0;
  int zxing_found = 0;                 // ZXing alone reads it (on any frame: it is deterministic)
  std::array<int, 7> buckets{};        // camera decoder, over images x starting points
  int tries = 0;
  double frames_sum = 0;               // over the tries that found it
  int wrong = 0;                       // tries that read something other than the code
};

// Frames until the camera decoder first reads `expected`, the code coming into view at
// stage `start` of the cycle; kFramesHeld + 1 when never; -1 when it read something else.
int frames_until_found(const GrayImage& image, const std::string& expected, std::size_t start) {
  CameraDecoder decoder;
  const GrayImage empty(image.width(), image.height(), 128);
  for (std::size_t i = 0; i < start; ++i) decoder.decode(empty.view());
  for (int frame = 1; frame <= kFramesHeld; ++frame) {
    const auto codes = decoder.decode(image.view());
    if (codes.empty()) continue;
    return codes.size() == 1 && codes.front().text == expected ? frame : -1;
  }
  return kFramesHeld + 1;
}

void print_frames_until_found(const fs::path& samples) {
  std::printf("\nframes until found: each image up to %lldx%lld held up for %d frames, coming into view at every stage of the\n"
              "camera decoder's cycle; ZXing alone reads an image on its first frame or never\n\n",
              1920LL, 1080LL, kFramesHeld);
  std::printf("%-16s %6s | %11s | ", "folder", "images", "ZXing alone");
  for (const char* name : kBucketNames) std::printf("%6s ", name);
  std::printf("| %5s %5s\n", "mean", "wrong");
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(samples))
    if (entry.is_directory()) folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  FolderTally total;
  for (const fs::path& folder : folders) {
    const bool false_positives = folder.filename() == "falsepositives";
    FolderTally tally;
    std::vector<fs::path> images;
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.path().extension() == ".png" || entry.path().extension() == ".jpg") images.push_back(entry.path());
    std::sort(images.begin(), images.end());
    for (const fs::path& path : images) {
      auto image = load_image(path);
      if (!image || static_cast<std::int64_t>(image->width()) * image->height() > kMaxCameraPixels) continue;
      fs::path text_path = path, bytes_path = path;
      const std::string expected = fs::exists(bytes_path.replace_extension(".bin")) ? file_content(bytes_path)
                                                                                  : file_content(text_path.replace_extension(".txt"));
      ++tally.images;
      const auto zxing = decode_with_zxing_only(image->view());
      if (false_positives ? !zxing.empty() : zxing.size() == 1 && zxing.front().text == expected) ++tally.zxing_found;
      for (std::size_t start = 0; start < CameraDecoder::stages_per_cycle(image->view()); ++start) {
        const int frames = frames_until_found(*image, expected, start);
        ++tally.tries;
        if (frames < 0) {
          ++tally.wrong;
          ++tally.buckets.back();
          continue;
        }
        ++tally.buckets[bucket_of(frames)];
        if (frames <= kFramesHeld) tally.frames_sum += frames;
      }
    }
    if (tally.images == 0) continue;
    // In the false-positives folder every read is wrong: "wrong" counts them, the rest is "never".
    std::printf("%-16s %6d | %11d | ", folder.filename().c_str(), tally.images, tally.zxing_found);
    for (int count : tally.buckets) std::printf("%5.0f%% ", 100.0 * count / tally.tries);
    const int found = tally.tries - tally.buckets.back();
    std::printf("| %5.2f %5d\n", found ? tally.frames_sum / found : 0.0, tally.wrong);
    if (false_positives) continue;
    total.images += tally.images;
    total.zxing_found += tally.zxing_found;
    total.tries += tally.tries;
    total.frames_sum += tally.frames_sum;
    total.wrong += tally.wrong;
    for (std::size_t b = 0; b < total.buckets.size(); ++b) total.buckets[b] += tally.buckets[b];
  }
  std::printf("%-16s %6d | %11d | ", "TOTAL (codes)", total.images, total.zxing_found);
  for (int count : total.buckets) std::printf("%5.0f%% ", 100.0 * count / std::max(total.tries, 1));
  const int found = total.tries - total.buckets.back();
  std::printf("| %5.2f %5d\n", found ? total.frames_sum / found : 0.0, total.wrong);
  std::printf("(ZXing alone reads %.0f%% of these images; the camera decoder %.0f%% of the tries within %d frames)\n",
              100.0 * total.zxing_found / std::max(total.images, 1), 100.0 * found / std::max(total.tries, 1), kFramesHeld);
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 60;
  print_frame_costs(iterations);
  if (argc > 2) print_frames_until_found(argv[2]);
  return 0;
}
