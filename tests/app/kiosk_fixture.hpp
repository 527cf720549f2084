// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A kiosk on the demo organisation and a real SQLite store, driven the way its screens
// are: scans and taps, with the view read back after each.
#include "checkin_catch.hpp"

#include "checkin/app/kiosk.hpp"
#include "checkin/demo/demo_data.hpp"
#include "store_test_support.hpp"

namespace checkin::testing {

using namespace std::chrono;
using K = ui::Intent::Kind;

inline const WallTime kNow = sys_days{2026y / November / 26} + 18h;
inline const std::string kPin = "2468";

inline const std::string& pin_hash() {
  static const std::string hash = app::PinGuard::hash(kPin).value();
  return hash;
}

struct Fixture {
  checkin::testing::TempDir dir;
  demo::DemoData data = demo::make_demo_data(kNow);
  ManualClock clock{kNow};
  store::Store store;
  CheckInDesk desk;
  std::unique_ptr<app::Kiosk> kiosk;

  explicit Fixture(store::OpenOptions options = {})
      : store(store::Store::open(dir.file("kiosk.db"), options).value()), desk(clock, store, "kiosk-1") {
    desk.set_roster(data.roster);
    REQUIRE(desk.verifier().keys().add(data.key.public_key()));
    desk.verifier().revocations() = data.revoked;
    restart_kiosk();
  }
  void restart_kiosk() {
    app::KioskSettings defaults;
    defaults.export_dir = dir.path().string();
    kiosk = std::make_unique<app::Kiosk>(desk, store, app::PinGuard(pin_hash()), defaults);
    kiosk->set_languages({{"en", "English"}, {"es", "Español"}});
    kiosk->set_schedule(data.kiosk_schedule());
  }
  void scan(std::string_view label) { kiosk->on_scan(data.pass(label).text); }
  // A scan that fits several open sessions is asked, never guessed: answer it.
  void check_in(std::string_view label, const Id& session) {
    scan(label);
    if (view().screen == ui::Screen::choose_session) tap(ui::Intent::Kind::choose_session, session);
  }
  void tap(K kind, std::string text = {}, int number = 0) { kiosk->on_intent(ui::Intent{kind, std::move(text), number}); }
  ui::ViewState view() { return kiosk->view(); }
  void enter_pin(const std::string& pin) {
    tap(K::open_admin);
    for (char c : pin) tap(K::pin_digit, {}, c - '0');
    tap(K::pin_submit);
  }
};

}  // namespace checkin::testing
