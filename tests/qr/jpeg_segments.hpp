// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// JPEG files taken apart for the tests of qr::jpeg_lacks_huffman_tables and the camera's
// MJPEG path.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace checkin::testing {

// Drops every DHT segment, as many UVC webcams do in their MJPEG frames.
inline std::vector<std::uint8_t> without_huffman_tables(const std::vector<std::uint8_t>& jpeg) {
  std::vector<std::uint8_t> out(jpeg.begin(), jpeg.begin() + 2);
  std::size_t pos = 2;
  while (pos + 4 <= jpeg.size() && jpeg[pos] == 0xff && jpeg[pos + 1] != 0xda) {
    const std::size_t length = static_cast<std::size_t>(jpeg[pos + 2]) << 8 | jpeg[pos + 3];
    if (jpeg[pos + 1] != 0xc4) out.insert(out.end(), jpeg.begin() + static_cast<long>(pos), jpeg.begin() + static_cast<long>(pos + 2 + length));
    pos += 2 + length;
  }
  out.insert(out.end(), jpeg.begin() + static_cast<long>(pos), jpeg.end());
  return out;
}

// Where the first scan (its SOS marker) starts, or the size if there is none.
inline std::size_t first_scan(const std::vector<std::uint8_t>& jpeg) {
  for (std::size_t pos = 2; pos + 1 < jpeg.size(); ++pos)
    if (jpeg[pos] == 0xff && jpeg[pos + 1] == 0xda) return pos;
  return jpeg.size();
}

}  // namespace checkin::testing
