// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/qr/decode.hpp"

#include <algorithm>
#include <cmath>
#include <new>
#include <string>
#include <utility>

#include "image_ops.hpp"
#include "readers.hpp"

namespace checkin::qr {

namespace {

using detail::ZxingBinarizer;
using detail::ZxingSettings;

// Frames smaller than this hold no readable QR code (a version 1 code needs at least
// 21 modules of one pixel).
constexpr int kMinFrameSide = 21;

// Photos are also searched at these smaller sizes (long side, pixels), each used when
// the photo is at least half as large again, smallest first (cheapest, and codes in
// photos are usually large): a code that fills a 4000-pixel photo has modules tens of
// pixels wide, and averaging pixels down removes sensor noise and screen moire.
constexpr int kWorkingSizes[] = {400, 800, 1600, 3200};

bool applies(int working_size, int frame_side) { return frame_side >= working_size * 3 / 2; }

// zbar is slow on large images (about a second on 12 megapixels) and gains nothing from
// the detail, so it reads copies no larger than this.
constexpr int kZbarMaxSide = 1600;

// Enlarging doubles each side; worth it for frames up to this size, where small codes
// have modules of two or three pixels.
constexpr int kDoubleMaxSide = 1600;

// Camera frames are halved (a 2x2 mean, much cheaper than resampling) from this size up:
// below it, halving leaves too few pixels a module for the codes a kiosk camera sees.
constexpr int kHalveMinSide = 1000;

enum class Preparation {
  none,
  equalized,  // CLAHE: shadows, gradients, glare halos, low contrast
  smoothed,   // light blur: sensor noise, screen moire, JPEG blocks, fabric weave
  smoothed_3x3,  // the same, cheaper (camera frames)
  inverted,   // light modules on dark
  sharpened,  // unsharp mask: soft focus, motion
  padded,     // white border: a code held so close that it touches the frame edge
  mirrored,   // left-right flip: selfie cameras, mirrored previews
  doubled,    // 2x bilinear: small modules; smooths noise; finer local thresholds
  doubled_equalized,  // both: small codes in shadow or on a low-contrast print
};

enum class Reader {
  zxing_defaults,  // ZXing as it reads on its own (the baseline, and stage 1)
  zxing,           // ZXing's local binarizer, no inversion
  zxing_global,    // ZXing's per-row histogram threshold
  zxing_fixed,     // a fixed threshold: on an equalised copy, where mid-grey is the threshold
  zxing_single_scale,  // no image pyramid: the cheap read of a padded or prepared frame
  zbar,
};

// The scale a stage reads the frame at.
inline constexpr int kFrameSize = 0;   // the frame as it is
inline constexpr int kHalvedSize = -1;  // halved (camera frames)

struct Stage {
  std::string name;
  int size = kFrameSize;  // kFrameSize, kHalvedSize or a long side in pixels
  Preparation preparation = Preparation::none;
  Reader reader = Reader::zxing;
};

ZxingSettings settings_for(Reader reader) {
  switch (reader) {
    case Reader::zxing_defaults: return detail::zxing_library_defaults();
    case Reader::zxing_global: return ZxingSettings{.binarizer = ZxingBinarizer::global_histogram};
    case Reader::zxing_fixed: return ZxingSettings{.binarizer = ZxingBinarizer::fixed_threshold};
    case Reader::zxing_single_scale: return ZxingSettings{.try_downscale = false};
    default: return ZxingSettings{};
  }
}

// The cheap stages a live camera frame cycles through, one per frame (CameraDecoder), each
// costing at most about one and a half times ZXing's own reading of that frame; the
// halved copies cost a quarter of that to read, so they carry the preparations.
std::vector<Stage> camera_stages(int frame_side) {
  std::vector<Stage> stages = {{"zxing", kFrameSize, Preparation::none, Reader::zxing_defaults}};
  if (frame_side >= kHalveMinSide) {
    stages.push_back({"zxing+halved+equalized", kHalvedSize, Preparation::equalized, Reader::zxing_single_scale});
    stages.push_back({"zxing+padded", kFrameSize, Preparation::padded, Reader::zxing_single_scale});
    stages.push_back({"zxing-global+halved+smoothed-3x3", kHalvedSize, Preparation::smoothed_3x3, Reader::zxing_global});
    stages.push_back({"zxing-global+smoothed-3x3", kFrameSize, Preparation::smoothed_3x3, Reader::zxing_global});
  } else {
    stages.push_back({"zxing-global+smoothed-3x3", kFrameSize, Preparation::smoothed_3x3, Reader::zxing_global});
    stages.push_back({"zxing+padded", kFrameSize, Preparation::padded, Reader::zxing_single_scale});
    stages.push_back({"zxing+halved+equalized", kHalvedSize, Preparation::equalized, Reader::zxing_single_scale});
  }
  if (!detail::zxing_features().reads_inverted)
    stages.push_back({"zxing+inverted", kFrameSize, Preparation::inverted, Reader::zxing});
  return stages;
}

// Every stage for a photo, in order: cheap and likely first, zbar last.
std::vector<Stage> photo_stages(int frame_side) {
  const auto features = detail::zxing_features();
  std::vector<Stage> stages = {{"zxing", kFrameSize, Preparation::none, Reader::zxing_defaults}};
  auto add_preparations = [&](int size, const std::string& tag) {
    stages.push_back({"zxing" + tag + "+equalized", size, Preparation::equalized, Reader::zxing});
    stages.push_back({"zxing-global" + tag + "+smoothed", size, Preparation::smoothed, Reader::zxing_global});
    if (!features.reads_inverted) stages.push_back({"zxing" + tag + "+inverted", size, Preparation::inverted, Reader::zxing});
  };
  // Smaller working sizes: several times cheaper than the full size, and averaging
  // pixels down reads large, noisy, blurred and moire-striped codes best. Sharpening is
  // tried only here: at full size it found nothing the others missed.
  for (int size : kWorkingSizes) {
    if (!applies(size, frame_side)) continue;
    stages.push_back({"zxing+downscaled", size, Preparation::none, Reader::zxing});
    add_preparations(size, "+downscaled");
    stages.push_back({"zxing+downscaled+sharpened", size, Preparation::sharpened, Reader::zxing});
  }
  // Cheap fixes for common problems at the frame's own size.
  stages.push_back({"zxing+padded", kFrameSize, Preparation::padded, Reader::zxing});
  add_preparations(kFrameSize, "");
  // The global threshold on the frame as it is, and after lighter smoothing, keeps the
  // modules of small codes in large photos; a fixed threshold on the equalised copy reads
  // codes whose local contrast ZXing's binarizer finds too low.
  stages.push_back({"zxing-global", kFrameSize, Preparation::none, Reader::zxing_global});
  stages.push_back({"zxing-global+smoothed-3x3", kFrameSize, Preparation::smoothed_3x3, Reader::zxing_global});
  stages.push_back({"zxing-fixed+equalized", kFrameSize, Preparation::equalized, Reader::zxing_fixed});
  if (frame_side <= kDoubleMaxSide) {
    stages.push_back({"zxing+doubled", kFrameSize, Preparation::doubled, Reader::zxing});
    stages.push_back({"zxing+doubled+equalized", kFrameSize, Preparation::doubled_equalized, Reader::zxing});
  }
  // zbar reads mirror images too, but ZXing on a flipped copy does it many times faster
  // (ZXing-cpp 2.x reads most of them on its own, not all).
  stages.push_back({"zxing+mirrored", kFrameSize, Preparation::mirrored, Reader::zxing});
  // zbar, a second opinion with a different detector, at a size it reads quickly.
  const int zbar_size = frame_side > kZbarMaxSide ? kZbarMaxSide : kFrameSize;
  stages.push_back({"zbar", zbar_size, Preparation::none, Reader::zbar});
  stages.push_back({"zbar+equalized", zbar_size, Preparation::equalized, Reader::zbar});
  return stages;
}

// A copy of the frame at some scale, and the factor from its coordinates to the frame's.
struct ScaledImage {
  GrayImage owned;  // empty when `view` is the frame itself
  ImageView view;
  double to_frame = 1.0;
  int offset = 0;         // border added around the scaled frame, in this image's pixels
  bool mirrored = false;  // left and right exchanged
};

class Pipeline {
 public:
  Pipeline(ImageView frame, const DecodeOptions& options) : frame_(frame), options_(options) {}

