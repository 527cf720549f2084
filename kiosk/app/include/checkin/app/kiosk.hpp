#pragma once
// The kiosk's screen flow: which screen is up, what it shows, and what a scan or a tap
// does. It runs on the UI thread, talks to the desk (domain) and the store, and builds
// the ViewState the screens draw. No SDL, no ImGui: tests drive it directly.
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/app/pin_guard.hpp"
#include "checkin/app/sync_link.hpp"
#include "checkin/core/desk.hpp"
#include "checkin/store/store.hpp"
#include "checkin/ui/view.hpp"

namespace checkin::app {

// How much history the kiosk keeps in memory, and reloads from the store at start:
// today's check-ins and open shifts, with room for a session across midnight.
inline constexpr Millis kLedgerMemory = std::chrono::hours{36};

// Sound cues; the platform plays them.
enum class Cue { none, success, see_volunteer };

// What staff can change on the admin screen; kept in the store's settings so it survives
// restarts. It starts from the configuration file's values, then what coordinators set
// for the site on the server (language, volume, discreet_mode, high_contrast), then what
// staff changed on this kiosk.
struct KioskSettings {
  std::string language = "en";
  int volume = 40;
  bool discreet_mode = false;
  bool high_contrast = false;
  std::string export_dir = "/media/usb";
  std::set<Id> unserved;  // sessions and shifts staff turned off on this kiosk
};

struct KioskTimeouts {
  std::chrono::seconds result{6};
  std::chrono::seconds choose{30};
  std::chrono::seconds no_pass{90};
  std::chrono::seconds feedback{20};
  std::chrono::seconds pin{30};
  std::chrono::seconds admin{180};
};

class Kiosk {
 public:
  Kiosk(CheckInDesk& desk, store::Store& store, PinGuard pin, KioskSettings defaults, KioskTimeouts timeouts = {});

  // Everything the kiosk serves, as sync (or the demo) delivered it; staff choose from it.
  void set_schedule(Schedule schedule);
  void set_languages(std::vector<std::pair<std::string, std::string>> languages) { languages_ = std::move(languages); }
  void set_site_name(std::string name) { site_name_ = std::move(name); }
  // Sync, or nullptr when it is turned off. The flow nudges it after every recorded event,
  // shows its status, enrols through it (admin screen only), and reloads the caches when
  // a sync pass changed them.
  void set_sync(SyncLink* sync);

  // What sync (or the demo) left in the store: roster, pass keys, revocations, schedule,
  // site name and the enrolled device id. Called at start and whenever sync changed them.
  void load_caches();
  // The ledger's memory (today's check-ins, open shifts) from the store; once, at start.
  void load_history();

  // A decoded code from any source: camera, scanner, script.
  void on_scan(std::string_view code);
  void on_intent(const ui::Intent& intent);
  // Timers: screens that return to Ready, overdue shifts. Call every frame.
  void tick();

  ui::ViewState view() const;
  Cue take_cue();
  bool leave_requested() const { return leave_requested_; }
  const KioskSettings& settings() const { return settings_; }
  // When the next timer fires, so an idle main loop knows how long it may sleep.
  Millis time_to_next_timer() const;

  // Outcome of the last committed or refused scan, for logs and tests.
  const std::optional<Decision>& last_decision() const { return last_decision_; }

  // The sync status as last polled by tick(), and whether what the screens show of it
  // changed since the last call (the main loop redraws then).
  const sync::SyncStatus& sync_status() const { return sync_status_; }
  bool take_sync_change() { return std::exchange(sync_changed_, false); }
  ui::EnrolStep enrol_step() const { return admin_.enrol; }

 private:
  void show(const Decision& decision);
  void go(ui::Screen screen);
  void go_ready();
  void touch() { last_interaction_ = desk_.clock().now(); }
  void handle_admin(const ui::Intent& intent);
  void handle_pin(const ui::Intent& intent);
  void apply_served();
  void load_settings();
  void save_setting(std::string_view key);
  void note_refusal(const Decision& decision);
  void export_csv();
  void poll_sync();
  void nudge_sync();
  void on_enrolment_scan(std::string_view code);
  std::vector<ui::SessionCard> cards(const std::vector<const Session*>& sessions) const;
  ui::SessionCard card(const Session& session) const;
  std::string local_time(WallTime t) const;
  std::string local_date_time(WallTime t) const;  // the time alone when it is today

  CheckInDesk& desk_;
  store::Store& store_;
  PinGuard pin_;
  KioskSettings defaults_;  // from the configuration file
  KioskSettings settings_;
  KioskTimeouts timeouts_;
  Schedule full_schedule_;
  std::vector<std::pair<std::string, std::string>> languages_;
  std::string site_name_;

  ui::Screen screen_ = ui::Screen::ready;
  Instant screen_since_{};
  Instant last_interaction_{};
  std::string language_;              // the screens' language now (a participant may switch it)
  std::optional<Decision> last_decision_;
  ui::ResultView result_;
  ui::ChooseView choose_;
  ui::NoPassView no_pass_;
  Id feedback_session_;               // kept apart from any person: feedback is anonymous
  std::string pin_digits_;
  bool pin_wrong_ = false;
  ui::AdminView admin_;
  std::deque<ui::RefusalNote> refusals_;
  std::string store_fault_;
  Cue cue_ = Cue::none;
  bool leave_requested_ = false;
  Instant last_shift_check_{};
  SyncLink* sync_ = nullptr;
  sync::SyncStatus sync_status_;
  sync::SyncStatus enrol_before_;     // the status when an enrolment code was handed over
  Instant enrol_started_{};
  std::uint64_t caches_version_ = 0;  // of the caches loaded last
  std::string caches_device_id_;
  bool sync_changed_ = false;
};

}  // namespace checkin::app
