// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/platform/camera_formats.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <tuple>

#include <fmt/format.h>

namespace checkin::platform {

namespace {

constexpr std::array kRankedFormats{
    fourcc("GREY"),
    fourcc("YUYV"), fourcc("YVYU"), fourcc("UYVY"), fourcc("VYUY"),
    fourcc("NV12"), fourcc("NV21"), fourcc("YU12"), fourcc("YV12"), fourcc("NV16"), fourcc("NV61"),
    fourcc("422P"),
    fourcc("MJPG"), fourcc("JPEG"),
};

// videodev2.h's V4L2_PIX_FMT_S{BGGR,GBRG,GRBG,RGGB}{8,10,12,14,16} with their packed (P),
// A-law and DPCM variants, and V4L2_PIX_FMT_PISP_COMP{1,2}_* (Raspberry Pi 5).
constexpr std::array kRawBayerFormats{
    fourcc("BA81"), fourcc("GBRG"), fourcc("GRBG"), fourcc("RGGB"),
    fourcc("BG10"), fourcc("GB10"), fourcc("BA10"), fourcc("RG10"),
    fourcc("pBAA"), fourcc("pGAA"), fourcc("pgAA"), fourcc("pRAA"),
    fourcc("aBA8"), fourcc("aGA8"), fourcc("agA8"), fourcc("aRA8"),
    fourcc("bBA8"), fourcc("bGA8"), fourcc("BD10"), fourcc("bRA8"),
    fourcc("BG12"), fourcc("GB12"), fourcc("BA12"), fourcc("RG12"),
    fourcc("pBCC"), fourcc("pGCC"), fourcc("pgCC"), fourcc("pRCC"),
    fourcc("BG14"), fourcc("GB14"), fourcc("GR14"), fourcc("RG14"),
    fourcc("pBEE"), fourcc("pGEE"), fourcc("pgEE"), fourcc("pREE"),
    fourcc("BYR2"), fourcc("GB16"), fourcc("GR16"), fourcc("RG16"),
    fourcc("PC1R"), fourcc("PC1B"), fourcc("PC1g"), fourcc("PC1G"),
    fourcc("PC2R"), fourcc("PC2B"), fourcc("PC2g"), fourcc("PC2G"),
};

enum class LumaLayout { plane, packed_even, packed_odd, jpeg };

std::optional<LumaLayout> luma_layout(std::uint32_t code) {
  if (code == fourcc("YUYV") || code == fourcc("YVYU")) return LumaLayout::packed_even;
  if (code == fourcc("UYVY") || code == fourcc("VYUY")) return LumaLayout::packed_odd;
  if (code == fourcc("MJPG") || code == fourcc("JPEG")) return LumaLayout::jpeg;
  if (pixel_format_rank(code)) return LumaLayout::plane;
  return std::nullopt;
}

bool within(FrameSize size, const FormatPreferences& preferences) {
  return size.width >= preferences.min_size.width && size.height >= preferences.min_size.height &&
         size.width <= preferences.max_size.width && size.height <= preferences.max_size.height;
}

int snap(int value, int low, int high, int step) {
  value = std::clamp(value, low, high);
  if (step > 1) value = low + (value - low) / step * step;
  return value;
}

// Sizes worth considering from one format's list.
std::vector<FrameSize> candidate_sizes(const CameraFormat& format, const FormatPreferences& preferences,
                                       FrameSize target) {
  std::vector<FrameSize> sizes;
  if (format.sizes.empty() && !format.range) return preferences.sizes.empty() ? std::vector{target} : preferences.sizes;
  sizes = format.sizes;
  if (format.range) {
    const auto& range = *format.range;
    for (const auto& preferred : preferences.sizes)
      if (range.contains(preferred)) sizes.push_back(preferred);
    sizes.push_back({snap(target.width, range.min.width, range.max.width, range.step_width),
                     snap(target.height, range.min.height, range.max.height, range.step_height)});
  }
  return sizes;
}

}  // namespace

std::string fourcc_name(std::uint32_t code) {
  std::string name(4, '?');
  for (int i = 0; i < 4; ++i) {
    const auto c = static_cast<char>((code >> (8 * i)) & 0xff);
    if (c >= 0x20 && c < 0x7f) name[static_cast<std::size_t>(i)] = c;
  }
  return name;
}

std::optional<int> pixel_format_rank(std::uint32_t code) {
  const auto* found = std::find(kRankedFormats.begin(), kRankedFormats.end(), code);
  if (found == kRankedFormats.end()) return std::nullopt;
  return static_cast<int>(found - kRankedFormats.begin());
}

bool is_compressed_format(std::uint32_t code) { return code == fourcc("MJPG") || code == fourcc("JPEG"); }

bool is_raw_bayer_format(std::uint32_t code) {
  return std::find(kRawBayerFormats.begin(), kRawBayerFormats.end(), code) != kRawBayerFormats.end();
}

std::string explain_no_usable_format(std::string_view camera, std::span<const CameraFormat> offered,
                                     const FormatPreferences& preferences) {
  std::string names;
  bool any_usable = false, any_raw = false;
  for (const auto& format : offered) {
    names += (names.empty() ? "" : ", ") + fourcc_name(format.code);
    any_usable = any_usable || pixel_format_rank(format.code).has_value();
    any_raw = any_raw || is_raw_bayer_format(format.code);
  }
  if (!any_usable && any_raw)
    return fmt::format(
        "{} sends only raw sensor data ({}), which libcamera turns into images: a Raspberry Pi camera module. "
        "Install libcamera-v4l2 and start the kiosk through libcamera's V4L2 layer (libcamerify), as "
        "/usr/share/doc/checkin-kiosk/README.md says under \"The Raspberry Pi camera\", or plug in a USB webcam",
        camera, names);
  return fmt::format("{} offers no format we can read at {}x{} to {}x{} (it offers: {})", camera,
                     preferences.min_size.width, preferences.min_size.height, preferences.max_size.width,
                     preferences.max_size.height, names.empty() ? "none" : names);
}

bool FrameSizeRange::contains(FrameSize size) const {
  if (size.width < min.width || size.width > max.width || size.height < min.height || size.height > max.height)
    return false;
  const bool width_on_step = step_width <= 1 || (size.width - min.width) % step_width == 0;
  const bool height_on_step = step_height <= 1 || (size.height - min.height) % step_height == 0;
  return width_on_step && height_on_step;
}

std::optional<FormatChoice> choose_format(std::span<const CameraFormat> offered,
                                          const FormatPreferences& preferences) {
  const FrameSize target = preferences.sizes.empty() ? FrameSize{640, 480} : preferences.sizes.front();
  const double target_area = static_cast<double>(target.width) * target.height;

  // Lower is better, compared in this order.
  using Score = std::tuple<bool /*compressed*/, std::size_t /*preferred index*/, double /*size distance*/,
                           int /*format rank*/>;
  std::optional<std::pair<Score, FormatChoice>> best;
  for (const auto& format : offered) {
    const auto rank = pixel_format_rank(format.code);
    if (!rank) continue;
    for (const auto& size : candidate_sizes(format, preferences, target)) {
      if (!within(size, preferences)) continue;
      const auto preferred = std::find(preferences.sizes.begin(), preferences.sizes.end(), size);
      const auto preferred_index = static_cast<std::size_t>(preferred - preferences.sizes.begin());
      const double distance =
          preferred != preferences.sizes.end()
              ? 0.0
              : std::abs(std::log(static_cast<double>(size.width) * size.height / target_area));
      const Score score{is_compressed_format(format.code), preferred_index, distance, *rank};
      if (!best || score < best->first) best.emplace(score, FormatChoice{format.code, size});
    }
  }
  if (!best) return std::nullopt;
  return best->second;
}

Result<qr::GrayImage> extract_luma(std::span<const std::uint8_t> buffer, const FrameLayout& layout) {
  const auto kind = luma_layout(layout.code);
  if (!kind) return fail(Errc::invalid_input, fmt::format("pixel format {} is not supported", fourcc_name(layout.code)));

  if (*kind == LumaLayout::jpeg) {
    // A frame is never larger than the size the camera agreed to: a JPEG header claiming
    // more is refused before decoding.
    const std::int64_t frame_pixels = static_cast<std::int64_t>(layout.width) * layout.height;
    auto decoded = qr::load_image_from_memory(with_standard_huffman_tables(buffer),
                                              frame_pixels > 0 ? frame_pixels : qr::kMaxImageFilePixels);
    if (!decoded) return fail(Errc::invalid_input, fmt::format("camera sent a bad JPEG frame: {}", decoded.error().message));
    return decoded;
  }

  if (layout.width <= 0 || layout.height <= 0)
    return fail(Errc::invalid_input, fmt::format("frame size {}x{} is not valid", layout.width, layout.height));
  const std::size_t bytes_per_pixel = *kind == LumaLayout::plane ? 1 : 2;
  const std::size_t row_bytes = bytes_per_pixel * static_cast<std::size_t>(layout.width);
  const std::size_t stride = layout.bytes_per_line > 0 ? static_cast<std::size_t>(layout.bytes_per_line) : row_bytes;
  if (stride < row_bytes)
    return fail(Errc::invalid_input,
                fmt::format("{} frame: {} bytes per line is less than {}x{} needs", fourcc_name(layout.code),
                            stride, layout.width, layout.height));
  const std::size_t needed = stride * static_cast<std::size_t>(layout.height - 1) + row_bytes;
  if (buffer.size() < needed)
    return fail(Errc::invalid_input, fmt::format("{} frame is short: {} bytes, {}x{} needs {}",
                                                 fourcc_name(layout.code), buffer.size(), layout.width,
                                                 layout.height, needed));

  qr::GrayImage image(layout.width, layout.height);
  for (int y = 0; y < layout.height; ++y) {
    const std::uint8_t* in = buffer.data() + stride * static_cast<std::size_t>(y);
    std::uint8_t* out = image.row(y);
    switch (*kind) {
      case LumaLayout::plane:
        std::memcpy(out, in, static_cast<std::size_t>(layout.width));
        break;
      case LumaLayout::packed_even:
        for (int x = 0; x < layout.width; ++x) out[x] = in[2 * x];
        break;
      case LumaLayout::packed_odd:
        for (int x = 0; x < layout.width; ++x) out[x] = in[2 * x + 1];
        break;
      case LumaLayout::jpeg:
        break;
    }
  }
  return image;
}

namespace {

// JPEG Annex K.3: the standard Huffman tables, as one DHT segment.
std::vector<std::uint8_t> standard_dht_segment() {
  static constexpr std::uint8_t dc_luminance_counts[16] = {0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
  static constexpr std::uint8_t dc_chrominance_counts[16] = {0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
  static constexpr std::uint8_t dc_values[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  static constexpr std::uint8_t ac_luminance_counts[16] = {0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d};
  static constexpr std::uint8_t ac_luminance_values[162] = {
      0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71,
      0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72,
      0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37,
      0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
      0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83,
      0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3,
      0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
      0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
      0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa};
  static constexpr std::uint8_t ac_chrominance_counts[16] = {0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77};
  static constexpr std::uint8_t ac_chrominance_values[162] = {
      0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22,
      0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1,
      0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36,
      0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
      0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a,
      0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a,
      0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba,
      0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
      0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa};

  // DHT marker, then a length that counts itself and the tables, filled in at the end.
  std::vector<std::uint8_t> segment{0xff, 0xc4, 0x00, 0x00};
  auto add = [&](std::uint8_t class_and_id, std::span<const std::uint8_t> counts, std::span<const std::uint8_t> values) {
    segment.push_back(class_and_id);
    for (auto count : counts) segment.push_back(count);
    for (auto value : values) segment.push_back(value);
  };
  add(0x00, dc_luminance_counts, dc_values);
  add(0x10, ac_luminance_counts, ac_luminance_values);
  add(0x01, dc_chrominance_counts, dc_values);
  add(0x11, ac_chrominance_counts, ac_chrominance_values);
  const std::size_t length = segment.size() - 2;
  segment[2] = static_cast<std::uint8_t>(length >> 8);
  segment[3] = static_cast<std::uint8_t>(length & 0xff);
  return segment;
}

}  // namespace

std::vector<std::uint8_t> with_standard_huffman_tables(std::span<const std::uint8_t> jpeg) {
  const bool starts_with_soi = jpeg.size() >= 4 && jpeg[0] == 0xff && jpeg[1] == 0xd8;
  if (!starts_with_soi || !qr::jpeg_lacks_huffman_tables(jpeg)) return {jpeg.begin(), jpeg.end()};
  static const std::vector<std::uint8_t> dht = standard_dht_segment();
  std::vector<std::uint8_t> fixed;
  fixed.reserve(jpeg.size() + dht.size());
  fixed.insert(fixed.end(), jpeg.begin(), jpeg.begin() + 2);
  fixed.insert(fixed.end(), dht.begin(), dht.end());
  fixed.insert(fixed.end(), jpeg.begin() + 2, jpeg.end());
  return fixed;
}

}  // namespace checkin::platform
