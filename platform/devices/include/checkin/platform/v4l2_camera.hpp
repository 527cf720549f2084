// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Cameras through Video4Linux2: USB webcams (UVC), and the Raspberry Pi camera where it
// has a V4L2 capture node that delivers YUV or JPEG: the legacy bcm2835-v4l2 driver, or
// libcamera's V4L2 compatibility layer (libcamerify) in front of a camera module. A
// raw-Bayer-only sensor node without that layer offers no format we can use, and opening
// it says what to do (explain_no_usable_format).
#include <memory>
#include <string>
#include <vector>

#include "checkin/core/error.hpp"
#include "checkin/platform/camera_formats.hpp"
#include "checkin/platform/frame_source.hpp"

namespace checkin::platform {

struct V4l2Options {
  std::string device = {};  // e.g. "/dev/video0"; empty: the first capture device found
  FormatPreferences format = {};
  int frames_per_second = 10;  // asked of the camera where it lets us choose; fewer = less CPU
  int buffer_count = 4;        // mmap buffers (2..16)
};

// /dev/video* nodes that capture video frames, in number order: not metadata nodes, and
// not the capture side of a device that is also fed frames (a codec, or an image signal
// processor such as the Raspberry Pi 4's bcm2835-isp, which streams nothing by itself).
std::vector<std::string> find_capture_devices();

struct CameraInfo {
  std::string path;    // "/dev/video0"
  std::string card;    // the driver's product name, e.g. "HD Pro Webcam C920"
  std::string driver;  // "uvcvideo"
  bool fed_frames = false;  // the device also takes frames in (video output): a processor, not a camera
  std::vector<CameraFormat> formats;
};

// What a device is and which formats and sizes it offers, without streaming.
Result<CameraInfo> probe_camera(const std::string& path);

// Opens, negotiates a format (choose_format) and starts streaming. Errors name the device:
// not found, permission denied, not a capture device, busy, no usable format.
Result<std::unique_ptr<FrameSource>> open_v4l2_camera(const V4l2Options& options = {});

// A factory for the scan worker that opens the camera with these options each time.
FrameSourceFactory v4l2_camera_factory(V4l2Options options = {});

}  // namespace checkin::platform
