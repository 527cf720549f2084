// SPDX-License-Identifier: AGPL-3.0-or-later
// Blackbox test of the decode pipeline on the generated sample folders (zxing-cpp's
// style): every image beside its expected text, a minimum number of passes per folder,
// and a `falsepositives` folder where passing means decoding nothing.
//
// For each folder it prints how many images ZXing alone, zbar alone and the pipeline
// (camera_frame and photo effort) decode: the evidence that the pipeline earns its keep.
// Only the photo-effort count is checked against the threshold; nothing is timed.
//
//   qr_blackbox_runner <samples-dir> <thresholds-file> [folder...]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "checkin/qr/decode.hpp"
#include "checkin/qr/image.hpp"

namespace fs = std::filesystem;
using namespace checkin::qr;

namespace {

constexpr std::string_view kFalsePositivesFolder = "falsepositives";

struct Threshold {
  std::string folder;
  int min_passes = 0;
};

// "folder min_passes [min_passes_on_zxing_2]" per line; '#' starts a comment. The third
// column, where there is one, holds on ZXing-cpp 2.x (Debian 13), which reads more.
std::vector<Threshold> read_thresholds(const fs::path& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path.string());
  std::vector<Threshold> thresholds;
  for (std::string line; std::getline(file, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream fields(line);
    Threshold threshold;
    if (!(fields >> threshold.folder >> threshold.min_passes)) continue;
    if (int on_zxing_2 = 0; zxing_major_version() >= 2 && fields >> on_zxing_2) threshold.min_passes = on_zxing_2;
    thresholds.push_back(threshold);
  }
  return thresholds;
}

struct Sample {
  fs::path image;
  std::string expected;        // the text in UTF-8 (.txt); empty in the false-positives folder
  std::string expected_bytes;  // the code's exact bytes (.bin where they differ from the text)
};

std::string file_content(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  if (file) content << file.rdbuf();
  return content.str();
}

std::vector<Sample> samples_in(const fs::path& folder) {
  std::vector<Sample> samples;
  for (const auto& entry : fs::directory_iterator(folder)) {
    const auto extension = entry.path().extension();
    if (extension != ".png" && extension != ".jpg" && extension != ".pgm") continue;
    Sample sample{entry.path(), {}, {}};
    fs::path path = entry.path();
    sample.expected = file_content(path.replace_extension(".txt"));
    sample.expected_bytes = fs::exists(path.replace_extension(".bin")) ? file_content(path) : sample.expected;
    samples.push_back(std::move(sample));
  }
  std::sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) { return a.image < b.image; });
  return samples;
}

enum Decoder { zxing_alone, zbar_alone, camera_effort, photo_effort, decoder_count };
constexpr const char* kDecoderNames[] = {"ZXing alone", "zbar alone", "pipeline camera", "pipeline photo"};

std::vector<DecodedCode> run_decoder(Decoder decoder, ImageView image) {
  switch (decoder) {
    case zxing_alone: return decode_with_zxing_only(image);
    case zbar_alone: return decode_with_zbar_only(image);
    case camera_effort: return decode(image, {.effort = Effort::camera_frame});
    default: return decode(image, {.effort = Effort::photo});
  }
}

struct Outcome {
  bool passed[decoder_count] = {};
  double seconds[decoder_count] = {};
  std::string found_by;         // photo-effort stage that found the expected code
  std::string camera_found_by;  // the same for camera effort
  std::string problem;   // why the photo-effort pipeline failed, if it did
};

// A sample passes when the expected code is the one code found, with its exact bytes and
// its text (a misread is worse than no read); a false-positive sample when nothing is found.
Outcome check(const Sample& sample) {
  Outcome outcome;
  auto image = load_image(sample.image);
  if (!image) {
    outcome.problem = "cannot load: " + image.error().message;
    return outcome;
  }
  for (int d = 0; d < decoder_count; ++d) {
    const auto started = std::chrono::steady_clock::now();
    const auto codes = run_decoder(static_cast<Decoder>(d), image->view());
    outcome.seconds[d] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const bool expected_only = codes.size() == 1 && codes.front().text == sample.expected_bytes &&
                               codes.front().utf8_text == sample.expected;
    outcome.passed[d] = sample.expected.empty() ? codes.empty() : expected_only;
    if (d == camera_effort && outcome.passed[d] && !codes.empty()) outcome.camera_found_by = codes.front().found_by;
    if (d != photo_effort) continue;
    if (outcome.passed[d] && !codes.empty()) outcome.found_by = codes.front().found_by;
    if (!outcome.passed[d])
      outcome.problem = codes.empty() ? "nothing found"
                        : codes.size() == 1 && codes.front().text == sample.expected_bytes
                            ? fmt::format("right bytes, but the text reads '{:.60}'", codes.front().utf8_text)
                            : fmt::format("read {} code(s), e.g. '{:.40}'", codes.size(), codes.front().utf8_text);
  }
  return outcome;
}

