// SPDX-License-Identifier: AGPL-3.0-or-later
// The image loaders (kiosk/qr image.hpp) behind `checkin decode` and the replay camera: PNG,
// JPEG and PGM files from anywhere. Never a crash, never more pixels than the limit.
#include <cstddef>
#include <cstdint>
#include <span>

#include "checkin/qr/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Small limits keep each input quick; the header check is the same for any limit.
  constexpr std::int64_t kLimit = 1'000'000;
  auto image = checkin::qr::load_image_from_memory(std::span<const std::uint8_t>(data, size), kLimit);
  if (image && static_cast<std::int64_t>(image->width()) * image->height() > kLimit) __builtin_trap();
  return 0;
}
