// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk's demo mode: the demo organisation (kiosk/demo) written to a folder, loaded
// into the kiosk's store as sync would deliver it, and camera frames of people showing
// their passes for the replay camera.
#include <filesystem>
#include <string>

#include "checkin/core/error.hpp"
#include "checkin/demo/demo_data.hpp"
#include "checkin/store/store.hpp"

namespace checkin::app {

inline constexpr std::string_view kDemoPin = "2468";  // printed when the demo starts

struct DemoSetup {
  demo::DemoData data;
  std::filesystem::path frames_dir;  // for camera.source = "replay"
  std::string pin_hash;
};

// Writes keys, passes and camera frames under `dir` and fills the store (schedule, roster,
// keys, revocations, site name) as a fresh sync would.
Result<DemoSetup> prepare_demo(const std::filesystem::path& dir, store::Store& store, WallTime now);

}  // namespace checkin::app
