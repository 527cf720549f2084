// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/app/kiosk.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cards.hpp"
#include "checkin/core/log.hpp"
#include "checkin/sync/enrolment.hpp"

namespace checkin::app {

using namespace std::chrono;
using ui::Intent;
using ui::Screen;

namespace {

constexpr std::size_t kMaxNameBytes = 40;
constexpr Millis kShiftCheckEvery = 60s;

std::string trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return std::string(text);
}

// What the screens show of a status (the versions only drive reloading).
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

// A refusal stays until someone taps it (or the long timeout): the volunteer should see it.
std::chrono::seconds Kiosk::result_time() const {
  return needs_volunteer(result_.outcome) ? timeouts_.refusal : timeouts_.result;
}

Kiosk::Kiosk(CheckInDesk& desk, store::Store& store, PinGuard pin, KioskSettings defaults, KioskTimeouts timeouts)
    : desk_(desk), store_(store), settings_(store, std::move(defaults)), timeouts_(timeouts),
      staff_(desk, store, settings_, full_schedule_, std::move(pin), store_fault_) {
  reload_settings();
  language_ = settings_.get().language;
  screen_since_ = last_interaction_ = last_shift_check_ = desk_.clock().now();
}

void Kiosk::reload_settings() {
  if (auto loaded = settings_.reload(); !loaded) store_fault_ = loaded.error().message;
}

void Kiosk::set_languages(std::vector<std::pair<std::string, std::string>> languages) {
  languages_ = languages;
  staff_.set_languages(std::move(languages));
}

void Kiosk::set_sync(SyncLink* sync) {
  sync_ = sync;
  staff_.set_sync(sync);
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
  if (auto site = store_.get_setting(std::string(store::kSiteNameSetting)); site && *site) site_name_ = **site;
  const std::string language_before = settings_.get().language;
  reload_settings();  // coordinators may have changed the site's settings
  if (language_ == language_before) language_ = settings_.get().language;  // not while someone chose another
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
  learn_site_events();
  log_info("kiosk", "{} events of the last {} h remembered", desk_.ledger().events().size(),
           duration_cast<hours>(kLedgerMemory).count());
}

// What the site feed brought since the last look: the rules count it from now on.
void Kiosk::learn_site_events() {
  auto found = store_.site_events(site_row_, desk_.clock().now().wall - kLedgerMemory);
  if (!found) {
    log_error("store", "{}", found.error().message);
    return;
  }
  site_row_ = found->last_row;
  const std::size_t learned = desk_.learn_site_events(found->events);
  site_events_learned_ += learned;
  if (learned > 0) log_info("kiosk", "learned {} events of the site's other doors", learned);
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
  if (s.site_version != site_version_) {
    site_version_ = s.site_version;
    learn_site_events();
    sync_changed_ = true;  // counts on screen may have changed
  }
  sync_status_ = std::move(s);
}

void Kiosk::set_schedule(Schedule schedule) {
  full_schedule_ = std::move(schedule);
  apply_served();
}

void Kiosk::apply_served() {
  Schedule served = full_schedule_;
  const auto& unserved = settings_.get().unserved;
  std::erase_if(served.sessions, [&](const Session& s) { return unserved.contains(s.id); });
  std::erase_if(served.shifts, [&](const Shift& s) { return unserved.contains(s.id); });
  desk_.set_schedule(std::move(served));
}

void Kiosk::go(Screen screen) {
  screen_ = screen;
  screen_since_ = last_interaction_ = desk_.clock().now();
}

void Kiosk::go_ready() {
  go(Screen::ready);
  language_ = settings_.get().language;  // the next person starts in the kiosk's language
  language_tapped_ = false;
  no_pass_ = {};
  feedback_session_.clear();
  staff_.leave_screens();
}

void Kiosk::follow_staff(Staff::Next next) {
  switch (next) {
    case Staff::Next::stay: break;
    case Staff::Next::ready: go_ready(); break;
    case Staff::Next::admin:
      // Signed in, or a setting that changes what the whole kiosk does.
      if (screen_ != Screen::admin) go(Screen::admin);
      apply_served();
      language_ = settings_.get().language;
      tick();  // what the admin screen shows, fresh
      break;
    case Staff::Next::leave: leave_requested_ = true; break;
  }
}

// ---- scans and their results ----

void Kiosk::on_scan(std::string_view code) {
  // Staff screens are not for check-ins; a pass shown there is ignored. Only there, in
  // enrol mode, does an enrolment code enrol the kiosk.
  if (screen_ == Screen::admin) {
    touch();
    staff_.on_admin_scan(code);
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
    code = {};  // nothing staff could let in with
  }
  show(*decision, code);
}

void Kiosk::show(const Decision& d, std::string_view code) {
  last_decision_ = d;
  std::string events;
  for (const auto& e : d.events) events += fmt::format(" event={} seq={}", e.event_id, e.seq);
  // Ids only: the log never carries a name.
  log_info("scan", "outcome={} pass={} session={} shift={}{}{}", to_string(d.outcome), d.pass_id.substr(0, 8),
           d.session_id, d.shift_id, events, d.reason.empty() ? "" : " reason=\"" + d.reason + "\"");
  if (d.outcome == Outcome::not_recorded) store_fault_ = d.reason;
  else if (!d.events.empty()) store_fault_.clear();
  if (!d.events.empty()) nudge_sync();
  const std::string reference = needs_volunteer(d.outcome) ? staff_.note_refusal(d, code) : std::string();
  cue_ = cue_for(d.outcome);
  const KioskSettings& settings = settings_.get();

  if (d.outcome == Outcome::choose_session) {
    choose_.purpose = ui::ChoosePurpose::pass;
    choose_.choices.clear();
    for (const auto& id : d.session_choices)
      if (const Session* s = desk_.schedule().session(id))
        choose_.choices.push_back(session_card(*s, full_schedule_, desk_, settings));
    go(Screen::choose_session);
    return;
  }

  result_ = ui::ResultView{};
  result_.outcome = d.outcome;
  result_.reference = reference;
  result_.discreet = d.discreet || settings.discreet_mode;
  result_.name = settings.discreet_mode ? std::string{} : d.greeting_name;
  if (const Session* s = desk_.schedule().session(d.session_id); s && !result_.discreet) {
    const Program* p = desk_.schedule().program(s->program_id);
    result_.where = p ? (s->room.empty() ? p->name : p->name + " · " + s->room) : "";
  } else if (s) {
    result_.group = true;  // which session, without naming it
  }
  if (d.outcome == Outcome::shift_started) result_.shift_started = local_time(d.shift_started);
  result_.shift_duration = d.shift_duration;
  // Greet people in their own language when the roster knows it and the kiosk has it,
  // unless they tapped one during this visit: what they chose at the door wins.
  if (auto it = desk_.roster().people.find(d.person_id); !language_tapped_ && it != desk_.roster().people.end()) {
    const auto& lang = it->second.language;
    if (std::ranges::any_of(languages_, [&](const auto& l) { return l.first == lang; })) language_ = lang;
  }
  if (d.outcome == Outcome::checked_out && d.ask_feedback && settings.feedback) {
    feedback_session_ = d.session_id;
    go(Screen::feedback);
    return;
  }
  go(Screen::result);
}

// ---- taps ----

void Kiosk::on_intent(const Intent& intent) {
  touch();
  if (screen_ == Screen::admin) return follow_staff(staff_.on_admin(intent));
  if (screen_ == Screen::admin_pin) return follow_staff(staff_.on_pin(intent));
  Instant now = desk_.clock().now();
  auto open = open_sessions(desk_.schedule(), now.wall);
  auto allows = [&](bool Program::*flag) {
    std::vector<const Session*> out;
    for (const Session* s : open)
      if (const Program* p = desk_.schedule().program(s->program_id); p && p->*flag) out.push_back(s);
    return out;
  };
  const KioskSettings& settings = settings_.get();

  switch (intent.kind) {
    case Intent::Kind::dismiss:
      if (screen_ == Screen::feedback) go(Screen::result);
      else go_ready();
      break;
    case Intent::Kind::open_privacy: go(Screen::privacy); break;
    case Intent::Kind::open_no_pass: {
      no_pass_ = {};
      no_pass_.sessions = session_cards(allows(&Program::walk_ins_allowed), full_schedule_, desk_, settings);
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
        choose_.choices = session_cards(sessions, full_schedule_, desk_, settings);
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
    case Intent::Kind::set_language:
      language_ = intent.text;
      language_tapped_ = true;
      break;
    case Intent::Kind::open_admin:
      staff_.open_pin();
      go(Screen::admin_pin);
      break;
    default: break;
  }
}

// ---- timers ----

void Kiosk::tick() {
  Instant now = desk_.clock().now();
  auto idle = now.monotonic - last_interaction_.monotonic;
  auto shown = now.monotonic - screen_since_.monotonic;
  switch (screen_) {
    case Screen::result:
      if (shown >= result_time()) go_ready();
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
    case Screen::privacy:
      if (idle >= timeouts_.privacy) go_ready();
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
  staff_.tick(screen_ == Screen::admin);
  if (staff_.enrolment_changed()) sync_changed_ = true;
}

Millis Kiosk::time_to_next_timer() const {
  Instant now = desk_.clock().now();
  auto until = [&](Millis since, std::chrono::seconds limit) { return std::max(Millis{0}, limit - since); };
  auto idle = now.monotonic - last_interaction_.monotonic;
  auto shown = now.monotonic - screen_since_.monotonic;
  // The clock on screen changes every minute; a countdown every second.
  Millis next = 60s - duration_cast<Millis>(now.wall.time_since_epoch() % 60s);
  switch (screen_) {
    case Screen::result: return std::min({next, until(shown, result_time()), Millis{1000}});
    case Screen::choose_session: return std::min(next, until(idle, timeouts_.choose));
    case Screen::no_pass: return std::min(next, until(idle, timeouts_.no_pass));
    case Screen::feedback: return std::min(next, until(idle, timeouts_.feedback));
    case Screen::admin_pin: return std::min({next, until(idle, timeouts_.pin), Millis{1000}});
    case Screen::admin: return std::min({next, until(idle, timeouts_.admin), Millis{2000}});
    case Screen::privacy: return std::min(next, until(idle, timeouts_.privacy));
    case Screen::ready: return next;
  }
  return next;
}

Cue Kiosk::take_cue() { return std::exchange(cue_, Cue::none); }

// ---- the view ----

ui::ViewState Kiosk::view() const {
  Instant now = desk_.clock().now();
  const KioskSettings& settings = settings_.get();
  ui::ViewState v;
  v.screen = screen_;
  v.language = language_;
  v.high_contrast = settings.high_contrast;
  v.site_name = site_name_;
  v.clock_text = local_time(now.wall);

  auto open = open_sessions(desk_.schedule(), now.wall);
  v.ready.open_now = session_cards(open, full_schedule_, desk_, settings);
  for (const Session* s : open) {
    const Program* p = desk_.schedule().program(s->program_id);
    v.ready.anonymous_available = v.ready.anonymous_available || p->anonymous_allowed;
    v.ready.walk_in_available = v.ready.walk_in_available || p->walk_ins_allowed;
  }
  if (open.empty()) {
    // Nothing open: say what opens next, so nobody stands at a door waiting for nothing.
    const Session* next = nullptr;
    for (const auto& s : desk_.schedule().sessions)
      if (s.window_opens > now.wall && desk_.schedule().program(s.program_id) &&
          (!next || s.window_opens < next->window_opens))
        next = &s;
    const bool today = next && local_day(next->start) == local_day(now.wall);
    const bool tomorrow = next && local_day(next->start) == local_day(now.wall + hours{24});
    if (today || tomorrow) {
      v.ready.next = session_card(*next, full_schedule_, desk_, settings);
      v.ready.next_tomorrow = tomorrow;
    }
  }

  v.result = result_;
  v.result.seconds_left = static_cast<int>(
      std::max<long long>(0, duration_cast<seconds>(result_time() - (now.monotonic - screen_since_.monotonic)).count()));
  v.choose = choose_;
  v.no_pass = no_pass_;
  v.privacy = ui::PrivacyView{settings.retention_discreet_days, settings.retention_other_days, settings.privacy_contact};
  v.ready.sync_shown = sync_ != nullptr;
  if (sync_) v.ready.sync = sync_dot(sync_status_);
  staff_.fill(v, sync_status_);
  return v;
}

}  // namespace checkin::app
