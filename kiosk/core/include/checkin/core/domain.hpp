// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The check-in domain: what a kiosk knows about programs, sessions, shifts and people,
// and the append-only attendance events it records. Plain values, no I/O.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "checkin/core/clock.hpp"

namespace checkin {

using Id = std::string;  // server-assigned ids (UUID text)

struct Site {
  Id id;
  std::string name;
};

enum class Registration { open, roster };  // open: any valid pass; roster: registered people only

struct Program {
  Id id;
  std::string name;
  bool discreet = false;           // never show the program's or a person's name
  bool anonymous_allowed = false;  // "check in anonymously" counts without identifying
  bool walk_ins_allowed = false;   // people without a pass may check in by name or nickname
  Registration registration = Registration::open;
  bool tracks_checkout = false;    // a later scan checks out (and may ask for feedback)
  bool feedback_enabled = false;
  // Server side: what kiosks receive as a discreet program's name ("" for "A group
  // session"). Kiosks hold only that, as `name`; the real name never leaves the server.
  std::string public_alias{};
};

struct Session {
  Id id;
  Id program_id;
  Id site_id;
  std::string room;
  WallTime start{};
  WallTime end{};
  WallTime window_opens{};   // check-in window; see with_default_window()
  WallTime window_closes{};
  std::optional<int> capacity;

  bool window_contains(WallTime t) const { return t >= window_opens && t < window_closes; }
};

// The design default: the window opens 30 minutes before start and closes at the end.
Session with_default_window(Session s);
// A program as kiosks hold it: a discreet program's real name never leaves the server, its
// public alias goes instead (empty: kiosks say "A group session").
Program as_kiosks_see(Program program);

struct Shift {
  Id id;
  Id site_id;
  std::string role;
  WallTime start{};
  WallTime end{};
  std::vector<Id> assigned_people;  // person ids
};

// What a kiosk may know of a person: no surname, only a preferred name (which the server
// leaves empty for people seen only in discreet programs).
struct Person {
  Id id;
  std::string preferred_name;
  std::string language;                // e.g. "en", "es"; empty = kiosk default
  std::vector<Id> registered_programs; // for programs with Registration::roster
};

// The kiosk's cached slice of the organisation: the people expected here soon, keyed by
// the ids of their current passes.
struct Roster {
  std::unordered_map<Id, Person> people;           // by person id
  std::unordered_map<std::string, Id> person_by_pass; // pass id (hex) -> person id

  const Person* find_by_pass(const std::string& pass_id) const;
  void add(Person person, std::vector<std::string> pass_ids);
  // Staff looking someone up behind the PIN (never a public search): the people one of
  // whose names starts with `typed`, ignoring case and accents ("ang" finds "Ángela
  // Ruiz", "ru" too), by name; at most `most`. Nobody for fewer than two letters typed.
  std::vector<const Person*> find_by_name(std::string_view typed, std::size_t most) const;
};

// A short reference that tells apart two people of the same name ("7F3A"): the end of
// their id, which the dashboard shows on the person's page as well.
std::string person_reference(const Id& person_id);

// What this kiosk currently serves.
struct Schedule {
  std::vector<Program> programs;
  std::vector<Session> sessions;
  std::vector<Shift> shifts;

  const Program* program(const Id& id) const;
  const Session* session(const Id& id) const;
  const Shift* shift(const Id& id) const;
};

enum class EventKind { checkin, checkout, shift_start, shift_end, anonymous_checkin, walk_in, undo };

const char* to_string(EventKind kind);
std::optional<EventKind> event_kind_from_string(std::string_view text);

// Flags on an event, a bit set so they travel as one integer.
enum EventFlag : std::uint32_t {
  flag_none = 0,
  flag_forced = 1u << 0,          // recorded by a volunteer overriding a rule
  flag_clock_unsynced = 1u << 1,  // wall clock not yet confirmed when recorded
  flag_auto_closed = 1u << 2,     // shift end made by the kiosk, needs a coordinator's review
  flag_staff = 1u << 3,           // made by staff: a correction, a manual check-in, "let in anyway"
};

std::string flags_to_string(std::uint32_t flags);  // "forced,clock_unsynced"
std::vector<std::string> flag_names(std::uint32_t flags);
std::optional<EventFlag> event_flag_from_string(std::string_view name);

// An append-only fact made on a kiosk. Never updated; corrections are new events (undo).
struct AttendanceEvent {
  std::string event_id;  // UUIDv7, made on the kiosk
  std::string device_id;
  std::int64_t seq = 0;  // per-device sequence, assigned by the store when committed
  EventKind kind = EventKind::checkin;
  Id session_id;         // checkin, checkout, anonymous_checkin, walk_in
  Id shift_id;           // shift_start, shift_end
  std::string pass_id;   // hex; empty for anonymous check-ins and walk-ins
  Id person_id;          // empty when the pass is valid but not on this kiosk's roster
  std::string walk_in_name;     // walk_in only; optional first name or nickname
  std::string undoes_event_id;  // undo only
  Millis shift_duration{0};     // shift_end only: worked time, measured monotonically when possible
  WallTime wall_time{};
  Millis monotonic{0};
  std::string boot_id;
  std::uint32_t flags = flag_none;
};

// A new event of this kind made now by this device (a kiosk, or a site's coordinator desk on
// the server): a fresh UUIDv7 id, the instant's wall and monotonic times and boot, and the
// clock_unsynced flag when the wall clock was not confirmed. The sequence number comes
// when the event is committed.
AttendanceEvent new_event(EventKind kind, const std::string& device_id, const Instant& now);

// An optional one-tap rating at check-out. Deliberately carries nothing about the person.
struct Feedback {
  Id session_id;
  int rating = 0;  // 1..5
};

}  // namespace checkin
