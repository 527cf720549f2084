// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk's configuration: one validated struct, read from a TOML file (documented
// example: deploy/kiosk.example.toml) with the same keys settable on the command line
// (`--set camera.source=replay`). Every bad value is a clear message naming the key.
#include <filesystem>
#include <string>
#include <vector>

#include "checkin/config/config_file.hpp"
#include "checkin/core/error.hpp"

namespace checkin::app {

enum class CameraSource { v4l2, replay, none };
enum class DisplayMode { fullscreen, windowed, headless };

struct KioskConfig {
  // [kiosk]
  std::filesystem::path database = "/var/lib/checkin-kiosk/kiosk.db";
  std::string language = "en";           // default language of the screens
  int result_seconds = 6;                // a result returns to Ready by itself after this
  int refusal_seconds = 60;              // ... a refusal ("see a volunteer") after this, or a tap
  int volume = 40;                       // 0..100; 0 is silent
  bool high_contrast = false;
  bool discreet_mode = false;            // hide every name on this kiosk
  std::string admin_pin_hash;            // Argon2id string from `checkin-kiosk --hash-pin`
  std::filesystem::path export_dir = "/media/usb";
  std::filesystem::path assets_dir;      // empty: the built-in location

  // [camera]
  CameraSource camera = CameraSource::v4l2;
  std::string camera_device;             // empty: the first capture device
  int camera_width = 1280;
  int camera_height = 720;
  std::filesystem::path replay_path;     // image file or folder, for camera.source = "replay"
  int replay_fps = 5;

  // [display]
  DisplayMode display = DisplayMode::fullscreen;
  int width = 1280;                      // windowed and headless size
  int height = 720;

  // [scanner] keyboard-wedge barcode scanners
  int scanner_max_key_gap_ms = 35;
  int scanner_min_length = 6;

  // [sync] with the central server (see sync/client)
  bool sync_enabled = true;              // false: never talks to a network (a standalone kiosk, CSV export)
  int sync_interval_seconds = 60;        // between passes when all is well
  int sync_request_timeout_seconds = 20;
  int sync_batch_size = 200;             // events per upload request
  int sync_keep_uploaded_hours = 36;     // uploaded events stay this long, then are purged
  std::filesystem::path sync_ca_file;    // extra CA bundle for the server certificate; empty: the system's
};

// One "section.key=value" override, as given with --set.
using ConfigOverride = config::Override;
using config::parse_override;  // "camera.source=replay"

Result<KioskConfig> load_config(const std::filesystem::path& file, const std::vector<ConfigOverride>& overrides);

}  // namespace checkin::app
