// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// What the sample folders of qr_generate_samples share: real passes to encode, a folder
// that writes each image beside its expected text, and the look of a typical camera.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "checkin/core/pass.hpp"
#include "checkin/qr/encode.hpp"
#include "checkin/qr/image.hpp"
#include "synthetic_images.hpp"

namespace checkin::qr::samples {

using namespace checkin::qr::synth;
namespace fs = std::filesystem;

// Real signed passes from a fixed key, so the images carry exactly what a kiosk sees.
class PassIssuer {
 public:
  explicit PassIssuer(std::uint64_t seed) : random_(seed) {
    key_ = std::move(*checkin::SigningKey::from_text(
        "checkin-ed25519-seed-v1 1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988"));
  }

  std::string next() {
    std::string pass_id;
    for (int i = 0; i < 2; ++i) pass_id += fmt::format("{:016x}", random_.next());
    const auto expires = checkin::WallTime{std::chrono::seconds{1'900'000'000}};
    return *checkin::issue_pass(key_, pass_id, expires);
  }

 private:
  Random random_;
  checkin::SigningKey key_;
};

inline QrMatrix encoded(const std::string& text) {
  auto matrix = encode(text);
  if (!matrix) throw std::runtime_error("cannot encode sample text: " + matrix.error().message);
  return std::move(*matrix);
}

class Folder {
 public:
  Folder(const fs::path& root, const std::string& name) : dir_(root / name) { fs::create_directories(dir_); }

  // Lossless PNG, or JPEG at the given quality (1..100) as a phone or webcam saves it.
  // The expected text is written beside it as .txt (UTF-8, as `checkin decode` prints
  // it); when the code's exact bytes differ (another character set, binary data), they
  // go beside it as .bin.
  void add(const GrayImage& image, const std::string& expected_text, int jpeg_quality = 0,
           const std::string& expected_bytes = {}) {
    const std::string name = fmt::format("{:03}", count_++);
    auto bytes = jpeg_quality > 0 ? encode_jpeg(image.view(), jpeg_quality) : encode_png(image.view());
    if (!bytes) throw std::runtime_error(bytes.error().message);
    std::ofstream(dir_ / (name + (jpeg_quality > 0 ? ".jpg" : ".png")), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
    if (!expected_text.empty()) std::ofstream(dir_ / (name + ".txt"), std::ios::binary) << expected_text;
    if (!expected_bytes.empty() && expected_bytes != expected_text)
      std::ofstream(dir_ / (name + ".bin"), std::ios::binary) << expected_bytes;
  }

 private:
  fs::path dir_;
  int count_ = 0;
};

// What every camera adds: a little lens blur, sensor noise, rounding to 8 bits.
inline GrayImage camera(Canvas scene, Random& random, double blur_sigma = 0.6, double noise_sigma = 3) {
  gaussian_blur(scene, blur_sigma);
  add_sensor_noise(scene, random, noise_sigma);
  return scene.to_gray();
}

inline Vec2 centre_of(const Canvas& canvas) { return Vec2{canvas.width / 2.0, canvas.height / 2.0}; }

// A code on paper, a printed card or a phone, chosen at random.
inline Document some_carrier(const QrMatrix& matrix, Random& random) {
  switch (random.integer(0, 2)) {
    case 0: return code_document(matrix, static_cast<float>(random.uniform(10, 50)), static_cast<float>(random.uniform(200, 250)));
    case 1: return card_document(matrix, random);
    default: {
      PhoneLook look;
      look.pixel_gap = 0;  // the screen grid only matters in the moire folder
      return phone_document(matrix, look);
    }
  }
}

}  // namespace checkin::qr::samples
