// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/domain.hpp"

#include "checkin/core/ids.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace checkin {

Program as_kiosks_see(Program program) {
  if (program.discreet) program.name = program.public_alias;
  program.public_alias.clear();
  return program;
}

Session with_default_window(Session s) {
  s.window_opens = s.start - std::chrono::minutes{30};
  s.window_closes = s.end;
  return s;
}

const Person* Roster::find_by_pass(const std::string& pass_id) const {
  auto it = person_by_pass.find(pass_id);
  if (it == person_by_pass.end()) return nullptr;
  auto p = people.find(it->second);
  return p == people.end() ? nullptr : &p->second;
}

void Roster::add(Person person, std::vector<std::string> pass_ids) {
  for (auto& pass : pass_ids) person_by_pass[std::move(pass)] = person.id;
  auto id = person.id;
  people[id] = std::move(person);
}

namespace {
template <class T>
const T* find_by_id(const std::vector<T>& items, const Id& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const Program* Schedule::program(const Id& id) const { return find_by_id(programs, id); }
const Session* Schedule::session(const Id& id) const { return find_by_id(sessions, id); }
const Shift* Schedule::shift(const Id& id) const { return find_by_id(shifts, id); }

namespace {
constexpr std::array<std::pair<EventKind, const char*>, 7> kEventKinds{{
    {EventKind::checkin, "checkin"},
    {EventKind::checkout, "checkout"},
    {EventKind::shift_start, "shift_start"},
    {EventKind::shift_end, "shift_end"},
    {EventKind::anonymous_checkin, "anonymous_checkin"},
    {EventKind::walk_in, "walk_in"},
    {EventKind::undo, "undo"},
}};
constexpr std::array<std::pair<EventFlag, const char*>, 4> kFlags{{
    {flag_forced, "forced"},
    {flag_clock_unsynced, "clock_unsynced"},
    {flag_auto_closed, "auto_closed"},
    {flag_staff, "staff"},
}};
}  // namespace

const char* to_string(EventKind kind) {
  for (auto& [k, name] : kEventKinds)
    if (k == kind) return name;
  return "unknown";
}

std::optional<EventKind> event_kind_from_string(std::string_view text) {
  for (auto& [k, name] : kEventKinds)
    if (text == name) return k;
  return std::nullopt;
}

std::vector<std::string> flag_names(std::uint32_t flags) {
  std::vector<std::string> out;
  for (auto& [f, name] : kFlags)
    if (flags & f) out.emplace_back(name);
  return out;
}

std::optional<EventFlag> event_flag_from_string(std::string_view name) {
  for (auto& [f, n] : kFlags)
    if (name == n) return f;
  return std::nullopt;
}

AttendanceEvent new_event(EventKind kind, const std::string& device_id, const Instant& now) {
  AttendanceEvent e;
  e.event_id = make_uuid_v7(now.wall);
  e.device_id = device_id;
  e.kind = kind;
  e.wall_time = now.wall;
  e.monotonic = now.monotonic;
  e.boot_id = now.boot_id;
  if (!now.wall_synced) e.flags |= flag_clock_unsynced;
  return e;
}

std::string flags_to_string(std::uint32_t flags) {
  std::string out;
  for (auto& [f, name] : kFlags) {
    if (!(flags & f)) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

}  // namespace checkin
