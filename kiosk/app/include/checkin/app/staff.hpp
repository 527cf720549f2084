// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk's staff side, behind the PIN: the PIN pad, and the admin screen with what this
// kiosk serves and the names on request, the refusals with their reasons (and "let in
// anyway"), check in by name for someone without their pass, the site's recent check-ins
// (undo, move), sync and enrolment, the kiosk's name,
// CSV export and settings. The public flow (kiosk.hpp) hands it the admin screens' taps and
// scans and asks it where to go next.
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/app/pin_guard.hpp"
#include "checkin/app/settings_book.hpp"
#include "checkin/app/sync_link.hpp"
#include "checkin/core/desk.hpp"
#include "checkin/store/store.hpp"
#include "checkin/ui/view.hpp"

namespace checkin::app {

class Staff {
 public:
  // `schedule` is everything the kiosk knows (served or not); `store_fault` the flow's last
  // storage error, which the staff side reports and sets too.
  Staff(CheckInDesk& desk, store::Store& store, SettingsBook& settings, const Schedule& schedule, PinGuard pin,
        std::string& store_fault);

  void set_sync(SyncLink* sync) { sync_ = sync; }
  void set_languages(std::vector<std::pair<std::string, std::string>> languages) { languages_ = std::move(languages); }

  // Where the flow goes after a tap on the PIN pad or the admin screen.
  enum class Next { stay, ready, admin, leave };
  void open_pin();  // the PIN pad appears, empty
  Next on_pin(const ui::Intent& intent);
  Next on_admin(const ui::Intent& intent);
  // A code shown to the camera while the admin screen is up: only an enrolment code, and
  // only in "Enrol this kiosk" mode, does anything.
  void on_admin_scan(std::string_view code);

  // A refusal on the public screen, with the code that was refused (for "let in anyway").
  // Returns the note's reference ("R2"), which the refusal screen shows for staff to find.
  std::string note_refusal(const Decision& decision, std::string_view code);
  // Enrolment's progress, and on the admin screen what it shows of the outbox. Call every frame.
  void tick(bool on_admin_screen);
  // The admin screens' part of the view.
  void fill(ui::ViewState& view, const sync::SyncStatus& status) const;
  // Back to Ready: forget what was typed and asked.
  void leave_screens();

  ui::EnrolStep enrol_step() const { return admin_.enrol; }
  bool enrolment_changed() { return std::exchange(enrol_changed_, false); }

 private:
  struct Refusal {
    ui::RefusalNote note;
    std::string code;  // the refused code, kept in memory only, for "let in anyway"
  };

  void start_enrolment(std::string_view code);
  void follow_enrolment(const sync::SyncStatus& status);
  void export_csv();
  void let_in(const std::string& note_id, const Id& session_id);
  // Check in by name (staff_find.cpp): a participant who forgot their pass.
  bool on_find(const ui::Intent& intent);  // true: the intent was the find's
  void check_in_found(const Id& session_id);
  void fill_find(ui::FindView& find, WallTime now) const;
  void correct(Result<std::vector<AttendanceEvent>> corrected, std::string_view done);
  void record_fault(const Error& error, std::string_view doing);
  std::vector<ui::RecentCheckIn> recent() const;
  void fill_names(ui::AdminView& admin) const;
  std::vector<ui::SessionCard> today_cards() const;

  CheckInDesk& desk_;
  store::Store& store_;
  SettingsBook& settings_;
  const Schedule& schedule_;
  PinGuard pin_;
  std::string& store_fault_;
  SyncLink* sync_ = nullptr;
  std::vector<std::pair<std::string, std::string>> languages_;

  std::string pin_digits_;
  bool pin_wrong_ = false;
  ui::AdminView admin_;  // what the admin screen keeps between frames (tab, steps, results)
  std::deque<Refusal> refusals_;
  std::uint64_t next_refusal_ = 0;
  sync::SyncStatus enrol_before_;  // the status when an enrolment code was handed over
  Instant enrol_started_{};
  bool enrol_changed_ = false;
};

}  // namespace checkin::app
