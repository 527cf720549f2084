#include "checkin/qr/decode.hpp"

#include <algorithm>
#include <cmath>
#include <new>
#include <string>
#include <string_view>
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

// Frames are also searched at these smaller sizes (long side, pixels), each used when
// the frame is at least half as large again: a code that fills a 4000-pixel photo has
// modules tens of pixels wide, and averaging pixels down removes sensor noise and
// screen moire along the way. Photos try them all, smallest first (cheapest, and codes
// in photos are usually large); camera frames only the largest that applies.
constexpr int kWorkingSizes[] = {400, 800, 1600, 3200};

bool applies(int working_size, int frame_side) { return frame_side >= working_size * 3 / 2; }

int camera_working_size(int frame_side) {
  int chosen = 0;  // none
  for (int size : kWorkingSizes)
    if (applies(size, frame_side)) chosen = size;
  return chosen;
}

// zbar is slow on large images (about a second on 12 megapixels) and gains nothing from
// the detail, so it reads copies no larger than this.
constexpr int kZbarMaxSide = 1600;

// Enlarging doubles each side; worth it for frames up to this size, where small codes
// have modules of two or three pixels.
constexpr int kDoubleMaxSide = 1600;

enum class Preparation {
  none,
  equalized,          // CLAHE: shadows, gradients, glare halos, low contrast
  smoothed,           // light blur: sensor noise, screen moire, JPEG blocks
  inverted,           // light modules on dark
  sharpened,          // unsharp mask: soft focus, motion
  padded,             // white border: a code held so close that it touches the frame edge
  mirrored,           // left-right flip: selfie cameras, mirrored previews
  doubled,            // 2x bilinear: small modules; smooths noise; finer local thresholds
};

