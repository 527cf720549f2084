// SPDX-License-Identifier: AGPL-3.0-or-later
#include "domain_json.hpp"

#include <fmt/format.h>

#include <cctype>
#include <limits>

#include "checkin/core/pass.hpp"

namespace checkin::sync::wire {

const char* to_string(Registration registration) {
  switch (registration) {
    case Registration::open: return "open";
    case Registration::roster: return "roster";
  }
  return "open";
}

json to_json(const Site& site) { return {{"id", site.id}, {"name", site.name}}; }

json to_json(const Program& program) {
  return {{"id", program.id},
          {"name", program.name},
          {"discreet", program.discreet},
          {"anonymous_allowed", program.anonymous_allowed},
          {"walk_ins_allowed", program.walk_ins_allowed},
          {"registration", to_string(program.registration)},
          {"tracks_checkout", program.tracks_checkout},
          {"feedback_enabled", program.feedback_enabled}};
}

json to_json(const Session& session) {
  json j = {{"id", session.id},
            {"program_id", session.program_id},
            {"site_id", session.site_id},
            {"room", session.room},
            {"start", format_time(session.start)},
            {"end", format_time(session.end)},
            {"window_opens", format_time(session.window_opens)},
            {"window_closes", format_time(session.window_closes)}};
  if (session.capacity) j["capacity"] = *session.capacity;
  return j;
}

json to_json(const Shift& shift) {
  return {{"id", shift.id},
          {"site_id", shift.site_id},
          {"role", shift.role},
          {"start", format_time(shift.start)},
          {"end", format_time(shift.end)},
          {"assigned_people", shift.assigned_people}};
}

json to_json(const RosterEntry& entry) {
  return {{"id", entry.person.id},
          {"preferred_name", entry.person.preferred_name},
          {"language", entry.person.language},
          {"registered_programs", entry.person.registered_programs},
          {"pass_ids", entry.pass_ids}};
}

json to_json(const RevocationEntry& revocation) {
  return {{"pass_id", revocation.pass_id}, {"revoked_at", format_time(revocation.revoked_at)}};
}

json to_json(const KeyEntry& key) { return {{"key_id", key.key_id}, {"public_key", key.public_key}}; }

json keys_to_json(const std::vector<KeyEntry>& keys) {
  json out = json::array();
  for (const auto& key : keys) out.push_back(to_json(key));
  return out;
}

Result<Site> parse_site(const json& j, const std::string& path) {
  Site site;
  Reader r(j, path);
  r.text("id", site.id).text("name", site.name);
  r.require(!site.id.empty(), "id", "must not be empty");
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  return site;
}

Result<Program> parse_program(const json& j, const std::string& path) {
  Program program;
  std::string registration;
  Reader r(j, path);
  r.text("id", program.id)
      .text("name", program.name)
      .boolean("discreet", program.discreet)
      .boolean("anonymous_allowed", program.anonymous_allowed)
      .boolean("walk_ins_allowed", program.walk_ins_allowed)
      .text("registration", registration)
      .boolean("tracks_checkout", program.tracks_checkout)
      .boolean("feedback_enabled", program.feedback_enabled);
  r.require(!program.id.empty(), "id", "must not be empty");
  if (registration == "roster") program.registration = Registration::roster;
  else r.require(registration == "open", "registration", fmt::format("'{}' is not open or roster", registration));
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  return program;
}

Result<Session> parse_session(const json& j, const std::string& path) {
  Session session;
  Reader r(j, path);
  r.text("id", session.id)
      .text("program_id", session.program_id)
      .text("site_id", session.site_id)
      .text("room", session.room)
      .time("start", session.start)
      .time("end", session.end)
      .time("window_opens", session.window_opens)
      .time("window_closes", session.window_closes);
  r.require(!session.id.empty(), "id", "must not be empty");
  r.require(session.end >= session.start, "end", "is before start");
  r.require(session.window_closes >= session.window_opens, "window_closes", "is before window_opens");
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  // Optional: absent or null means no limit.
  auto capacity = member(j, "capacity", path, /*required=*/false);
  if (!capacity) return std::unexpected(capacity.error());
  if (*capacity) {
    const auto& value = **capacity;
    std::string where = at(path, "capacity");
    auto number = whole_number(value, where);
    if (!number) return std::unexpected(number.error());
    auto n = *number;
    if (n < 0 || n > std::numeric_limits<int>::max())
      return fail(Errc::invalid_input, fmt::format("{}: {} is not a number of places", where, n));
    session.capacity = static_cast<int>(n);
  }
  return session;
}

Result<Shift> parse_shift(const json& j, const std::string& path) {
  Shift shift;
  Reader r(j, path);
  r.text("id", shift.id)
      .text("site_id", shift.site_id)
      .text("role", shift.role)
      .time("start", shift.start)
      .time("end", shift.end)
      .strings("assigned_people", shift.assigned_people);
  r.require(!shift.id.empty(), "id", "must not be empty");
  r.require(shift.end >= shift.start, "end", "is before start");
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  return shift;
}

Result<RosterEntry> parse_roster_entry(const json& j, const std::string& path) {
  RosterEntry entry;
  Reader r(j, path);
  r.text("id", entry.person.id)
      .text("preferred_name", entry.person.preferred_name)
      .text("language", entry.person.language)
      .strings("registered_programs", entry.person.registered_programs);
  r.require(!entry.person.id.empty(), "id", "must not be empty");
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  // Pass ids are compared with the ids decoded from passes (lower-case hex): normalise.
  auto passes = array(j, "pass_ids", path);
  if (!passes) return std::unexpected(passes.error());
  for (std::size_t i = 0; i < (*passes)->size(); ++i) {
    const auto& id = (**passes)[i];
    if (!id.is_string() || id.get_ref<const std::string&>().empty() || !is_hex(id.get_ref<const std::string&>()))
      return fail(Errc::invalid_input, fmt::format("{}: expected hex digits", at(path, "pass_ids", i)));
    std::string lower = id.get<std::string>();
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    entry.pass_ids.push_back(std::move(lower));
  }
  return entry;
}

Result<RevocationEntry> parse_revocation(const json& j, const std::string& path) {
  RevocationEntry revocation;
  Reader r(j, path);
  r.hex("pass_id", revocation.pass_id).time("revoked_at", revocation.revoked_at);
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  return revocation;
}

Result<KeyEntry> parse_key(const json& j, const std::string& path) {
  KeyEntry key;
  Reader r(j, path);
  r.hex("key_id", key.key_id).hex("public_key", key.public_key);
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  return key;
}

Result<std::vector<KeyEntry>> parse_keys(const json& body, const char* name, const std::string& path) {
  std::vector<KeyEntry> keys;
  Reader r(body, path);
  r.items(name, keys, parse_key);
  r.require(keys.size() <= kMaxActiveKeys, name,
            fmt::format("{} keys, a kiosk trusts at most {} at once", keys.size(), kMaxActiveKeys));
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  return keys;
}

}  // namespace checkin::sync::wire