// Checks the samples on all cores (the test budget is wall-clock time).
std::vector<Outcome> check_all(const std::vector<Sample>& samples) {
  std::vector<Outcome> outcomes(samples.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < samples.size(); i = next++) outcomes[i] = check(samples[i]);
  };
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(worker);
  worker();
  for (auto& helper : helpers) helper.join();
  return outcomes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <samples-dir> <thresholds-file> [folder...]\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  std::vector<Threshold> thresholds;
  try {
    thresholds = read_thresholds(argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  const std::vector<std::string> only(argv + 3, argv + argc);

  bool all_passed = true;
  int totals[decoder_count] = {};  // over the folders with codes in them
  std::size_t total_images = 0;
  std::printf("ZXing-cpp %d\n", zxing_major_version());
  std::printf("%-16s %6s | %11s %11s %15s %15s | %9s\n", "folder", "images", kDecoderNames[0], kDecoderNames[1],
              kDecoderNames[2], kDecoderNames[3], "threshold");
  for (const Threshold& threshold : thresholds) {
    if (!only.empty() && std::find(only.begin(), only.end(), threshold.folder) == only.end()) continue;
    const fs::path folder = root / threshold.folder;
    if (!fs::is_directory(folder)) {
      std::printf("%-16s missing folder %s\n", threshold.folder.c_str(), folder.string().c_str());
      all_passed = false;
      continue;
    }
    const auto samples = samples_in(folder);
    const auto outcomes = check_all(samples);

    int passes[decoder_count] = {};
    double seconds[decoder_count] = {};
    std::map<std::string, int> stages, camera_stages;
    for (const Outcome& outcome : outcomes)
      for (int d = 0; d < decoder_count; ++d) {
        passes[d] += outcome.passed[d];
        seconds[d] += outcome.seconds[d];
        if (d == photo_effort && !outcome.found_by.empty()) ++stages[outcome.found_by];
        if (d == camera_effort && !outcome.camera_found_by.empty()) ++camera_stages[outcome.camera_found_by];
      }
    if (threshold.folder != kFalsePositivesFolder) {
      for (int d = 0; d < decoder_count; ++d) totals[d] += passes[d];
      total_images += samples.size();
    }
    const bool folder_passed = passes[photo_effort] >= threshold.min_passes;
    all_passed = all_passed && folder_passed;
    std::printf("%-16s %6zu | %11d %11d %15d %15d | %6d %s\n", threshold.folder.c_str(), samples.size(),
                passes[zxing_alone], passes[zbar_alone], passes[camera_effort], passes[photo_effort],
                threshold.min_passes, folder_passed ? "ok" : "FAILED");
    std::printf("%-16s %6s   decode time, mean ms per image: %.1f / %.1f / %.1f / %.1f\n", "", "",
                1000 * seconds[0] / std::max<std::size_t>(samples.size(), 1), 1000 * seconds[1] / std::max<std::size_t>(samples.size(), 1),
                1000 * seconds[2] / std::max<std::size_t>(samples.size(), 1), 1000 * seconds[3] / std::max<std::size_t>(samples.size(), 1));
    for (const auto& [label, counts] : {std::pair{"photo", &stages}, std::pair{"camera", &camera_stages}}) {
      std::string stage_list;
      for (const auto& [stage, count] : *counts) stage_list += fmt::format(" {}={}", stage, count);
      if (threshold.folder != kFalsePositivesFolder) std::printf("%-16s %6s   %s found by:%s\n", "", "", label, stage_list.c_str());
    }
    for (std::size_t i = 0; i < samples.size(); ++i)
      if (!outcomes[i].passed[photo_effort])
        std::printf("%-16s %6s   not passed: %s (%s)\n", "", "", samples[i].image.filename().string().c_str(),
                    outcomes[i].problem.c_str());
  }
  if (total_images > 0)
    std::printf("%-16s %6zu | %11d %11d %15d %15d |  (all folders with codes)\n", "TOTAL", total_images,
                totals[zxing_alone], totals[zbar_alone], totals[camera_effort], totals[photo_effort]);
  return all_passed ? 0 : 1;
}
