// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk's screen flow: which screen is up, what it shows, and what a scan or a tap
// does. It runs on the UI thread, talks to the desk (domain) and the store, and builds
// the ViewState the screens draw. The public screens are here; the PIN pad and the admin
// screen are the staff side's (staff.hpp). No SDL, no ImGui: tests drive it directly.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/app/pin_guard.hpp"
#include "checkin/app/settings_book.hpp"
#include "checkin/app/staff.hpp"
#include "checkin/app/sync_link.hpp"
#include "checkin/core/desk.hpp"
#include "checkin/store/store.hpp"
#include "checkin/ui/view.hpp"

namespace checkin::app {

// How much history the kiosk keeps in memory, and reloads from the store at start:
// today's check-ins and open shifts at every door, with room for a session across midnight.
inline constexpr Millis kLedgerMemory = std::chrono::hours{36};

// Sound cues; the platform plays them.
enum class Cue { none, success, see_volunteer };

struct KioskTimeouts {
  std::chrono::seconds result{6};
  std::chrono::seconds refusal{60};  // "Please see a volunteer" waits for them, until tapped
  std::chrono::seconds choose{30};
  std::chrono::seconds no_pass{90};
  std::chrono::seconds feedback{20};
  std::chrono::seconds pin{30};
  std::chrono::seconds admin{180};
  std::chrono::seconds privacy{120};  // the notice is read slowly; then Ready again
};

class Kiosk {
 public:
  // `defaults` are the configuration file's settings; coordinators' and staff's changes
  // are layered over them (settings_book.hpp).
  Kiosk(CheckInDesk& desk, store::Store& store, PinGuard pin, KioskSettings defaults, KioskTimeouts timeouts = {});

  // Everything the kiosk serves, as sync (or the demo) delivered it; staff choose from it.
  void set_schedule(Schedule schedule);
  void set_languages(std::vector<std::pair<std::string, std::string>> languages);
  void set_site_name(std::string name) { site_name_ = std::move(name); }
  // Sync, or nullptr when it is turned off. The flow nudges it after every recorded event,
  // shows its status, enrols through it (admin screen only), and reloads the caches and
  // learns other doors' events when a sync pass or the site feed brought them.
  void set_sync(SyncLink* sync);

  // What sync (or the demo) left in the store: roster, pass keys, revocations, schedule,
  // site name and the enrolled device id. Called at start and whenever sync changed them.
  void load_caches();
  // The ledger's memory (today's check-ins and open shifts, this kiosk's and the other
  // doors') from the store; once, at start.
  void load_history();

  // A decoded code from any source: camera, scanner, script.
  void on_scan(std::string_view code);
  void on_intent(const ui::Intent& intent);
  // Timers: screens that return to Ready, overdue shifts, sync's news. Call every frame.
  void tick();

  ui::ViewState view() const;
  Cue take_cue();
  bool leave_requested() const { return leave_requested_; }
  const KioskSettings& settings() const { return settings_.get(); }
  // When the next timer fires, so an idle main loop knows how long it may sleep.
  Millis time_to_next_timer() const;

  // Outcome of the last committed or refused scan, for logs and tests.
  const std::optional<Decision>& last_decision() const { return last_decision_; }

  // The sync status as last polled by tick(), and whether what the screens show of it
  // changed since the last call (the main loop redraws then).
  const sync::SyncStatus& sync_status() const { return sync_status_; }
  bool take_sync_change() { return std::exchange(sync_changed_, false); }
  ui::EnrolStep enrol_step() const { return staff_.enrol_step(); }
  // How many of the other doors' events this kiosk has learned since it started.
  std::size_t site_events_learned() const { return site_events_learned_; }

 private:
  void show(const Decision& decision, std::string_view code = {});
  void go(ui::Screen screen);
  void go_ready();
  void touch() { last_interaction_ = desk_.clock().now(); }
  void follow_staff(Staff::Next next);
  void apply_served();
  void reload_settings();
  void learn_site_events();
  void poll_sync();
  void nudge_sync();

  CheckInDesk& desk_;
  store::Store& store_;
  SettingsBook settings_;
  std::chrono::seconds result_time() const;  // how long the result on screen stays
  KioskTimeouts timeouts_;
  Schedule full_schedule_;
  std::string store_fault_;  // the last storage error (the admin screen shows it); empty when healthy
  Staff staff_;
  std::vector<std::pair<std::string, std::string>> languages_;
  std::string site_name_;

  ui::Screen screen_ = ui::Screen::ready;
  Instant screen_since_{};
  Instant last_interaction_{};
  std::string language_;              // the screens' language now (a participant may switch it)
  bool language_tapped_ = false;      // this visit's participant chose it: it wins over the roster's
  std::optional<Decision> last_decision_;
  ui::ResultView result_;
  ui::ChooseView choose_;
  ui::NoPassView no_pass_;
  Id feedback_session_;               // kept apart from any person: feedback is anonymous
  Cue cue_ = Cue::none;
  bool leave_requested_ = false;
  Instant last_shift_check_{};
  SyncLink* sync_ = nullptr;
  sync::SyncStatus sync_status_;
  std::uint64_t caches_version_ = 0;  // of the caches loaded last
  std::uint64_t site_version_ = 0;    // of the other doors' events learned last
  std::int64_t site_row_ = 0;         // the last of them read from the store
  std::size_t site_events_learned_ = 0;
  std::string caches_device_id_;
  bool sync_changed_ = false;
};

}  // namespace checkin::app
