// SPDX-License-Identifier: AGPL-3.0-or-later
// Which Huffman tables a JPEG defines before the scans that use them, and whether a PNG's
// first image data is empty: files stb_image mishandles (image.hpp says why).
// The walk is at least as forgiving as stb_image's own: it skips bytes that are not a marker
// and reads missing bytes at the end as 0, so a file cannot slip a scan past it.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "checkin/qr/image.hpp"

namespace checkin::qr {

namespace {

constexpr std::uint8_t kStartOfImage = 0xd8, kEndOfImage = 0xd9, kStartOfScan = 0xda;
constexpr std::uint8_t kDefineHuffmanTables = 0xc4;
constexpr std::uint8_t kBaselineFrame = 0xc0, kExtendedFrame = 0xc1, kProgressiveFrame = 0xc2;

}  // namespace

bool png_starts_with_empty_image_data(std::span<const std::uint8_t> png) {
  static constexpr std::array<std::uint8_t, 8> kSignature{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (png.size() < kSignature.size() || !std::equal(kSignature.begin(), kSignature.end(), png.begin())) return false;
  std::size_t pos = kSignature.size();
  while (pos + 8 <= png.size()) {  // length (4), type (4), data, CRC (4)
    const std::uint32_t length = std::uint32_t{png[pos]} << 24 | std::uint32_t{png[pos + 1]} << 16 |
                                 std::uint32_t{png[pos + 2]} << 8 | std::uint32_t{png[pos + 3]};
    if (png[pos + 4] == 'I' && png[pos + 5] == 'D' && png[pos + 6] == 'A' && png[pos + 7] == 'T') return length == 0;
    if (length > png.size()) return false;  // damaged: the decoder says so
    pos += 12 + length;
  }
  return false;
}

bool jpeg_lacks_huffman_tables(std::span<const std::uint8_t> jpeg) {
  if (jpeg.size() < 2 || jpeg[0] != 0xff || jpeg[1] != kStartOfImage) return false;
  const auto byte = [&jpeg](std::size_t at) -> unsigned { return at < jpeg.size() ? jpeg[at] : 0; };
  std::array<bool, 8> defined{};  // DC tables 0..3, then AC tables 0..3
  bool frame_seen = false, progressive = false;
  std::size_t pos = 2;
  while (pos + 1 < jpeg.size()) {
    const unsigned marker = jpeg[pos + 1];
    if (jpeg[pos] != 0xff || marker == 0xff || marker == 0 || (marker >= 0xd0 && marker <= 0xd7)) {
      ++pos;  // not a marker (garbage, fill bytes, stuffed bytes or restarts in scan data)
      continue;
    }
    if (marker == kEndOfImage) return false;
    const std::size_t length = byte(pos + 2) << 8 | byte(pos + 3);
    const std::size_t start = pos + 4;
    pos += 2 + std::max<std::size_t>(length, 2);

    if (!frame_seen && (marker == kBaselineFrame || marker == kExtendedFrame || marker == kProgressiveFrame)) {
      frame_seen = true;  // the decoder takes the first frame header only
      progressive = marker == kProgressiveFrame;
    } else if (marker == kDefineHuffmanTables) {
      // Each table: class (0 DC, 1 AC) and id in one byte, 16 code counts, the values.
      for (std::size_t at = start; at + 17 <= start + length - 2 && at < jpeg.size();) {
        const unsigned table_class = byte(at) >> 4, id = byte(at) & 0x0f;
        std::size_t values = 0;
        for (std::size_t i = 1; i <= 16; ++i) values += byte(at + i);
        if (table_class <= 1 && id <= 3) defined[table_class * 4 + id] = true;
        at += 17 + values;
      }
    } else if (marker == kStartOfScan) {
      // Component count, then per component its id and DC/AC table ids; then the spectral
      // selection start (Ss), its end and the successive approximation (Ah/Al).
      const std::size_t components = byte(start);
      if (components < 1 || components > 4) return false;  // the decoder refuses the scan
      const unsigned spectral_start = byte(start + 1 + 2 * components);
      const unsigned refining = byte(start + 1 + 2 * components + 2) >> 4;
      // Baseline scans decode with both tables; progressive ones with the DC table (first DC
      // scan) or the AC table (AC scans); a DC refinement needs none.
      const bool uses_dc = !progressive || (spectral_start == 0 && refining == 0);
      const bool uses_ac = !progressive || spectral_start != 0;
      for (std::size_t c = 0; c < components; ++c) {
        const unsigned dc = byte(start + 2 + 2 * c) >> 4, ac = byte(start + 2 + 2 * c) & 0x0f;
        if (uses_dc && dc <= 3 && !defined[dc]) return true;
        if (uses_ac && ac <= 3 && !defined[4 + ac]) return true;
      }
    }
  }
  return false;
}

}  // namespace checkin::qr
