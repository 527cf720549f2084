// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin_catch.hpp"

#include <fstream>

#include "checkin/app/config.hpp"
#include "store_test_support.hpp"

using namespace checkin;
using namespace checkin::app;

namespace {
std::filesystem::path write(const checkin::testing::TempDir& dir, const std::string& text) {
  auto path = dir.path() / "kiosk.toml";
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST_CASE("the configuration file and --set overrides fill one validated struct") {
  checkin::testing::TempDir dir;
  auto file = write(dir, R"(
[kiosk]
database = "/tmp/k.db"
language = "es"
volume = 0
high_contrast = true

[camera]
source = "replay"
replay_path = "/tmp/frames"
replay_fps = 10

[display]
mode = "windowed"
width = 800
height = 480
)");
  auto config = load_config(file, {{"display.width", "1024"}, {"camera.source", "none"}});
  REQUIRE(config);
  CHECK(config->database == "/tmp/k.db");
  CHECK(config->language == "es");
  CHECK(config->volume == 0);
  CHECK(config->high_contrast);
  CHECK(config->camera == CameraSource::none);
  CHECK(config->replay_fps == 10);
  CHECK(config->display == DisplayMode::windowed);
  CHECK(config->width == 1024);
  CHECK(config->height == 480);
}

TEST_CASE("the documented example configuration is valid") {
  auto config = load_config(std::filesystem::path(CHECKIN_SOURCE_DIR) / "deploy" / "kiosk.example.toml", {});
  INFO((config ? "" : config.error().message));
  REQUIRE(config);
  CHECK(config->camera == CameraSource::v4l2);
  CHECK(config->sync_enabled);
  CHECK(config->sync_interval_seconds == 60);
  CHECK(config->sync_request_timeout_seconds == 20);
  CHECK(config->sync_batch_size == 200);
  CHECK(config->sync_keep_uploaded_hours == 36);
  CHECK(config->sync_ca_file.empty());
}

TEST_CASE("[sync]: from the file and from --set") {
  checkin::testing::TempDir dir;
  auto ca = dir.path() / "ca.pem";
  std::ofstream(ca) << "-----BEGIN CERTIFICATE-----\n";
  auto file = write(dir, "[sync]\nenabled = false\ninterval_seconds = 300\nbatch_size = 50\nkeep_uploaded_hours = 48\n");
  auto config = load_config(file, {{"sync.request_timeout_seconds", "5"}, {"sync.ca_file", ca.string()}});
  REQUIRE(config);
  CHECK_FALSE(config->sync_enabled);
  CHECK(config->sync_interval_seconds == 300);
  CHECK(config->sync_request_timeout_seconds == 5);
  CHECK(config->sync_batch_size == 50);
  CHECK(config->sync_keep_uploaded_hours == 48);
  CHECK(config->sync_ca_file == ca);
  CHECK(load_config({}, {{"sync.enabled", "true"}})->sync_enabled);
}

TEST_CASE("[sync]: bad values name the key") {
  checkin::testing::TempDir dir;
  auto message = [&](std::vector<ConfigOverride> overrides) {
    auto config = load_config({}, overrides);
    REQUIRE_FALSE(config);
    return config.error().message;
  };
  // Purging sooner than the kiosk remembers would let a pass check in twice after a restart.
  CHECK_THAT(message({{"sync.keep_uploaded_hours", "12"}}),
             Catch::Matchers::ContainsSubstring("sync.keep_uploaded_hours") && Catch::Matchers::ContainsSubstring("less than 36"));
  CHECK(load_config({}, {{"sync.keep_uploaded_hours", "36"}}));
  CHECK_THAT(message({{"sync.interval_seconds", "0"}}), Catch::Matchers::ContainsSubstring("sync.interval_seconds"));
  CHECK_THAT(message({{"sync.batch_size", "5000"}}), Catch::Matchers::ContainsSubstring("sync.batch_size") && Catch::Matchers::ContainsSubstring("1..1000"));
  CHECK_THAT(message({{"sync.request_timeout_seconds", "soon"}}), Catch::Matchers::ContainsSubstring("not a whole number"));
  CHECK_THAT(message({{"sync.enabled", "yes"}}), Catch::Matchers::ContainsSubstring("sync.enabled") && Catch::Matchers::ContainsSubstring("true or false"));
  CHECK_THAT(message({{"sync.ca_file", (dir.path() / "missing.pem").string()}}),
             Catch::Matchers::ContainsSubstring("sync.ca_file") && Catch::Matchers::ContainsSubstring("missing.pem"));
  CHECK_THAT(message({{"sync.server", "x"}}), Catch::Matchers::ContainsSubstring("unknown setting 'sync.server'"));
  // A standalone kiosk never reads the CA file.
  CHECK(load_config({}, {{"sync.enabled", "false"}, {"sync.ca_file", (dir.path() / "missing.pem").string()}}));
}

TEST_CASE("bad configuration is a clear message naming the key and line") {
  checkin::testing::TempDir dir;
  auto message = [&](const std::string& text, std::vector<ConfigOverride> overrides = {}) {
    auto config = load_config(write(dir, text), overrides);
    REQUIRE_FALSE(config);
    return config.error().message;
  };
  CHECK_THAT(message("[kiosk]\nvolume = 300\n"), Catch::Matchers::ContainsSubstring("line 2") && Catch::Matchers::ContainsSubstring("kiosk.volume") &&
                                                  Catch::Matchers::ContainsSubstring("outside 0..100"));
  CHECK_THAT(message("[kiosk]\nvolum = 3\n"), Catch::Matchers::ContainsSubstring("unknown setting 'kiosk.volum'"));
  CHECK_THAT(message("[camera]\nsource = \"webcam\"\n"), Catch::Matchers::ContainsSubstring("v4l2, replay, none"));
  CHECK_THAT(message("[kiosk]\nhigh_contrast = \"yes\"\n"), Catch::Matchers::ContainsSubstring("not true or false"));
  CHECK_THAT(message("[kiosk\nvolume = 3\n"), Catch::Matchers::ContainsSubstring("line 1"));
  CHECK_THAT(message("volume = 3\n"), Catch::Matchers::ContainsSubstring("should be a [section]"));
  CHECK_THAT(message("[camera]\nsource = \"replay\"\n"), Catch::Matchers::ContainsSubstring("camera.replay_path"));
  CHECK_THAT(message("", {{"display.mode", "tiny"}}), Catch::Matchers::ContainsSubstring("--set") && Catch::Matchers::ContainsSubstring("display.mode"));
  CHECK_THAT(message("[kiosk]\nadmin_pin_hash = \"1234\"\n"), Catch::Matchers::ContainsSubstring("Argon2id"));
  CHECK_FALSE(load_config(dir.path() / "missing.toml", {}));
  CHECK_FALSE(parse_override("no-equals-sign"));
  CHECK(parse_override("kiosk.volume=3")->value == "3");
}

TEST_CASE("how long results stay: a welcome and a refusal each their own time, within bounds") {
  checkin::testing::TempDir dir;
  auto file = write(dir, "[kiosk]\nresult_seconds = 4\nrefusal_seconds = 120\n");
  auto config = load_config(file, {});
  REQUIRE(config);
  CHECK(config->result_seconds == 4);
  CHECK(config->refusal_seconds == 120);
  auto too_short = load_config(file, {{"kiosk.refusal_seconds", "2"}});
  REQUIRE_FALSE(too_short);
  CHECK_THAT(too_short.error().message, Catch::Matchers::ContainsSubstring("kiosk.refusal_seconds"));
}
