// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/core/domain.hpp"

#include "checkin/core/ids.hpp"

#include <algorithm>
#include <array>
#include <cctype>
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

// Lower case without accents, for matching names typed on the staff keyboard: ASCII and
// the Latin-1 letters (Spanish, Portuguese, French names); other characters as they are.
std::string folded(std::string_view text) {
  // U+00C0..U+00DF and U+00E0..U+00FF: the base letter, or '?' to keep the character.
  static constexpr std::string_view kUpper = "aaaaaa?ceeeeiiiidnooooo?ouuuuy??";
  static constexpr std::string_view kLower = "aaaaaa?ceeeeiiiidnooooo?ouuuuy?y";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out += static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte - 'A' + 'a' : byte);
      continue;
    }
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if ((byte == 0xC3) && (next & 0xC0) == 0x80) {
      const unsigned cp = 0xC0 + (next & 0x3F);  // U+00C0..U+00FF
      const char base = cp < 0xE0 ? kUpper[cp - 0xC0] : kLower[cp - 0xE0];
      if (cp == 0xC6 || cp == 0xE6) out += "ae";
      else if (cp == 0xDF) out += "ss";
      else if (base != '?') out += base;
      else out.append(text.substr(i, 2));
      ++i;
      continue;
    }
    out += static_cast<char>(byte);
  }
  return out;
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::ranges::count_if(text, [](char c) { return (c & 0xC0) != 0x80; }));
}

bool word_starts_with(std::string_view name, std::string_view typed) {
  for (std::size_t at = 0; at + typed.size() <= name.size(); ++at) {
    const bool word_start = at == 0 || name[at - 1] == ' ' || name[at - 1] == '-' || name[at - 1] == '\'';
    if (word_start && name.compare(at, typed.size(), typed) == 0) return true;
  }
  return false;
}

}  // namespace

std::vector<const Person*> Roster::find_by_name(std::string_view typed, std::size_t most) const {
  while (!typed.empty() && typed.front() == ' ') typed.remove_prefix(1);
  while (!typed.empty() && typed.back() == ' ') typed.remove_suffix(1);
  std::vector<const Person*> found;
  if (code_points(typed) < 2) return found;
  const std::string wanted = folded(typed);
  for (const auto& [id, person] : people)
    if (!person.preferred_name.empty() && word_starts_with(folded(person.preferred_name), wanted))
      found.push_back(&person);
  std::ranges::sort(found, [](const Person* a, const Person* b) {
    return std::pair(folded(a->preferred_name), a->id) < std::pair(folded(b->preferred_name), b->id);
  });
  if (found.size() > most) found.resize(most);
  return found;
}

std::string person_reference(const Id& person_id) {
  std::string ref;
  for (auto it = person_id.rbegin(); it != person_id.rend() && ref.size() < 4; ++it)
    if (std::isalnum(static_cast<unsigned char>(*it))) ref.insert(ref.begin(), static_cast<char>(std::toupper(static_cast<unsigned char>(*it))));
  return ref;
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
