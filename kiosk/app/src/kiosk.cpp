#include "checkin/app/kiosk.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "checkin/app/attendance_csv.hpp"
#include "checkin/core/log.hpp"
#include "checkin/sync/enrolment.hpp"

namespace checkin::app {

using namespace std::chrono;
using ui::Intent;
using ui::Screen;

namespace {

constexpr std::size_t kMaxRefusalNotes = 20;
constexpr std::size_t kMaxNameBytes = 40;
constexpr std::size_t kMaxPinDigits = 8;
constexpr Millis kShiftCheckEvery = 60s;
// An enrolment answers within the request timeout; the worker's status cannot tell a
// failure repeating the previous one's words from no answer yet, so this bounds the wait.
constexpr Millis kEnrolAnswerWithin = 90s;

std::string join(const std::set<Id>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

std::set<Id> split(std::string_view text) {
  std::set<Id> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto part = text.substr(0, comma);
    if (!part.empty()) out.emplace(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

void erase_last_code_point(std::string& text) {
  while (!text.empty()) {
    unsigned char c = static_cast<unsigned char>(text.back());
    text.pop_back();
    if ((c & 0xC0) != 0x80) break;  // stop after removing a lead byte or an ASCII char
  }
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return std::string(text);
}

bool is_enrolled(sync::SyncState state) {
  return state != sync::SyncState::not_enrolled && state != sync::SyncState::needs_enrolment;
}

// What the screens show of a status (caches_version only drives reloading).
bool same_for_screens(const sync::SyncStatus& a, const sync::SyncStatus& b) {
  return a.state == b.state && a.device_id == b.device_id && a.server_url == b.server_url &&
         a.last_success == b.last_success && a.clock_offset == b.clock_offset && a.last_error == b.last_error &&
         a.pending == b.pending && a.dead_letters == b.dead_letters && a.next_attempt == b.next_attempt;
}

Cue cue_for(Outcome outcome) {
  if (outcome == Outcome::choose_session) return Cue::none;
  return needs_volunteer(outcome) ? Cue::see_volunteer : Cue::success;
}

}  // namespace

Kiosk::Kiosk(CheckInDesk& desk, store::Store& store, PinGuard pin, KioskSettings defaults, KioskTimeouts timeouts)
    : desk_(desk), store_(store), pin_(std::move(pin)), defaults_(std::move(defaults)), settings_(defaults_),
      timeouts_(timeouts) {
  load_settings();
  if (auto failures = store_.get_setting("pin_failures"); failures && *failures)
    pin_.carry_over_failures(std::atoi((*failures)->c_str()));
  language_ = settings_.language;
  screen_since_ = last_interaction_ = last_shift_check_ = desk_.clock().now();
}

// What a kiosk uses, each layer over the one before: the configuration file, what
// coordinators set for the site on the server (sync keeps it as "central.<key>"), and what
// staff chose on this kiosk's admin screen (saved key by key, only when changed here).
void Kiosk::load_settings() {
  auto saved = store_.all_settings();
  if (!saved) {
    store_fault_ = saved.error().message;
    return;
  }
  settings_ = defaults_;
  auto apply = [&](const std::string& prefix) {
    auto get = [&](const char* key) -> const std::string* {
      auto it = saved->find(prefix + key);
      return it == saved->end() ? nullptr : &it->second;
    };
    if (auto v = get("language")) settings_.language = *v;
    if (auto v = get("volume")) settings_.volume = std::clamp(std::atoi(v->c_str()), 0, 100);
    if (auto v = get("discreet_mode")) settings_.discreet_mode = *v == "true";
    if (auto v = get("high_contrast")) settings_.high_contrast = *v == "true";
    if (prefix.empty()) {  // local matters, never set centrally
      if (auto v = get("export_dir")) settings_.export_dir = *v;
      if (auto v = get("unserved")) settings_.unserved = split(*v);
    }
  };
  apply(std::string(store::kCentralSettingPrefix));
  apply("");
}

void Kiosk::set_sync(SyncLink* sync) {
  sync_ = sync;
  sync_changed_ = true;
  poll_sync();
}

void Kiosk::load_caches() {
  auto fail_soft = [](const Error& e) { log_error("store", "{}", e.message); };
  if (auto roster = store_.load_roster()) desk_.set_roster(std::move(*roster));
  else fail_soft(roster.error());
  // Keys and revocations are replaced whole: a key rotated out stops being trusted.
  if (auto keys = store_.load_public_keys()) {
    KeyRing ring;
    for (const auto& k : *keys)
      if (auto key = PublicKey::from_hex(k.public_key_hex); !key || !ring.add(*key))
        log_error("kiosk", "public key {} not usable", k.key_id_hex);
    desk_.verifier().keys() = std::move(ring);
  } else {
    fail_soft(keys.error());
  }
  if (auto revoked = store_.revocations()) {
    Revocations ids;
    for (const auto& r : *revoked) ids.insert(r.pass_id_hex);
    desk_.verifier().revocations() = std::move(ids);
  } else {
    fail_soft(revoked.error());
  }
  if (auto site = store_.get_setting("site_name"); site && *site) site_name_ = **site;
  const std::string language_before = settings_.language;
  load_settings();  // coordinators may have changed the site's settings
  if (language_ == language_before) language_ = settings_.language;  // not while someone chose another
  if (auto schedule = store_.load_schedule()) set_schedule(std::move(*schedule));
  else fail_soft(schedule.error());
  // After enrolment the store holds the server's id for this kiosk; new events carry it.
  if (auto id = store_.device_id(); id && *id && **id != desk_.device_id()) {
    log_info("kiosk", "device id is now {}", **id);
    desk_.set_device_id(**id);
  }
  caches_device_id_ = desk_.device_id();
  log_info("kiosk", "loaded: {} sessions, {} people on the roster, {} pass keys, {} revoked passes",
           desk_.schedule().sessions.size(), desk_.roster().people.size(), desk_.verifier().keys().keys().size(),
           desk_.verifier().revocations().size());
}

void Kiosk::load_history() {
  if (auto history = store_.events_since(desk_.clock().now().wall - kLedgerMemory)) desk_.load_history(*history);
  else log_error("store", "{}", history.error().message);
  log_info("kiosk", "{} events of the last {} h remembered", desk_.ledger().events().size(),
           duration_cast<hours>(kLedgerMemory).count());
}

void Kiosk::nudge_sync() {
  if (sync_) sync_->nudge();
}

void Kiosk::poll_sync() {
  if (!sync_) return;
  auto s = sync_->status();
  if (!same_for_screens(s, sync_status_)) sync_changed_ = true;
  // The worker wrote new caches (or enrolment a new device id) through its own connection.
  if (s.caches_version != caches_version_ || (!s.device_id.empty() && s.device_id != caches_device_id_)) {
    caches_version_ = s.caches_version;
    load_caches();
    caches_device_id_ = s.device_id.empty() ? caches_device_id_ : s.device_id;
    sync_changed_ = true;
  }
  if (admin_.enrol == ui::EnrolStep::enrolling) {
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
    if (joined || admin_.enrol == ui::EnrolStep::failed) sync_changed_ = true;
  }
  sync_status_ = std::move(s);
}

void Kiosk::on_enrolment_scan(std::string_view code) {
  touch();
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

void Kiosk::set_schedule(Schedule schedule) {
  full_schedule_ = std::move(schedule);
  apply_served();
}

void Kiosk::apply_served() {
  Schedule served = full_schedule_;
  std::erase_if(served.sessions, [&](const Session& s) { return settings_.unserved.contains(s.id); });
  std::erase_if(served.shifts, [&](const Shift& s) { return settings_.unserved.contains(s.id); });
  desk_.set_schedule(std::move(served));
}

void Kiosk::save_setting(std::string_view key) {
  std::string value;
  if (key == "language") value = settings_.language;
  else if (key == "volume") value = std::to_string(settings_.volume);
  else if (key == "discreet_mode") value = settings_.discreet_mode ? "true" : "false";
  else if (key == "high_contrast") value = settings_.high_contrast ? "true" : "false";
  else if (key == "export_dir") value = settings_.export_dir;
  else if (key == "unserved") value = join(settings_.unserved);
  else if (key == "pin_failures") value = std::to_string(pin_.failures());
  if (auto ok = store_.set_setting(key, value); !ok) {
    store_fault_ = ok.error().message;
    log_error("kiosk", "saving setting {} failed: {}", key, ok.error().message);
  }
}

void Kiosk::go(Screen screen) {
  screen_ = screen;
  screen_since_ = last_interaction_ = desk_.clock().now();
}

void Kiosk::go_ready() {
  go(Screen::ready);
  language_ = settings_.language;  // the next person starts in the kiosk's language
  no_pass_ = {};
  pin_digits_.clear();
  pin_wrong_ = false;
  admin_.names_session.clear();
  feedback_session_.clear();
}

// ---- scans and their results ----

void Kiosk::on_scan(std::string_view code) {
  // Staff screens are not for check-ins; a pass shown there is ignored. Only there, in
  // enrol mode, does an enrolment code enrol the kiosk.
  if (screen_ == Screen::admin) {
    if (admin_.enrol == ui::EnrolStep::waiting_for_code && sync_) on_enrolment_scan(code);
    return;
  }
  if (screen_ == Screen::admin_pin) return;
  auto decision = desk_.scan(code);
  if (!decision) return;
  if (sync::looks_like_enrolment_code(code)) {
    // Anyone can hold a code up to the public screen; enrolling takes the staff PIN. The
    // code carries a secret token: the log says only that one was seen.
    log_info("scan", "an enrolment code was shown on the public screen and ignored");
    decision->reason = "an enrolment code: only the admin screen (Sync tab) enrols this kiosk";
  }
  show(*decision);
}

void Kiosk::note_refusal(const Decision& d) {
  refusals_.push_front(ui::RefusalNote{local_time(desk_.clock().now().wall), to_string(d.outcome), d.reason});
  if (refusals_.size() > kMaxRefusalNotes) refusals_.pop_back();
}

void Kiosk::show(const Decision& d) {
  last_decision_ = d;
  std::string events;
  for (const auto& e : d.events) events += fmt::format(" event={} seq={}", e.event_id, e.seq);
  // Ids only: the log never carries a name.
  log_info("scan", "outcome={} pass={} session={} shift={}{}{}", to_string(d.outcome), d.pass_id.substr(0, 8),
            d.session_id, d.shift_id, events, d.reason.empty() ? "" : " reason=\"" + d.reason + "\"");
  if (d.outcome == Outcome::not_recorded) store_fault_ = d.reason;
  else if (!d.events.empty()) store_fault_.clear();
  if (!d.events.empty()) nudge_sync();
  if (needs_volunteer(d.outcome)) note_refusal(d);
  cue_ = cue_for(d.outcome);

  if (d.outcome == Outcome::choose_session) {
    choose_.purpose = ui::ChoosePurpose::pass;
    choose_.choices.clear();
    for (const auto& id : d.session_choices)
      if (const Session* s = desk_.schedule().session(id)) choose_.choices.push_back(card(*s));
    go(Screen::choose_session);
    return;
  }

  result_ = ui::ResultView{};
  result_.outcome = d.outcome;
  result_.discreet = d.discreet || settings_.discreet_mode;
  result_.name = settings_.discreet_mode ? std::string{} : d.greeting_name;
  if (const Session* s = desk_.schedule().session(d.session_id); s && !d.discreet && !settings_.discreet_mode) {
    const Program* p = desk_.schedule().program(s->program_id);
    result_.where = p ? (s->room.empty() ? p->name : p->name + " · " + s->room) : "";
  }
  if (d.outcome == Outcome::shift_started) result_.shift_started = local_time(d.shift_started);
  result_.shift_duration = d.shift_duration;
  // Greet people in their own language when the roster knows it and the kiosk has it.
  if (auto it = desk_.roster().people.find(d.person_id); it != desk_.roster().people.end()) {
    const auto& lang = it->second.language;
    if (std::ranges::any_of(languages_, [&](const auto& l) { return l.first == lang; })) language_ = lang;
  }
  if (d.outcome == Outcome::checked_out && d.ask_feedback) {
    feedback_session_ = d.session_id;
    go(Screen::feedback);
    return;
  }
  go(Screen::result);
}

// ---- taps ----

void Kiosk::on_intent(const Intent& intent) {
  touch();
  if (screen_ == Screen::admin) return handle_admin(intent);
  if (screen_ == Screen::admin_pin) return handle_pin(intent);
  Instant now = desk_.clock().now();
  auto open = open_sessions(desk_.schedule(), now.wall);
  auto allows = [&](bool Program::*flag) {
    std::vector<const Session*> out;
    for (const Session* s : open)
      if (const Program* p = desk_.schedule().program(s->program_id); p && p->*flag) out.push_back(s);
    return out;
  };

  switch (intent.kind) {
    case Intent::Kind::dismiss:
      if (screen_ == Screen::feedback) go(Screen::result);
      else go_ready();
      break;
    case Intent::Kind::open_no_pass: {
      no_pass_ = {};
      no_pass_.sessions = cards(allows(&Program::walk_ins_allowed));
      no_pass_.shifted = true;  // a name starts with a capital
      if (no_pass_.sessions.size() == 1) no_pass_.selected = no_pass_.sessions.front().id;
      if (!no_pass_.sessions.empty()) go(Screen::no_pass);
      break;
    }
    case Intent::Kind::open_anonymous: {
      auto sessions = allows(&Program::anonymous_allowed);
      if (sessions.size() == 1) {
        show(desk_.check_in_anonymously(sessions.front()->id));
      } else if (sessions.size() > 1) {
        choose_.purpose = ui::ChoosePurpose::anonymous;
        choose_.choices = cards(sessions);
        go(Screen::choose_session);
      }
      break;
    }
    case Intent::Kind::choose_session:
      if (screen_ != Screen::choose_session) break;
      show(choose_.purpose == ui::ChoosePurpose::anonymous ? desk_.check_in_anonymously(intent.text)
                                                           : desk_.choose_session(intent.text));
      break;
    case Intent::Kind::select_walk_in_session: no_pass_.selected = intent.text; break;
    case Intent::Kind::type_text:
      if (no_pass_.name.size() + intent.text.size() <= kMaxNameBytes) no_pass_.name += intent.text;
      no_pass_.shifted = false;
      break;
    case Intent::Kind::erase_text:
      erase_last_code_point(no_pass_.name);
      if (no_pass_.name.empty()) no_pass_.shifted = true;
      break;
    case Intent::Kind::toggle_shift: no_pass_.shifted = !no_pass_.shifted; break;
    case Intent::Kind::confirm_walk_in:
      if (screen_ == Screen::no_pass && !no_pass_.selected.empty()) {
        auto session = no_pass_.selected;
        auto name = trimmed(no_pass_.name);
        no_pass_ = {};  // the typed name is not kept on screen
        show(desk_.walk_in(session, name));
      }
      break;
    case Intent::Kind::feedback:
      if (screen_ == Screen::feedback && intent.number >= 1 && intent.number <= 5) {
        if (auto ok = store_.record_feedback(Feedback{feedback_session_, intent.number}, now.wall); !ok) {
          store_fault_ = ok.error().message;
          log_error("feedback", "not stored: {}", ok.error().message);
        } else {
          nudge_sync();
        }
        feedback_session_.clear();
        go(Screen::result);
      }
      break;
    case Intent::Kind::skip_feedback:
      feedback_session_.clear();
      go(Screen::result);
      break;
    case Intent::Kind::set_language: language_ = intent.text; break;
    case Intent::Kind::open_admin:
      pin_digits_.clear();
      pin_wrong_ = false;
      go(Screen::admin_pin);
      break;
    default: break;
  }
}

void Kiosk::handle_pin(const Intent& intent) {
  switch (intent.kind) {
    case Intent::Kind::pin_digit:
      if (pin_digits_.size() < kMaxPinDigits && intent.number >= 0 && intent.number <= 9)
        pin_digits_ += static_cast<char>('0' + intent.number);
      pin_wrong_ = false;
      break;
    case Intent::Kind::pin_erase:
      if (!pin_digits_.empty()) pin_digits_.pop_back();
      break;
    case Intent::Kind::pin_submit: {
      auto verdict = pin_.check(pin_digits_, desk_.clock().now());
      pin_digits_.clear();
      if (verdict == PinGuard::Verdict::accepted) {
        log_info("admin", "staff signed in");
        admin_ = ui::AdminView{};
        go(Screen::admin);
        tick();
      } else {
        pin_wrong_ = verdict == PinGuard::Verdict::wrong || verdict == PinGuard::Verdict::not_set;
        if (verdict == PinGuard::Verdict::wrong) log_warn("admin", "wrong staff PIN ({} in a row)", pin_.failures());
        if (verdict == PinGuard::Verdict::not_set) log_warn("admin", "no staff PIN is configured (kiosk.admin_pin_hash)");
      }
      save_setting("pin_failures");  // keeps the count of wrong tries across restarts
      break;
    }
    case Intent::Kind::dismiss: go_ready(); break;
    default: break;
  }
}

void Kiosk::handle_admin(const Intent& intent) {
  switch (intent.kind) {
    case Intent::Kind::admin_tab: admin_.tab = static_cast<ui::AdminTab>(std::clamp(intent.number, 0, 3)); break;
    case Intent::Kind::toggle_served:
      if (!settings_.unserved.erase(intent.text)) settings_.unserved.insert(intent.text);
      apply_served();
      save_setting("unserved");
      break;
    case Intent::Kind::show_names: admin_.names_session = intent.text; break;
    case Intent::Kind::retry_dead_letter:
      if (auto ok = store_.requeue_dead_letter(intent.text); !ok) store_fault_ = ok.error().message;
      else nudge_sync();
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
    case Intent::Kind::export_csv: export_csv(); break;
    case Intent::Kind::set_export_path:
      settings_.export_dir = intent.text;
      save_setting("export_dir");
      break;
    case Intent::Kind::set_volume:
      settings_.volume = std::clamp(intent.number, 0, 100);
      save_setting("volume");
      break;
    case Intent::Kind::toggle_discreet_mode:
      settings_.discreet_mode = !settings_.discreet_mode;
      save_setting("discreet_mode");
      break;
    case Intent::Kind::toggle_high_contrast:
      settings_.high_contrast = !settings_.high_contrast;
      save_setting("high_contrast");
      break;
    case Intent::Kind::set_language:
      settings_.language = language_ = intent.text;
      save_setting("language");
      break;
    case Intent::Kind::leave_kiosk:
      log_info("admin", "leaving kiosk mode");
      leave_requested_ = true;
      break;
    case Intent::Kind::dismiss: go_ready(); break;
    default: break;
  }
}

void Kiosk::export_csv() {
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
  auto csv = attendance_csv(*events, full_schedule_, desk_.roster(), settings_.discreet_mode);
  auto written = write_attendance_csv(settings_.export_dir, name, csv);
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

// ---- timers ----

void Kiosk::tick() {
  Instant now = desk_.clock().now();
  auto idle = now.monotonic - last_interaction_.monotonic;
  auto shown = now.monotonic - screen_since_.monotonic;
  switch (screen_) {
    case Screen::result:
      if (shown >= timeouts_.result) go_ready();
      break;
    case Screen::choose_session:
      if (idle >= timeouts_.choose) go_ready();
      break;
    case Screen::no_pass:
      if (idle >= timeouts_.no_pass) go_ready();  // and forget the half-typed name
      break;
    case Screen::feedback:
      if (idle >= timeouts_.feedback) go(Screen::result);
      break;
    case Screen::admin_pin:
      if (idle >= timeouts_.pin) go_ready();
      break;
    case Screen::admin:
      if (idle >= timeouts_.admin) go_ready();
      break;
    case Screen::ready: break;
  }
  if (now.monotonic - last_shift_check_.monotonic >= kShiftCheckEvery || now.boot_id != last_shift_check_.boot_id) {
    last_shift_check_ = now;
    desk_.forget_before(now.wall - kLedgerMemory);
    if (auto closed = desk_.close_overdue_shifts(); !closed) {
      store_fault_ = closed.error().message;
    } else {
      for (const auto& e : *closed)
        log_info("shift", "auto-closed shift={} person={} event={} (needs review)", e.shift_id, e.person_id, e.event_id);
      if (!closed->empty()) nudge_sync();
    }
  }
  poll_sync();
  if (screen_ == Screen::admin) {
    if (auto counts = store_.outbox_counts()) admin_.pending_events = static_cast<int>(counts->pending);
    if (auto dead = store_.dead_letters()) {
      admin_.dead_letters.clear();
      for (const auto& d : *dead)
        admin_.dead_letters.push_back(ui::RefusalNote{local_time(d.event.wall_time), d.event.event_id, d.reason});
    }
    if (auto id = store_.device_id(); id && *id) admin_.device_id = **id;
  }
}

Millis Kiosk::time_to_next_timer() const {
  Instant now = desk_.clock().now();
  auto until = [&](Millis since, std::chrono::seconds limit) { return std::max(Millis{0}, limit - since); };
  auto idle = now.monotonic - last_interaction_.monotonic;
  auto shown = now.monotonic - screen_since_.monotonic;
  // The clock on screen changes every minute; a countdown every second.
  Millis next = 60s - duration_cast<Millis>(now.wall.time_since_epoch() % 60s);
  switch (screen_) {
    case Screen::result: return std::min({next, until(shown, timeouts_.result), Millis{1000}});
    case Screen::choose_session: return std::min(next, until(idle, timeouts_.choose));
    case Screen::no_pass: return std::min(next, until(idle, timeouts_.no_pass));
    case Screen::feedback: return std::min(next, until(idle, timeouts_.feedback));
    case Screen::admin_pin: return std::min({next, until(idle, timeouts_.pin), Millis{1000}});
    case Screen::admin: return std::min({next, until(idle, timeouts_.admin), Millis{2000}});
    case Screen::ready: return next;
  }
  return next;
}

Cue Kiosk::take_cue() { return std::exchange(cue_, Cue::none); }

// ---- the view ----

std::string Kiosk::local_time(WallTime t) const {
  std::time_t tt = system_clock::to_time_t(floor<seconds>(t));
  return fmt::format("{:%H:%M}", fmt::localtime(tt));
}

std::string Kiosk::local_date_time(WallTime t) const {
  std::time_t then = system_clock::to_time_t(floor<seconds>(t));
  std::time_t now = system_clock::to_time_t(floor<seconds>(desk_.clock().now().wall));
  const auto a = fmt::localtime(then), b = fmt::localtime(now);
  if (a.tm_year == b.tm_year && a.tm_yday == b.tm_yday) return fmt::format("{:%H:%M}", a);
  return fmt::format("{:%Y-%m-%d %H:%M}", a);
}

ui::SessionCard Kiosk::card(const Session& s) const {
  ui::SessionCard c;
  const Program* p = full_schedule_.program(s.program_id);
  c.id = s.id;
  c.discreet = (p && p->discreet) || settings_.discreet_mode;
  if (!c.discreet && p) {
    c.title = p->name;
    c.room = s.room;
  }
  c.time_range = local_time(s.start) + "–" + local_time(s.end);
  c.anonymous_allowed = p && p->anonymous_allowed;
  c.walk_ins_allowed = p && p->walk_ins_allowed;
  const SessionTally& tally = desk_.session_tally(s);
  c.full = s.capacity && tally.present >= *s.capacity;
  c.served = !settings_.unserved.contains(s.id);
  c.checked_in = tally.attendees;
  return c;
}

std::vector<ui::SessionCard> Kiosk::cards(const std::vector<const Session*>& sessions) const {
  std::vector<ui::SessionCard> out;
  for (const Session* s : sessions) out.push_back(card(*s));
  return out;
}

ui::ViewState Kiosk::view() const {
  Instant now = desk_.clock().now();
  ui::ViewState v;
  v.screen = screen_;
  v.language = language_;
  v.high_contrast = settings_.high_contrast;
  v.site_name = site_name_;
  v.clock_text = local_time(now.wall);

  auto open = open_sessions(desk_.schedule(), now.wall);
  v.ready.open_now = cards(open);
  for (const Session* s : open) {
    const Program* p = desk_.schedule().program(s->program_id);
    v.ready.anonymous_available = v.ready.anonymous_available || p->anonymous_allowed;
    v.ready.walk_in_available = v.ready.walk_in_available || p->walk_ins_allowed;
  }

  v.result = result_;
  v.result.seconds_left = static_cast<int>(
      std::max<long long>(0, duration_cast<seconds>(timeouts_.result - (now.monotonic - screen_since_.monotonic)).count()));
  v.choose = choose_;
  v.no_pass = no_pass_;
  v.pin.digits_entered = static_cast<int>(pin_digits_.size());
  v.pin.wrong = pin_wrong_;
  v.pin.locked_seconds = pin_.seconds_locked(now);

  v.admin = admin_;
  v.admin.store_fault = store_fault_;
  v.admin.refusals.assign(refusals_.begin(), refusals_.end());
  v.admin.export_path = settings_.export_dir;
  v.admin.volume_percent = settings_.volume;
  v.admin.discreet_mode = settings_.discreet_mode;
  v.admin.high_contrast = settings_.high_contrast;
  v.admin.languages = languages_;
  v.ready.sync_shown = sync_ != nullptr;
  if (sync_) {
    const auto& s = sync_status_;
    v.ready.sync = v.admin.sync = sync_dot(s);
    v.admin.sync_phase = sync_phase(s.state);
    v.admin.server_url = s.server_url;
    v.admin.last_sync = s.last_success ? local_date_time(*s.last_success) : std::string{};
    v.admin.next_attempt = s.next_attempt && s.state != sync::SyncState::synced ? local_date_time(*s.next_attempt)
                                                                                : std::string{};
    v.admin.clock_offset_minutes = clock_offset_minutes(s.clock_offset);
    v.admin.last_error = s.last_error;
  } else {
    v.admin.sync_phase = ui::SyncPhase::disabled;
  }
  if (screen_ == Screen::admin) {
    // Today's sessions (by the kiosk's local date), and any still open from yesterday.
    auto local_day = [](WallTime t) {
      std::time_t tt = system_clock::to_time_t(floor<seconds>(t));
      std::tm tm{};
      localtime_r(&tt, &tm);
      return tm.tm_year * 400 + tm.tm_yday;
    };
    std::vector<const Session*> all;
    for (const auto& s : full_schedule_.sessions)
      if (local_day(s.start) == local_day(now.wall) || s.window_contains(now.wall)) all.push_back(&s);
    std::ranges::sort(all, [](const Session* a, const Session* b) { return a->start < b->start; });
    v.admin.sessions = cards(all);
    for (const auto& shift : full_schedule_.shifts) {
      ui::SessionCard c;
      c.id = shift.id;
      c.title = shift.role;
      c.time_range = local_time(shift.start) + "–" + local_time(shift.end);
      c.served = !settings_.unserved.contains(shift.id);
      v.admin.sessions.push_back(std::move(c));
    }
    // Names only on request, and never for discreet programs.
    const Session* asked = full_schedule_.session(admin_.names_session);
    const Program* program = asked ? full_schedule_.program(asked->program_id) : nullptr;
    if (program && !program->discreet && !settings_.discreet_mode) {
      std::set<std::string> seen;
      for (const auto& e : desk_.ledger().events()) {
        if (e.session_id != asked->id || desk_.ledger().undone(e.event_id)) continue;
        std::string name;
        if (e.kind == EventKind::walk_in) name = e.walk_in_name;
        else if (e.kind == EventKind::checkin)
          if (auto it = desk_.roster().people.find(e.person_id); it != desk_.roster().people.end())
            name = it->second.preferred_name;
        if (!name.empty() && seen.insert(e.kind == EventKind::walk_in ? e.event_id : e.person_id).second)
          v.admin.names.push_back(name);
      }
    } else {
      v.admin.names_session.clear();
    }
  }
  return v;
}

}  // namespace checkin::app
