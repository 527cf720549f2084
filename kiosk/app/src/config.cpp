// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/app/config.hpp"

#include <fmt/format.h>

#include <charconv>
#include <functional>
#include <map>

#include "checkin/app/kiosk.hpp"
#include "checkin/config/config_file.hpp"

namespace checkin::app {

namespace {

using config::set_bool;
using config::set_int;

constexpr int kMinKeepUploadedHours = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(kLedgerMemory).count());

template <class E>
std::string set_enum(E& field, const std::string& text, std::initializer_list<std::pair<const char*, E>> names) {
  std::string allowed;
  for (auto& [name, value] : names) {
    if (text == name) {
      field = value;
      return "";
    }
    allowed += allowed.empty() ? name : fmt::format(", {}", name);
  }
  return fmt::format("'{}' is not one of: {}", text, allowed);
}

// Every key in one table: its setter parses text (from the file or --set).
const config::Setters<KioskConfig>& keys() {
  using C = KioskConfig;
  static const config::Setters<KioskConfig> table = {
      {"kiosk.database", {[](C& c, const std::string& v) { c.database = v; return v.empty() ? "must not be empty" : ""; }}},
      {"kiosk.language", {[](C& c, const std::string& v) {
         c.language = v;
         return v.size() >= 2 && v.size() <= 8 ? "" : "expected a language code such as en or es";
       }}},
      {"kiosk.result_seconds", {[](C& c, const std::string& v) { return set_int(c.result_seconds, v, 2, 60); }}},
      {"kiosk.refusal_seconds", {[](C& c, const std::string& v) { return set_int(c.refusal_seconds, v, 5, 600); }}},
      {"kiosk.volume", {[](C& c, const std::string& v) { return set_int(c.volume, v, 0, 100); }}},
      {"kiosk.high_contrast", {[](C& c, const std::string& v) { return set_bool(c.high_contrast, v); }}},
      {"kiosk.discreet_mode", {[](C& c, const std::string& v) { return set_bool(c.discreet_mode, v); }}},
      {"kiosk.admin_pin_hash", {[](C& c, const std::string& v) {
         c.admin_pin_hash = v;
         return v.empty() || v.starts_with("$argon2id$") ? "" : "expected an Argon2id hash from `checkin-kiosk --hash-pin`";
       }}},
      {"kiosk.export_dir", {[](C& c, const std::string& v) { c.export_dir = v; return ""; }}},
      {"kiosk.assets_dir", {[](C& c, const std::string& v) { c.assets_dir = v; return ""; }}},
      {"camera.source", {[](C& c, const std::string& v) {
         return set_enum(c.camera, v, {{"v4l2", CameraSource::v4l2}, {"replay", CameraSource::replay}, {"none", CameraSource::none}});
       }}},
      {"camera.device", {[](C& c, const std::string& v) { c.camera_device = v; return ""; }}},
      {"camera.width", {[](C& c, const std::string& v) { return set_int(c.camera_width, v, 160, 4096); }}},
      {"camera.height", {[](C& c, const std::string& v) { return set_int(c.camera_height, v, 120, 4096); }}},
      {"camera.replay_path", {[](C& c, const std::string& v) { c.replay_path = v; return ""; }}},
      {"camera.replay_fps", {[](C& c, const std::string& v) { return set_int(c.replay_fps, v, 1, 60); }}},
      {"display.mode", {[](C& c, const std::string& v) {
         return set_enum(c.display, v, {{"fullscreen", DisplayMode::fullscreen}, {"windowed", DisplayMode::windowed},
                                        {"headless", DisplayMode::headless}});
       }}},
      {"display.width", {[](C& c, const std::string& v) { return set_int(c.width, v, 320, 7680); }}},
      {"display.height", {[](C& c, const std::string& v) { return set_int(c.height, v, 240, 7680); }}},
      {"scanner.max_key_gap_ms", {[](C& c, const std::string& v) { return set_int(c.scanner_max_key_gap_ms, v, 5, 500); }}},
      {"scanner.min_length", {[](C& c, const std::string& v) { return set_int(c.scanner_min_length, v, 1, 512); }}},
      {"sync.enabled", {[](C& c, const std::string& v) { return set_bool(c.sync_enabled, v); }}},
      {"sync.interval_seconds", {[](C& c, const std::string& v) { return set_int(c.sync_interval_seconds, v, 5, 86'400); }}},
      {"sync.request_timeout_seconds",
       {[](C& c, const std::string& v) { return set_int(c.sync_request_timeout_seconds, v, 1, 600); }}},
      {"sync.batch_size", {[](C& c, const std::string& v) { return set_int(c.sync_batch_size, v, 1, 1000); }}},
      // Never less than the kiosk's in-memory ledger: a restart reloads "already checked
      // in" from the store, so purging sooner would let a pass check in twice.
      {"sync.keep_uploaded_hours", {[](C& c, const std::string& v) {
         auto problem = set_int(c.sync_keep_uploaded_hours, v, 0, 24 * 90);
         if (problem.empty() && c.sync_keep_uploaded_hours < kMinKeepUploadedHours)
           problem = fmt::format("{} is less than {}: the kiosk remembers {} hours of check-ins and reloads them "
                                 "from its database after a restart",
                                 c.sync_keep_uploaded_hours, kMinKeepUploadedHours, kMinKeepUploadedHours);
         return problem;
       }}},
      {"sync.ca_file", {[](C& c, const std::string& v) { c.sync_ca_file = v; return ""; }}},
  };
  return table;
}

}  // namespace

Result<KioskConfig> load_config(const std::filesystem::path& file, const std::vector<ConfigOverride>& overrides) {
  KioskConfig config;
  if (auto ok = checkin::config::read(config, file, overrides, keys()); !ok) return std::unexpected(ok.error());
  if (config.sync_enabled && !config.sync_ca_file.empty() && !std::filesystem::is_regular_file(config.sync_ca_file))
    return fail(Errc::invalid_input,
                fmt::format("sync.ca_file: {} is not a readable file (a PEM bundle of CA certificates)",
                            config.sync_ca_file.string()));
  if (config.camera == CameraSource::replay && config.replay_path.empty())
    return fail(Errc::invalid_input, "camera.source = \"replay\" needs camera.replay_path (an image or a folder of images)");
  return config;
}

}  // namespace checkin::app
