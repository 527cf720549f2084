// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Image preprocessing for the decode pipeline. Each operation returns a new image and
// accepts any valid view (any size down to 1x1).
#include "checkin/qr/image.hpp"

namespace checkin::qr::detail {

// Resampling to an exact size: area averaging when shrinking (no aliasing of fine
// module patterns), bilinear interpolation when enlarging.
GrayImage resized(ImageView image, int width, int height);

// Half the size each way, each pixel the mean of a 2x2 block: several times faster than
// resized() for live camera frames, and as clean for codes of four pixels a module or more.
GrayImage halved(ImageView image);

// Light on dark becomes dark on light.
GrayImage inverted(ImageView image);

// Left and right exchanged: undoes a selfie camera's or a webcam preview's mirroring.
GrayImage mirrored(ImageView image);

// Contrast-limited adaptive histogram equalisation (CLAHE): equalises each tile of
// about tile_size pixels, with the histogram clipped at clip_limit times its mean so
// noise in flat areas is not blown up, and blends neighbouring tiles bilinearly. Evens
// out shadows, gradients and washed-out areas.
GrayImage equalized_locally(ImageView image, int tile_size, double clip_limit);

// Box blur of the given radius, applied twice (close to a Gaussian). Smooths moire
// and sensor noise that break module edges into speckles.
GrayImage blurred(ImageView image, int radius);

// A 3x3 binomial blur ([1 2 1] each way) in integers: the light smoothing of blurred(image,
// 1) at a fraction of its cost, for live camera frames.
GrayImage smoothed(ImageView image);

// Unsharp masking: adds `amount` times the difference from a blur of the given radius,
// steepening module edges softened by focus or motion.
GrayImage sharpened(ImageView image, int radius, double amount);

// The image inside a border of `border` pixels of the given value. A code that touches
// the frame's edge (held too close) gets back the quiet zone its finder patterns need.
GrayImage padded(ImageView image, int border, std::uint8_t value);

}  // namespace checkin::qr::detail
