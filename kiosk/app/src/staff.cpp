// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/app/staff.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "cards.hpp"
#include "checkin/app/attendance_csv.hpp"
#include "checkin/core/log.hpp"
#include "checkin/sync/enrolment.hpp"

namespace checkin::app {

using namespace std::chrono;
using ui::Intent;

namespace {

constexpr std::size_t kMaxRefusalNotes = 20;
constexpr std::size_t kMaxPinDigits = 8;
constexpr std::size_t kMaxRecent = 30;
// An enrolment answers within the request timeout; the worker's status cannot tell a
// failure repeating the previous one's words from no answer yet, so this bounds the wait.
constexpr Millis kEnrolAnswerWithin = 90s;

bool is_enrolled(sync::SyncState state) {
  return state != sync::SyncState::not_enrolled && state != sync::SyncState::needs_enrolment;
}

bool is_checkin_kind(EventKind kind) {
  return kind == EventKind::checkin || kind == EventKind::walk_in || kind == EventKind::anonymous_checkin;
}

}  // namespace

Staff::Staff(CheckInDesk& desk, store::Store& store, SettingsBook& settings, const Schedule& schedule, PinGuard pin,
             std::string& store_fault)
    : desk_(desk), store_(store), settings_(settings), schedule_(schedule), pin_(std::move(pin)),
      store_fault_(store_fault) {
  if (auto failures = store_.get_setting("pin_failures"); failures && *failures)
    pin_.carry_over_failures(std::atoi((*failures)->c_str()));
}

void Staff::record_fault(const Error& error, std::string_view doing) {
  store_fault_ = error.message;
  log_error("admin", "{} failed: {}", doing, error.message);
}

// ---- the PIN pad ----

void Staff::open_pin() {
  pin_digits_.clear();
  pin_wrong_ = false;
}

Staff::Next Staff::on_pin(const Intent& intent) {
  switch (intent.kind) {
    case Intent::Kind::pin_digit:
      if (pin_digits_.size() < kMaxPinDigits && intent.number >= 0 && intent.number <= 9)
        pin_digits_ += static_cast<char>('0' + intent.number);
      pin_wrong_ = false;
      return Next::stay;
    case Intent::Kind::pin_erase:  // "Clear": the screen shows no count to erase one by one
      pin_digits_.clear();
      return Next::stay;
    case Intent::Kind::pin_submit: {
      auto verdict = pin_.check(pin_digits_, desk_.clock().now());
      pin_digits_.clear();
      if (auto ok = store_.set_setting("pin_failures", std::to_string(pin_.failures())); !ok)
        record_fault(ok.error(), "keeping the count of wrong PINs");  // across restarts
      if (verdict == PinGuard::Verdict::accepted) {
        log_info("admin", "staff signed in");
        admin_ = ui::AdminView{};
        return Next::admin;
      }
      pin_wrong_ = verdict == PinGuard::Verdict::wrong || verdict == PinGuard::Verdict::not_set;
      if (verdict == PinGuard::Verdict::wrong) log_warn("admin", "wrong staff PIN ({} in a row)", pin_.failures());
      if (verdict == PinGuard::Verdict::not_set) log_warn("admin", "no staff PIN is configured (kiosk.admin_pin_hash)");
      return Next::stay;
    }
    case Intent::Kind::dismiss: return Next::ready;
    default: return Next::stay;
  }
}

// ---- the admin screen ----

Staff::Next Staff::on_admin(const Intent& intent) {
  auto change = [&](std::string_view key, auto edit) {
    if (auto ok = settings_.change(key, edit); !ok) record_fault(ok.error(), fmt::format("saving setting {}", key));
  };
  // A question left open (undo? move where? let in where?) closes with any other tap.
  const bool keeps_question = intent.kind == Intent::Kind::confirm_undo || intent.kind == Intent::Kind::move_to_session ||
                              intent.kind == Intent::Kind::let_in_to_session;
  if (intent.kind != Intent::Kind::leave_kiosk) admin_.leave_asked = false;
  if (!keeps_question) {
    admin_.undo_asked.clear();
    admin_.move_asked.clear();
    admin_.let_in_asked.clear();
  }
  if (intent.kind != Intent::Kind::undo_checkin && intent.kind != Intent::Kind::move_checkin && !keeps_question)
    admin_.correction_note.clear();

  if (on_find(intent)) return Next::stay;
  switch (intent.kind) {
    case Intent::Kind::admin_tab:
      admin_.tab = static_cast<ui::AdminTab>(std::clamp(intent.number, 0, static_cast<int>(ui::AdminTab::settings)));
      admin_.naming = false;
      admin_.find = {};
      break;
    case Intent::Kind::toggle_served: {
      const Id id = intent.text;
      change("unserved", [&](KioskSettings& s) {
        if (!s.unserved.erase(id)) s.unserved.insert(id);
      });
      return Next::admin;  // the flow applies what is served
    }
    case Intent::Kind::show_names: admin_.names_session = intent.text; break;
    case Intent::Kind::let_in: {
      auto it = std::ranges::find_if(refusals_, [&](const Refusal& r) { return r.note.id == intent.text; });
      if (it == refusals_.end() || it->note.let_in.empty() || it->note.let_in_done) break;
      if (it->note.let_in.size() == 1) let_in(intent.text, it->note.let_in.front().id);
      else admin_.let_in_asked = intent.text;
      break;
    }
    case Intent::Kind::let_in_to_session: {
      const std::string note = std::exchange(admin_.let_in_asked, std::string());
      if (!note.empty()) let_in(note, intent.text);
      break;
    }
    case Intent::Kind::undo_checkin: admin_.undo_asked = intent.text; break;
    case Intent::Kind::confirm_undo:
      if (std::exchange(admin_.undo_asked, std::string()) == intent.text)
        correct(desk_.undo(intent.text), "admin.recent.undone");
      break;
    case Intent::Kind::move_checkin: admin_.move_asked = intent.text; break;
    case Intent::Kind::move_to_session: {
      const std::string event = std::exchange(admin_.move_asked, std::string());
      if (!event.empty()) correct(desk_.move(event, intent.text), "admin.recent.moved");
      break;
    }
    case Intent::Kind::cancel_staff_step: admin_.naming = false; break;
    case Intent::Kind::retry_dead_letter:
      if (auto ok = store_.requeue_dead_letter(intent.text); !ok) record_fault(ok.error(), "retrying a dead letter");
      else if (sync_) sync_->nudge();
      break;
    case Intent::Kind::sync_now:
      if (sync_) {
        log_info("sync", "staff asked for a sync now");
        sync_->nudge();
      }
      break;
    case Intent::Kind::start_enrolment:
      if (sync_) {
        admin_.tab = ui::AdminTab::sync;
        admin_.enrol = ui::EnrolStep::waiting_for_code;
        admin_.enrol_note = ui::EnrolNote::none;
        admin_.enrol_detail.clear();
      }
      break;
    case Intent::Kind::cancel_enrolment:
      // An enrolment already handed to the worker finishes anyway; its result shows in the status.
      admin_.enrol = ui::EnrolStep::none;
      admin_.enrol_note = ui::EnrolNote::none;
      admin_.enrol_detail.clear();
      break;
    case Intent::Kind::start_naming: {
      admin_.naming = true;
      auto name = store_.get_setting(store::kDeviceNameSetting);
      admin_.naming_text = name && *name ? **name : std::string();
      admin_.naming_shifted = admin_.naming_text.empty();
      break;
    }
    case Intent::Kind::type_text:
      if (admin_.naming && admin_.naming_text.size() + intent.text.size() <= sync::kMaxDeviceNameLength) {
        admin_.naming_text += intent.text;
        admin_.naming_shifted = false;
      }
      break;
    case Intent::Kind::erase_text:
      if (admin_.naming) erase_last_code_point(admin_.naming_text);
      break;
    case Intent::Kind::toggle_shift: admin_.naming_shifted = !admin_.naming_shifted; break;
    case Intent::Kind::save_name: {
      std::string name = admin_.naming_text;
      while (!name.empty() && name.back() == ' ') name.pop_back();
      while (!name.empty() && name.front() == ' ') name.erase(name.begin());
      if (name.empty() || !sync::check_device_name(name)) break;
      // Shown here at once; the server hears it at the next sync (or enrolment).
      for (auto [key, value] : {std::pair{store::kDeviceNameSetting, std::string_view(name)},
                                std::pair{store::kDeviceNamePendingSetting, std::string_view(name)}}) {
        if (auto ok = store_.set_setting(key, value); !ok) {
          record_fault(ok.error(), "naming the kiosk");
          return Next::stay;
        }
      }
      admin_.naming = false;
      admin_.device_name = name;
      log_info("admin", "the kiosk was renamed on its admin screen");
      if (sync_) sync_->nudge();
      break;
    }
    case Intent::Kind::export_csv: export_csv(); break;
    case Intent::Kind::set_export_path:
      change("export_dir", [&](KioskSettings& s) { s.export_dir = intent.text; });
      break;
    case Intent::Kind::set_volume:
      change("volume", [&](KioskSettings& s) { s.volume = std::clamp(intent.number, 0, 100); });
      break;
    case Intent::Kind::toggle_discreet_mode:
      change("discreet_mode", [](KioskSettings& s) { s.discreet_mode = !s.discreet_mode; });
      break;
    case Intent::Kind::toggle_high_contrast:
      change("high_contrast", [](KioskSettings& s) { s.high_contrast = !s.high_contrast; });
      break;
    case Intent::Kind::toggle_feedback:
      change("feedback", [](KioskSettings& s) { s.feedback = !s.feedback; });
      break;
    case Intent::Kind::set_language:
      change("language", [&](KioskSettings& s) { s.language = intent.text; });
      return Next::admin;  // the flow speaks the new language at once
    case Intent::Kind::leave_kiosk:
      if (!std::exchange(admin_.leave_asked, true)) break;  // asked first
      log_info("admin", "leaving kiosk mode");
      return Next::leave;
    case Intent::Kind::dismiss: return Next::ready;
    default: break;
  }
  return Next::stay;
}

void Staff::on_admin_scan(std::string_view code) {
  if (admin_.enrol == ui::EnrolStep::waiting_for_code && sync_) start_enrolment(code);
}

void Staff::leave_screens() {
  pin_digits_.clear();
  pin_wrong_ = false;
  admin_.names_session.clear();
  admin_.undo_asked.clear();
  admin_.move_asked.clear();
  admin_.let_in_asked.clear();
  admin_.naming = false;
  admin_.find = {};  // nobody's name stays on the admin screen for the next person to open it
}

// ---- refusals and "let in anyway" ----

std::string Staff::note_refusal(const Decision& d, std::string_view code) {
  Refusal refusal;
  refusal.note.time = local_time(desk_.clock().now().wall);
  refusal.note.outcome = to_string(d.outcome);
  refusal.note.reason = d.reason;
  refusal.note.id = fmt::format("R{}", ++next_refusal_);
  // Staff may overrule a full session or a missing registration; never an invalid pass.
  std::vector<Id> sessions;
  if (d.outcome == Outcome::session_full && !d.session_id.empty()) sessions = {d.session_id};
  if (d.outcome == Outcome::not_registered && !d.pass_id.empty()) sessions = d.session_choices;
  for (const auto& id : sessions)
    if (const Session* s = schedule_.session(id)) refusal.note.let_in.push_back(session_card(*s, schedule_, desk_, settings_.get()));
  if (!refusal.note.let_in.empty()) refusal.code = std::string(code);
  std::string reference = refusal.note.id;
  refusals_.push_front(std::move(refusal));
  if (refusals_.size() > kMaxRefusalNotes) refusals_.pop_back();
  return reference;
}

void Staff::let_in(const std::string& note_id, const Id& session_id) {
  auto it = std::ranges::find_if(refusals_, [&](const Refusal& r) { return r.note.id == note_id; });
  if (it == refusals_.end() || it->code.empty()) return;
  Decision d = desk_.let_in(it->code, session_id);
  log_info("admin", "let in anyway: outcome={} session={} pass={}", to_string(d.outcome), session_id,
           d.pass_id.substr(0, 8));
  if (d.outcome == Outcome::not_recorded) {
    store_fault_ = d.reason;
    return;
  }
  if (d.outcome == Outcome::checked_in || d.outcome == Outcome::already_checked_in) {
    it->note.let_in_done = true;
    it->code.clear();  // not needed any more
    if (sync_ && !d.events.empty()) sync_->nudge();
  } else {
    admin_.correction_note = fmt::format("{}: {}", to_string(d.outcome), d.reason);
  }
}

// ---- recent check-ins: undo and move ----

void Staff::correct(Result<std::vector<AttendanceEvent>> corrected, std::string_view done) {
  if (!corrected) {
    if (corrected.error().code == Errc::invalid_input) {
      admin_.correction_note = corrected.error().message;
    } else {
      record_fault(corrected.error(), "recording a correction");
    }
    return;
  }
  for (const auto& e : *corrected) log_info("admin", "correction: {} event={} session={}", to_string(e.kind), e.event_id, e.session_id);
  admin_.correction_note = std::string(done);  // a translation key: the screen words it
  store_fault_.clear();
  if (sync_) sync_->nudge();
}

std::vector<ui::RecentCheckIn> Staff::recent() const {
  const Ledger& ledger = desk_.ledger();
  const KioskSettings& settings = settings_.get();
  std::vector<const AttendanceEvent*> checkins;
  for (const auto& e : ledger.events())
    if (is_checkin_kind(e.kind) && !ledger.undone(e.event_id) && schedule_.session(e.session_id)) checkins.push_back(&e);
  std::ranges::sort(checkins, [](const AttendanceEvent* a, const AttendanceEvent* b) { return a->wall_time > b->wall_time; });
  if (checkins.size() > kMaxRecent) checkins.resize(kMaxRecent);

  std::vector<ui::RecentCheckIn> out;
  for (const AttendanceEvent* e : checkins) {
    const Session& session = *schedule_.session(e->session_id);
    const Program* program = schedule_.program(session.program_id);
    const bool discreet = (program && program->discreet) || settings.discreet_mode;
    ui::RecentCheckIn row;
    row.event_id = e->event_id;
    row.time = local_time(e->wall_time);
    row.kind = e->kind;
    row.here = e->device_id == desk_.device_id();
    row.by_staff = (e->flags & flag_staff) != 0;
    if (!discreet) {
      row.session = program ? program->name : std::string();
      if (e->kind == EventKind::walk_in) {
        row.who = e->walk_in_name;
      } else if (e->kind == EventKind::checkin) {
        const Person* person = e->person_id.empty() ? desk_.roster().find_by_pass(e->pass_id) : nullptr;
        auto known = desk_.roster().people.find(e->person_id);
        if (known != desk_.roster().people.end()) person = &known->second;
        if (person) row.who = person->preferred_name;
      }
    }
    out.push_back(std::move(row));
  }
  return out;
}

// ---- names on request, every door's check-ins together ----

void Staff::fill_names(ui::AdminView& admin) const {
  const KioskSettings& settings = settings_.get();
  if (settings.discreet_mode) {
    admin.names_session.clear();
    return;
  }
  auto name_of = [&](const Id& person_id, const std::string& pass_id) -> std::string {
    if (auto known = desk_.roster().people.find(person_id); known != desk_.roster().people.end())
      return known->second.preferred_name;
    if (const Person* by_pass = desk_.roster().find_by_pass(pass_id)) return by_pass->preferred_name;
    return {};
  };
  if (const Shift* shift = schedule_.shift(admin_.names_session)) {
    // Who is on shift now, whichever door they started at.
    for (const auto& span : desk_.ledger().open_shifts()) {
      if (span.shift_id != shift->id) continue;
      std::string name = name_of(span.person_id, span.pass_id);
      if (name.empty()) ++admin.names_pass_holders;
      else admin.names.push_back(std::move(name));
    }
    std::ranges::sort(admin.names);
    return;
  }
  const Session* asked = schedule_.session(admin_.names_session);
  const Program* program = asked ? schedule_.program(asked->program_id) : nullptr;
  if (!program || program->discreet) {
    admin.names_session.clear();
    return;
  }
  // One entry per attendee the count counts, so the list and the count agree.
  std::set<std::string> seen;
  for (const auto& stay : desk_.session_tally(*asked).stays) {
    if (!seen.insert(stay.attendee).second) continue;
    if (stay.kind == EventKind::anonymous_checkin) {
      ++admin.names_anonymous;
      continue;
    }
    std::string name = stay.kind == EventKind::walk_in ? stay.walk_in_name : name_of(stay.person_id, stay.pass_id);
    if (name.empty()) ++admin.names_pass_holders;
    else admin.names.push_back(std::move(name));
  }
}

// Today's sessions (by the kiosk's local date) and any still open from yesterday, then the
// shifts with who is on them now.
std::vector<ui::SessionCard> Staff::today_cards() const {
  const WallTime now = desk_.clock().now().wall;
  std::vector<const Session*> today;
  for (const auto& s : schedule_.sessions)
    if (local_day(s.start) == local_day(now) || s.window_contains(now)) today.push_back(&s);
  std::ranges::sort(today, [](const Session* a, const Session* b) { return a->start < b->start; });
  auto cards = session_cards(today, schedule_, desk_, settings_.get());
  const auto open = desk_.ledger().open_shifts();
  for (const auto& shift : schedule_.shifts) {
    ui::SessionCard c;
    c.id = shift.id;
    c.title = shift.role;
    c.time_range = local_time(shift.start) + "–" + local_time(shift.end);
    c.served = !settings_.get().unserved.contains(shift.id);
    c.checked_in = static_cast<int>(std::ranges::count(open, shift.id, &ShiftSpan::shift_id));
    c.is_shift = true;
    cards.push_back(std::move(c));
  }
  return cards;
}

// ---- enrolment ----

void Staff::start_enrolment(std::string_view code) {
  if (!sync::looks_like_enrolment_code(code)) {
    admin_.enrol_note = ui::EnrolNote::pass_ignored;
    admin_.enrol_detail.clear();
    return;
  }
  auto parsed = sync::parse_enrolment_code(code);
  if (!parsed) {
    // The message is for staff on this screen; the log gets no part of the code (it holds a token).
    admin_.enrol_note = ui::EnrolNote::malformed_code;
    admin_.enrol_detail = parsed.error().message;
    log_warn("sync", "an enrolment code could not be read ({})", to_string(parsed.error().code));
    return;
  }
  log_info("sync", "enrolment code scanned: enrolling with {}", parsed->server_url);
  enrol_before_ = sync_->status();
  enrol_started_ = desk_.clock().now();
  admin_.enrol = ui::EnrolStep::enrolling;
  admin_.enrol_note = ui::EnrolNote::none;
  admin_.enrol_detail.clear();
  sync_->enrol(std::move(*parsed));
}

void Staff::follow_enrolment(const sync::SyncStatus& s) {
  if (admin_.enrol != ui::EnrolStep::enrolling) return;
  const bool joined = (!is_enrolled(enrol_before_.state) && is_enrolled(s.state)) ||
                      (!s.device_id.empty() && s.device_id != enrol_before_.device_id);
  if (joined) {
    admin_.enrol = ui::EnrolStep::enrolled;
    log_info("sync", "enrolled as device {}", s.device_id);
  } else if ((!s.last_error.empty() && s.last_error != enrol_before_.last_error) ||
             desk_.clock().now().monotonic - enrol_started_.monotonic >= kEnrolAnswerWithin) {
    admin_.enrol = ui::EnrolStep::failed;
    admin_.enrol_detail = s.last_error.empty() ? "no answer from the server" : s.last_error;
    log_warn("sync", "enrolment failed: {}", admin_.enrol_detail);
  }
  if (admin_.enrol != ui::EnrolStep::enrolling) enrol_changed_ = true;
}

void Staff::tick(bool on_admin_screen) {
  if (sync_) follow_enrolment(sync_->status());
  if (!on_admin_screen) return;
  if (auto counts = store_.outbox_counts()) admin_.pending_events = static_cast<int>(counts->pending);
  if (auto dead = store_.dead_letters()) {
    admin_.dead_letters.clear();
    for (const auto& d : *dead)
      admin_.dead_letters.push_back(ui::RefusalNote{local_time(d.event.wall_time), d.event.event_id, d.reason});
  }
  if (auto id = store_.device_id(); id && *id) admin_.device_id = **id;
  if (auto name = store_.get_setting(store::kDeviceNameSetting); name && *name) admin_.device_name = **name;
}

// ---- export ----

void Staff::export_csv() {
  auto events = store_.events_since(WallTime{});
  if (!events) {
    admin_.export_state = ui::AdminView::ExportState::failed;
    admin_.export_result = events.error().message;
    return;
  }
  auto now = desk_.clock().now().wall;
  std::time_t tt = system_clock::to_time_t(floor<seconds>(now));
  auto device = store_.device_id();
  std::string name = fmt::format("attendance-{}-{:%Y%m%d-%H%M}.csv",
                                 device && *device ? **device : std::string("kiosk"), fmt::localtime(tt));
  const KioskSettings& settings = settings_.get();
  auto csv = attendance_csv(*events, schedule_, desk_.roster(), settings.discreet_mode);
  auto written = write_attendance_csv(settings.export_dir, name, csv);
  if (!written) {
    admin_.export_state = ui::AdminView::ExportState::failed;
    admin_.export_result = written.error().message;
    log_error("export", "{}", written.error().message);
    return;
  }
  admin_.export_state = ui::AdminView::ExportState::done;
  admin_.export_file = written->string();
  admin_.export_rows = static_cast<int>(events->size());
  log_info("export", "{} events written to {}", events->size(), written->string());
}

// ---- the view ----

void Staff::fill(ui::ViewState& v, const sync::SyncStatus& status) const {
  const Instant now = desk_.clock().now();
  const KioskSettings& settings = settings_.get();
  v.pin.digits_entered = static_cast<int>(pin_digits_.size());
  v.pin.wrong = pin_wrong_;
  v.pin.locked_seconds = pin_.seconds_locked(now);

  ui::AdminView& admin = v.admin;
  admin = admin_;
  admin.store_fault = store_fault_;
  for (const auto& r : refusals_) admin.refusals.push_back(r.note);
  admin.export_path = settings.export_dir;
  admin.volume_percent = settings.volume;
  admin.discreet_mode = settings.discreet_mode;
  admin.high_contrast = settings.high_contrast;
  admin.feedback = settings.feedback;
  admin.languages = languages_;
  if (sync_) {
    admin.sync = sync_dot(status);
    admin.sync_phase = sync_phase(status.state);
    admin.server_url = status.server_url;
    admin.last_sync = status.last_success ? local_date_time(*status.last_success, now.wall) : std::string{};
    admin.next_attempt = status.next_attempt && status.state != sync::SyncState::synced
                             ? local_date_time(*status.next_attempt, now.wall)
                             : std::string{};
    admin.clock_offset_minutes = clock_offset_minutes(status.clock_offset);
    admin.last_error = status.last_error;
  } else {
    admin.sync_phase = ui::SyncPhase::disabled;
  }
  if (v.screen != ui::Screen::admin) return;
  admin.sessions = today_cards();
  if (admin.tab == ui::AdminTab::recent) admin.recent = recent();  // a walk over the ledger: only when shown
  if (!admin_.move_asked.empty()) {
    const AttendanceEvent* moving = desk_.ledger().find(admin_.move_asked);
    for (const Session* s : open_sessions(desk_.schedule(), now.wall))
      if (!moving || s->id != moving->session_id) admin.move_to.push_back(session_card(*s, schedule_, desk_, settings));
  }
  fill_names(admin);
  if (admin.tab == ui::AdminTab::sessions) fill_find(admin.find, now.wall);
}

}  // namespace checkin::app
