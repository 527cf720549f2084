// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The pure part of talking to cameras: which of the formats a camera offers to ask for,
// and how to get 8-bit luma out of the buffers it fills. No device access here, so all of
// it is tested without a camera.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/error.hpp"
#include "checkin/qr/image.hpp"

namespace checkin::platform {

// A V4L2 pixel format code, e.g. fourcc("YUYV").
constexpr std::uint32_t fourcc(const char (&code)[5]) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(code[0])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(code[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(code[2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(code[3])) << 24;
}

// "YUYV"; unprintable bytes as '?'.
std::string fourcc_name(std::uint32_t code);

// Formats we can take luma from, best first:
//   GREY (luma already);
//   YUYV, YVYU, UYVY, VYUY (packed 4:2:2: every other byte is luma);
//   NV12, NV21, YU12 (I420), YV12, NV16, NV61, 422P (planar: the first plane is luma);
//   MJPG, JPEG (decoded; costs CPU, so only when nothing else fits).
// Returns the position in that list, or nullopt for a format we cannot use.
std::optional<int> pixel_format_rank(std::uint32_t code);
bool is_compressed_format(std::uint32_t code);

// Raw sensor data: Bayer mosaics of 8 to 16 bits, packed or not, and the Raspberry Pi 5's
// compressed ones, as the CSI-2 receiver behind a Raspberry Pi camera module delivers them.
// Not an image yet: the image signal processor makes one, and libcamera drives it.
bool is_raw_bayer_format(std::uint32_t code);

struct FrameSize {
  int width = 0;
  int height = 0;
  friend bool operator==(const FrameSize&, const FrameSize&) = default;
};

// V4L2_FRMSIZE_TYPE_STEPWISE / CONTINUOUS (continuous = steps of 1).
struct FrameSizeRange {
  FrameSize min;
  FrameSize max;
  int step_width = 1;
  int step_height = 1;
  bool contains(FrameSize size) const;
};

// One pixel format as a camera lists it (VIDIOC_ENUM_FMT + VIDIOC_ENUM_FRAMESIZES).
struct CameraFormat {
  std::uint32_t code = 0;
  std::vector<FrameSize> sizes;         // discrete sizes
  std::optional<FrameSizeRange> range;  // stepwise or continuous sizes
  // Neither sizes nor range: the driver did not say; we ask for a preferred size and take
  // what the driver sets.
};

struct FormatPreferences {
  // Best first. The first is also the target when a camera offers none of them.
  std::vector<FrameSize> sizes{{1280, 720}, {640, 480}};
  FrameSize min_size{320, 240};    // smaller frames do not show a phone's QR code well
  FrameSize max_size{1920, 1080};  // larger ones cost decode time for nothing
};

struct FormatChoice {
  std::uint32_t code = 0;
  FrameSize size;
  friend bool operator==(const FormatChoice&, const FormatChoice&) = default;
};

// Picks what to ask the camera for:
//   1. an uncompressed format if any fits the size bounds (MJPEG only as a last resort);
//   2. then the size: a preferred size, in order of preference; otherwise the size closest
//      in pixel count to the first preferred one;
//   3. then the format's rank above (GREY before YUYV before NV12 ...).
// nullopt when no usable format has a size within min_size..max_size.
std::optional<FormatChoice> choose_format(std::span<const CameraFormat> offered,
                                          const FormatPreferences& preferences = {});

// Why choose_format found nothing in what `camera` (e.g. "camera /dev/video0 (unicam)")
// offers, for the log a volunteer reads: the formats offered and the size bounds; for a
// camera that sends only raw Bayer data, how to reach it through libcamera instead.
std::string explain_no_usable_format(std::string_view camera, std::span<const CameraFormat> offered,
                                     const FormatPreferences& preferences);

// How a captured buffer is laid out (what VIDIOC_S_FMT answered).
struct FrameLayout {
  std::uint32_t code = 0;
  int width = 0;
  int height = 0;
  int bytes_per_line = 0;  // of the luma plane; 0 means tightly packed
};

// The luma of one captured buffer. A buffer shorter than the layout needs, an unknown
// format or a corrupt JPEG is an error value.
Result<qr::GrayImage> extract_luma(std::span<const std::uint8_t> buffer, const FrameLayout& layout);

// Many UVC webcams send MJPEG frames without Huffman tables (the "AVI1" convention: the
// decoder is expected to know the standard tables from JPEG Annex K.3). Returns the frame
// with those tables inserted after the SOI marker (tables it defines itself come later and
// win), or unchanged if it defines every table it uses (qr::jpeg_lacks_huffman_tables).
std::vector<std::uint8_t> with_standard_huffman_tables(std::span<const std::uint8_t> jpeg);

}  // namespace checkin::platform
