// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A small, realistic organisation for demos: it is built around a given time so that
// sessions are open whenever the demo runs.
#include <filesystem>
#include <string>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"
#include "checkin/core/pass.hpp"

namespace checkin::demo {

struct DemoPass {
  std::string label;      // file name and log label: "ana", "revoked", ...
  std::string pass_id;
  std::string text;       // the signed pass
  std::string about;      // what this pass shows in the demo
};

struct DemoData {
  Site site;
  Schedule schedule;
  Roster roster;
  SigningKey key;
  Revocations revoked;
  std::vector<DemoPass> passes;

  const DemoPass& pass(std::string_view label) const;
  // The schedule as a kiosk receives it from the server (as_kiosks_see).
  Schedule kiosk_schedule() const;
};

DemoData make_demo_data(WallTime now);

// Writes keys/signing.key, keys/signing.pub and passes/<label>.png and .svg under `dir`.
Result<void> write_demo_files(const DemoData& data, const std::filesystem::path& dir);

// Camera frames for the kiosk's replay camera: each listed pass held up in front of a
// 640x480 gray scene for a moment (slightly off-centre, on a phone-like dark bezel), with
// empty frames between people. Writes frame-NNN.png into `dir`; returns how many.
Result<int> write_demo_camera_frames(const DemoData& data, const std::vector<std::string>& labels,
                                     const std::filesystem::path& dir, int frames_per_pass = 6, int empty_frames = 34);

}  // namespace checkin::demo