  // Runs the stages in order up to the first that finds something.
  std::vector<DecodedCode> run(const std::vector<Stage>& stages) {
    for (const Stage& stage : stages)
      if (attempt(stage)) break;
    return std::move(found_);
  }

 private:
  // The frame at a stage's size, made once per decode and kept for the stages after.
  const ScaledImage& scaled(int size) {
    for (const auto& [known_size, image] : scales_)
      if (known_size == size) return image;
    ScaledImage image;
    if (size == kFrameSize) {
      image.view = frame_;
    } else {
      image.owned = size == kHalvedSize
                        ? detail::halved(frame_)
                        : detail::resized(frame_, std::max(1, static_cast<int>(std::lround(static_cast<double>(frame_.width) * size / frame_side()))),
                                          std::max(1, static_cast<int>(std::lround(static_cast<double>(frame_.height) * size / frame_side()))));
      image.view = image.owned.view();
      image.to_frame = static_cast<double>(frame_.width) / image.owned.width();
    }
    scales_.emplace_back(size, std::move(image));
    return scales_.back().second;
  }

  int frame_side() const { return std::max(frame_.width, frame_.height); }

  // The image a stage reads: a scale of the frame, prepared. Made afresh for each stage
  // and dropped after it, so a large photo never holds more than one prepared copy.
  ScaledImage prepared(int size, Preparation preparation) {
    const ScaledImage& source = scaled(size);
    ScaledImage result;
    result.view = source.view;
    result.to_frame = source.to_frame;
    switch (preparation) {
      case Preparation::none: return result;
      case Preparation::equalized: result.owned = detail::equalized_locally(source.view, 64, 3.0); break;
      case Preparation::smoothed: result.owned = detail::blurred(source.view, 1); break;
      case Preparation::smoothed_3x3: result.owned = detail::smoothed(source.view); break;
      case Preparation::inverted: result.owned = detail::inverted(source.view); break;
      case Preparation::mirrored:
        result.owned = detail::mirrored(source.view);
        result.mirrored = true;
        break;
      case Preparation::sharpened: result.owned = detail::sharpened(source.view, 2, 1.5); break;
      case Preparation::padded: {
        const int border = std::max(8, std::max(source.view.width, source.view.height) / 16);
        result.owned = detail::padded(source.view, border, 255);
        result.offset = border;
        break;
      }
      case Preparation::doubled:
      case Preparation::doubled_equalized:
        result.owned = detail::resized(source.view, source.view.width * 2, source.view.height * 2);
        if (preparation == Preparation::doubled_equalized) result.owned = detail::equalized_locally(result.owned.view(), 64, 3.0);
        result.to_frame = source.to_frame / 2;
        break;
    }
    result.view = result.owned.view();
    return result;
  }