enum class Reader { zxing, zxing_global_threshold, zbar };

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

  std::vector<DecodedCode> run() {
    // ZXing as it comes finds nearly every clean code, in about a millisecond.
    if (attempt("zxing", 0, Preparation::none, Reader::zxing)) return take_found();

    const bool photo = options_.effort == Effort::photo;
    const int frame_side = std::max(frame_.width, frame_.height);
    // Smaller working sizes next: several times cheaper than the full size, and
    // averaging pixels down reads large, noisy, blurred and moire-striped codes best.
    // Camera frames get one, with the cheap preparations; photos all, with every one.
    // Sharpening is tried only here: at full size it found nothing the others missed.
    if (photo) {
      for (int size : kWorkingSizes)
        if (applies(size, frame_side) && attempt_all_preparations(add_scale(size), "downscaled")) return take_found();
    } else if (const int size = camera_working_size(frame_side); size > 0) {
      const int scale = add_scale(size);
      if (attempt("zxing+downscaled", scale, Preparation::none, Reader::zxing) ||
          attempt("zxing+downscaled+equalized", scale, Preparation::equalized, Reader::zxing) ||
          attempt("zxing-global+downscaled+smoothed", scale, Preparation::smoothed, Reader::zxing_global_threshold))
        return take_found();
    }

    // Cheap fixes for common problems at the frame's own size, a millisecond or two each
    // on a camera frame. Camera frames stop here: the next frame is only milliseconds away.
    if (attempt("zxing+padded", 0, Preparation::padded, Reader::zxing)) return take_found();
    if (attempt_cheap_preparations(0, "")) return take_found();
    if (!photo) return take_found();

    if (frame_side <= kDoubleMaxSide && attempt("zxing+doubled", 0, Preparation::doubled, Reader::zxing))
      return take_found();
    // zbar reads mirror images too, but ZXing on a flipped copy does it many times faster.
    if (attempt("zxing+mirrored", 0, Preparation::mirrored, Reader::zxing)) return take_found();

    // zbar, a second opinion with a different detector, at a size it reads quickly.
    const int zbar_scale = frame_side > kZbarMaxSide ? add_scale(kZbarMaxSide) : 0;
    if (attempt("zbar", zbar_scale, Preparation::none, Reader::zbar)) return take_found();
    if (attempt("zbar+equalized", zbar_scale, Preparation::equalized, Reader::zbar)) return take_found();
    return take_found();
  }

 private:
  // Adds a copy of the frame scaled to `long_side` pixels; returns its index.
  int add_scale(int long_side) {
    const double factor = static_cast<double>(long_side) / std::max(frame_.width, frame_.height);
    for (std::size_t i = 0; i < scales_.size(); ++i)
      if (std::abs(scales_[i].to_frame - 1 / factor) < 1e-9) return static_cast<int>(i);
    ScaledImage scaled;
    scaled.owned = detail::resized(frame_, std::max(1, static_cast<int>(std::lround(frame_.width * factor))),
                                   std::max(1, static_cast<int>(std::lround(frame_.height * factor))));
    scaled.view = scaled.owned.view();
    scaled.to_frame = static_cast<double>(frame_.width) / scaled.owned.width();
    scales_.push_back(std::move(scaled));
    return static_cast<int>(scales_.size() - 1);
  }

  // The image a stage reads: a scale of the frame, prepared. Made afresh for each stage
  // and dropped after it, so a large photo never holds more than one prepared copy.
  ScaledImage prepared(int scale, Preparation preparation) const {
    const ScaledImage& source = scales_[scale];
    ScaledImage result;
    result.view = source.view;
    result.to_frame = source.to_frame;
    switch (preparation) {
      case Preparation::none: return result;
      case Preparation::equalized: result.owned = detail::equalized_locally(source.view, 64, 3.0); break;
      case Preparation::smoothed: result.owned = detail::blurred(source.view, 1); break;
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
        result.owned = detail::resized(source.view, source.view.width * 2, source.view.height * 2);
        result.to_frame = source.to_frame / 2;
        break;
    }
    result.view = result.owned.view();
    return result;
  }

  bool attempt_cheap_preparations(int scale, const std::string& tag) {
    return attempt(stage_name("zxing", tag, "equalized"), scale, Preparation::equalized, Reader::zxing) ||
           attempt(stage_name("zxing-global", tag, "smoothed"), scale, Preparation::smoothed,
                   Reader::zxing_global_threshold) ||
           attempt(stage_name("zxing", tag, "inverted"), scale, Preparation::inverted, Reader::zxing);
  }

  bool attempt_all_preparations(int scale, const std::string& tag) {
    return attempt(stage_name("zxing", tag, ""), scale, Preparation::none, Reader::zxing) ||
           attempt_cheap_preparations(scale, tag) ||
           attempt(stage_name("zxing", tag, "sharpened"), scale, Preparation::sharpened, Reader::zxing);
  }

  // "zxing+downscaled+equalized": reader, working size, preparation.
  static std::string stage_name(std::string_view reader, std::string_view scale_tag, std::string_view preparation) {
    std::string name(reader);
    for (std::string_view part : {scale_tag, preparation})
      if (!part.empty()) (name += '+') += part;
    return name;
  }

  // Runs one stage; true when it found something new.
  bool attempt(const std::string& stage, int scale, Preparation preparation, Reader reader) {
    const ScaledImage image = prepared(scale, preparation);
    std::vector<DecodedCode> codes;
    switch (reader) {
      case Reader::zxing: codes = detail::read_with_zxing(image.view, ZxingSettings{}); break;
      case Reader::zxing_global_threshold:
        codes = detail::read_with_zxing(image.view, ZxingSettings{.binarizer = ZxingBinarizer::global_histogram});
        break;
      case Reader::zbar: codes = detail::read_with_zbar(image.view); break;
    }
    bool added = false;
    for (DecodedCode& code : codes) {
      if (code.text.size() > options_.max_text_bytes) continue;
      if (std::any_of(found_.begin(), found_.end(), [&](const DecodedCode& f) { return f.text == code.text; })) continue;
      for (Point& corner : code.corners) {
        const int x = image.mirrored ? image.view.width - 1 - corner.x : corner.x;
        corner = Point{static_cast<int>(std::lround((x - image.offset) * image.to_frame)),
                       static_cast<int>(std::lround((corner.y - image.offset) * image.to_frame))};
      }
      code.found_by = stage;
      found_.push_back(std::move(code));
      added = true;
    }
    return added;
  }

  std::vector<DecodedCode> take_found() { return std::move(found_); }

  ImageView frame_;
  DecodeOptions options_;
  std::vector<ScaledImage> scales_{ScaledImage{GrayImage{}, frame_, 1.0}};
  std::vector<DecodedCode> found_;
};

bool decodable_size(ImageView frame) {
  return frame.valid() && frame.width >= kMinFrameSide && frame.height >= kMinFrameSide &&
         static_cast<std::int64_t>(frame.width) * frame.height <= kMaxImagePixels;
}

}  // namespace

std::vector<DecodedCode> decode(ImageView frame, const DecodeOptions& options) {
  if (!decodable_size(frame)) return {};
  try {
    return Pipeline(frame, options).run();
  } catch (const std::bad_alloc&) {
    return {};  // a huge frame on a small device: no code found, and the scan thread lives on
  }
}

std::vector<DecodedCode> decode_with_zxing_only(ImageView frame) {
  if (!decodable_size(frame)) return {};
  return detail::read_with_zxing(frame, ZxingSettings{});
}

std::vector<DecodedCode> decode_with_zbar_only(ImageView frame) {
  if (!decodable_size(frame)) return {};
  return detail::read_with_zbar(frame);
}

}  // namespace checkin::qr
