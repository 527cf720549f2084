// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The kiosk's view state and the intents its screens emit. Screens are pure functions of
// a ViewState: they draw it and report what the person tapped as Intents; they do no I/O
// and hold no state of their own. kiosk/app builds the ViewState and handles the Intents.
#include <cstdint>
#include <string>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/core/domain.hpp"
#include "checkin/core/rules.hpp"

namespace checkin::ui {

enum class Screen { ready, result, choose_session, no_pass, feedback, admin_pin, admin, privacy };

// A session as the screens show it. For discreet programs `title` is the program's public
// alias (often empty: screens show the translated "A group session") and `room` is empty.
struct SessionCard {
  Id id;
  std::string title;
  std::string room;
  std::string time_range;  // "18:00–19:30", kiosk local time
  bool discreet = false;
  bool anonymous_allowed = false;
  bool walk_ins_allowed = false;
  bool full = false;
  // Admin screen only:
  bool served = true;      // this kiosk serves it
  int checked_in = 0;      // a shift: volunteers on it now
  bool is_shift = false;
};

// The Ready screen's small sync mark: colour and shape, never alarming words.
enum class SyncDot { synced, pending, offline, not_enrolled, needs_attention };
// Sync as the admin screen words it.
enum class SyncPhase { disabled, not_enrolled, syncing, synced, retrying, needs_enrolment };
// The admin screen's "Enrol this kiosk" mode.
enum class EnrolStep { none, waiting_for_code, enrolling, enrolled, failed };
enum class EnrolNote { none, pass_ignored, malformed_code };
enum class CameraState { ok, starting, missing };

// A gray camera frame for the small live preview. The pixels belong to the app and stay
// valid while the frame is drawn; `serial` changes when the picture does.
struct Preview {
  const std::uint8_t* pixels = nullptr;
  int width = 0;
  int height = 0;
  std::uint64_t serial = 0;
};

struct ReadyView {
  std::vector<SessionCard> open_now;
  CameraState camera = CameraState::starting;
  Preview preview;
  SyncDot sync = SyncDot::not_enrolled;
  bool sync_shown = true;            // false: sync is turned off on this kiosk (no dot at all)
  bool anonymous_available = false;  // some open session allows anonymous check-in
  bool walk_in_available = false;    // some open session allows walk-ins
  // Nothing open: what opens next, today or tomorrow (next.id empty: nothing until then).
  SessionCard next;
  bool next_tomorrow = false;
};

struct ResultView {
  Outcome outcome = Outcome::checked_in;
  std::string name;          // preferred name to greet with; empty: the generic welcome
  std::string where;         // "Community lunch · Main hall"; empty for discreet programs
  bool discreet = false;     // a discreet program: the screen ignores name and where
  bool group = false;        // ... and says "your group" for its session instead
  std::string shift_started; // "18:05" for shift_started
  Millis shift_duration{0};  // for shift_ended
  int seconds_left = 0;      // until the screen returns to Ready by itself
  std::string reference;     // a refusal: the note staff find on the admin screen ("R2")
};

enum class ChoosePurpose { pass, anonymous };

struct ChooseView {
  ChoosePurpose purpose = ChoosePurpose::pass;
  std::vector<SessionCard> choices;
};

// "No pass?": walk-in check-in with an optional first name or nickname typed on the
// on-screen keyboard.
struct NoPassView {
  std::vector<SessionCard> sessions;  // open sessions that allow walk-ins
  Id selected;                        // chosen session (preselected when there is one)
  std::string name;                   // typed so far (UTF-8)
  bool shifted = false;               // keyboard shows capitals
};

struct PinView {
  int digits_entered = 0;  // > 0 fills the dots (never how many); the digits never reach the UI
  bool wrong = false;      // the last PIN was wrong
  int locked_seconds = 0;  // > 0: too many wrong tries, wait
};

struct RefusalNote {
  std::string time;     // "18:05"
  std::string outcome;  // e.g. "pass_revoked"
  std::string reason;   // detail for staff; never shown on public screens
  std::string id{};     // "R2": names the note for "let in anyway"; the refusal screen shows it
  // Full session or missing registration: the sessions staff may let the person in to.
  std::vector<SessionCard> let_in{};
  bool let_in_done = false;  // staff let them in
};

// A check-in at this site, at any door, that staff may undo or move ("Recent").
struct RecentCheckIn {
  std::string event_id;
  std::string time;       // "19:02"
  std::string session;    // the session's title; empty in a discreet program ("a group check-in")
  std::string who;        // a name where one may show; empty: a pass holder (or anonymous, by kind)
  EventKind kind = EventKind::checkin;  // checkin, walk_in or anonymous_checkin
  bool here = false;      // recorded at this kiosk (else at another door, or by a coordinator)
  bool by_staff = false;  // let in or checked in by staff
};

// A person found by name for a staff check-in: the name, and a short reference that tells
// apart two people of the same name (the dashboard shows it on the person's page).
struct FoundPerson {
  Id person_id;
  std::string name;
  std::string reference;  // "7F3A"
};

// "Check in by name": a participant who forgot their pass, found on the roster by staff.
struct FindView {
  bool available = false;   // a session is open now, and names may show on this kiosk
  bool active = false;      // staff are typing a name
  std::string typed;
  bool shifted = false;
  std::vector<FoundPerson> found;  // matches for `typed`, by name
  bool more = false;               // more people match than are shown: type more
  FoundPerson chosen;              // set: to which session?
  std::vector<SessionCard> sessions;  // the sessions open now
  // What the last check-in by name did. In a discreet program the screen names neither
  // the person nor the group: name and session are empty.
  enum class Result { none, checked_in, already_in, failed } result = Result::none;
  std::string result_name;
  std::string result_session;
  std::string result_detail;  // failed: why
};

enum class AdminTab { sessions, recent, sync, export_data, settings };

struct AdminView {
  AdminTab tab = AdminTab::sessions;
  std::vector<SessionCard> sessions;   // today's sessions with counts and served flags
  Id names_session;                    // session whose names were asked for (empty: none)
  std::vector<std::string> names;      // preferred names checked in there, on request only
  int names_pass_holders = 0;          // ... and those checked in by a pass nobody here can name
  int names_anonymous = 0;             // ... and anonymous check-ins
  std::vector<RefusalNote> refusals;   // recent refusals with reasons
  FindView find;                       // check in by name
  std::string let_in_asked;            // the note whose sessions to let in to are shown
  // Recent: the site's last check-ins, newest first, and the correction under way.
  std::vector<RecentCheckIn> recent;
  std::string undo_asked;              // event id whose undo waits for "Undo" again
  std::string move_asked;              // event id being moved: choose its session
  std::vector<SessionCard> move_to;    // the open sessions it may move to
  std::string correction_note;         // what the last correction did, or why it could not
  std::string store_fault;             // last storage error; empty when healthy
  // Sync
  SyncDot sync = SyncDot::not_enrolled;
  SyncPhase sync_phase = SyncPhase::not_enrolled;
  std::string server_url;              // empty until enrolled
  std::string device_id;               // empty until enrolled
  std::string device_name;             // "Front door": how coordinators know this kiosk
  bool naming = false;                 // staff are typing a new name (on the keyboard)
  std::string naming_text;
  bool naming_shifted = false;
  std::string last_sync;               // "18:05" (today) or "2026-11-25 18:05"; empty: never
  std::string next_attempt;            // "18:07"; empty: none planned
  int pending_events = 0;
  int clock_offset_minutes = 0;        // kiosk clock minus the server's; 0: close enough to say nothing
  std::string last_error;              // the last sync failure, for staff
  std::vector<RefusalNote> dead_letters;  // time, event id, server's reason
  EnrolStep enrol = EnrolStep::none;
  EnrolNote enrol_note = EnrolNote::none;  // while waiting for a code: what was shown instead
  std::string enrol_detail;            // failed or malformed_code: why
  // Export
  std::string export_path;             // where the CSV goes (a USB stick's mount point)
  enum class ExportState { none, done, failed } export_state = ExportState::none;
  std::string export_file;             // done: the file written
  int export_rows = 0;                 // done: events in it
  std::string export_result;           // failed: the system's reason (e.g. "No space left on device")
  // Settings
  int volume_percent = 50;
  bool discreet_mode = false;          // hide every name on this kiosk
  bool high_contrast = false;
  bool feedback = true;                // asks for a rating at check-out
  std::vector<std::pair<std::string, std::string>> languages;  // code, name in that language
  bool leave_asked = false;            // "Leave kiosk mode" tapped once: asked before closing
};

// "What do we record?": the privacy notice, filled from what the server sends.
struct PrivacyView {
  int discreet_days = 90;   // support groups' attendance stays identified this long
  int other_days = 730;     // other programs'
  std::string contact;      // who to ask, as the organisation wrote it; empty: "ask a volunteer"
};

struct ViewState {
  Screen screen = Screen::ready;
  std::string language = "en";
  bool high_contrast = false;
  std::string site_name;
  std::string clock_text;  // "18:05"
  ReadyView ready;
  ResultView result;
  ChooseView choose;
  NoPassView no_pass;
  PinView pin;
  AdminView admin;
  PrivacyView privacy;
};

// What the person asked for.
struct Intent {
  enum class Kind {
    dismiss,                 // tap on a result, "back", "cancel", "done"
    open_no_pass,
    open_anonymous,          // "Check in anonymously"
    open_privacy,            // "What do we record?"
    choose_session,          // text = session id
    select_walk_in_session,  // text = session id
    type_text,               // text = characters typed on the on-screen keyboard
    erase_text,              // backspace
    toggle_shift,
    confirm_walk_in,
    feedback,                // number = 1..5
    skip_feedback,
    set_language,            // text = language code
    open_admin,              // the small staff button
    pin_digit,               // number = 0..9
    pin_erase,
    pin_submit,              // the "OK" key of the PIN pad
    admin_tab,               // number = AdminTab
    toggle_served,           // text = session id
    show_names,              // text = session id (empty hides them)
    let_in,                  // text = refusal note id: "let in anyway"
    let_in_to_session,       // text = session id, for the note asked
    undo_checkin,            // text = event id: asks first
    confirm_undo,            // text = event id
    move_checkin,            // text = event id: shows the sessions
    move_to_session,         // text = session id, for the check-in being moved
    cancel_staff_step,       // closes a question (undo, move, let in, naming, finding) without doing it
    start_find,              // "Check in by name": the keyboard types a name
    choose_found,            // text = person id: to which session?
    check_in_found,          // text = session id, for the person chosen
    start_naming,            // "Name this kiosk": the keyboard types the name
    save_name,
    retry_dead_letter,       // text = event id
    sync_now,
    start_enrolment,         // "Enrol this kiosk": the next enrolment code scanned enrols it
    cancel_enrolment,
    export_csv,
    set_export_path,         // text = path
    set_volume,              // number = 0..100
    toggle_discreet_mode,
    toggle_high_contrast,
    toggle_feedback,         // ask for a rating at check-out on this kiosk, or not
    leave_kiosk,
  };
  Kind kind;
  std::string text = {};
  int number = 0;
};

}  // namespace checkin::ui