  // Runs one stage; true when it found something new.
  bool attempt(const Stage& stage) {
    const ScaledImage image = prepared(stage.size, stage.preparation);
    std::vector<DecodedCode> codes = stage.reader == Reader::zbar ? detail::read_with_zbar(image.view)
                                                                  : detail::read_with_zxing(image.view, settings_for(stage.reader));
    bool added = false;
    for (DecodedCode& code : codes) {
      if (code.text.size() > options_.max_text_bytes) continue;
      if (std::any_of(found_.begin(), found_.end(), [&](const DecodedCode& f) { return f.text == code.text; })) continue;
      for (Point& corner : code.corners) {
        const int x = image.mirrored ? image.view.width - 1 - corner.x : corner.x;
        corner = Point{static_cast<int>(std::lround((x - image.offset) * image.to_frame)),
                       static_cast<int>(std::lround((corner.y - image.offset) * image.to_frame))};
      }
      code.found_by = stage.name;
      found_.push_back(std::move(code));
      added = true;
    }
    return added;
  }

  ImageView frame_;
  DecodeOptions options_;
  std::vector<std::pair<int, ScaledImage>> scales_;
  std::vector<DecodedCode> found_;
};

bool decodable_size(ImageView frame) {
  return frame.valid() && frame.width >= kMinFrameSide && frame.height >= kMinFrameSide &&
         static_cast<std::int64_t>(frame.width) * frame.height <= kMaxImagePixels;
}

std::vector<DecodedCode> run_stages(ImageView frame, const DecodeOptions& options, const std::vector<Stage>& stages) {
  try {
    return Pipeline(frame, options).run(stages);
  } catch (const std::bad_alloc&) {
    return {};  // a huge frame on a small device: no code found, and the scan thread lives on
  }
}

}  // namespace

std::vector<DecodedCode> decode(ImageView frame, const DecodeOptions& options) {
  if (!decodable_size(frame)) return {};
  const int side = std::max(frame.width, frame.height);
  return run_stages(frame, options, options.effort == Effort::photo ? photo_stages(side) : camera_stages(side));
}

std::vector<DecodedCode> CameraDecoder::decode(ImageView frame) {
  if (!decodable_size(frame)) return {};
  const std::vector<Stage> cycle = camera_stages(std::max(frame.width, frame.height));
  const Stage& stage = cycle[next_stage_ % cycle.size()];
  next_stage_ = (next_stage_ + 1) % cycle.size();
  return run_stages(frame, options_, {stage});
}

std::size_t CameraDecoder::stages_per_cycle(ImageView frame) {
  return camera_stages(std::max(frame.width, frame.height)).size();
}

std::vector<DecodedCode> decode_with_zxing_only(ImageView frame) {
  if (!decodable_size(frame)) return {};
  return detail::read_with_zxing(frame, detail::zxing_library_defaults());
}

std::vector<DecodedCode> decode_with_zbar_only(ImageView frame) {
  if (!decodable_size(frame)) return {};
  return detail::read_with_zbar(frame);
}

int zxing_major_version() { return detail::zxing_major_version(); }

}  // namespace checkin::qr
