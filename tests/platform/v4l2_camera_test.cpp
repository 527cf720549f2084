// SPDX-License-Identifier: AGPL-3.0-or-later
// What can be tested of V4L2 without a camera: errors. The format logic is in
// camera_formats_test.cpp.
#include "checkin_catch.hpp"
#include <fstream>

#include "checkin/platform/v4l2_camera.hpp"
#include "platform_test_support.hpp"

using namespace checkin;
using namespace checkin::platform;

TEST_CASE("opening a camera that is not there is a clear error") {
  V4l2Options options;
  options.device = "/dev/video97";
  auto camera = open_v4l2_camera(options);
  REQUIRE_FALSE(camera);
  CHECK(camera.error().code == Errc::not_found);
  CHECK(camera.error().message == "camera /dev/video97 not found");

  auto probed = probe_camera("/dev/video97");
  REQUIRE_FALSE(probed);
  CHECK(probed.error().code == Errc::not_found);

  auto from_factory = v4l2_camera_factory(options)();
  REQUIRE_FALSE(from_factory);
  CHECK(from_factory.error().message == "camera /dev/video97 not found");
}

TEST_CASE("a device or file that is not a camera is refused by name") {
  V4l2Options options;
  options.device = "/dev/null";
  auto camera = open_v4l2_camera(options);
  REQUIRE_FALSE(camera);
  CHECK(camera.error().message == "/dev/null is not a V4L2 camera");

  checkin::testing::TempDir dir;
  const auto file = dir / "video0";
  std::ofstream(file) << "not a camera";
  options.device = file.string();
  auto from_file = open_v4l2_camera(options);
  REQUIRE_FALSE(from_file);
  CHECK_THAT(from_file.error().message, Catch::Matchers::ContainsSubstring("is not a V4L2 camera"));
}

TEST_CASE("with no device named, the first capture device is used, or the error says none was found") {
  const auto devices = find_capture_devices();
  for (const auto& device : devices) CHECK(device.starts_with("/dev/video"));
  if (!devices.empty()) return;  // a machine with a camera: nothing more to check without using it
  auto camera = open_v4l2_camera();
  REQUIRE_FALSE(camera);
  CHECK(camera.error().code == Errc::not_found);
  CHECK(camera.error().message == "no camera found (no V4L2 capture device under /dev)");
}
