// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The one JSON mapping of the domain values several bodies carry (a site, a program, a
// session, a shift, a roster entry, a pass key), so every body spells them the same way.
// Every field the encoder writes is required when parsing, except Session::capacity:
// a missing "discreet" must never quietly read as false.
#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"
#include "checkin/sync/changes.hpp"
#include "json.hpp"

namespace checkin::sync::wire {

const char* to_string(Registration registration);

json to_json(const Site& site);
json to_json(const Program& program);
json to_json(const Session& session);
json to_json(const Shift& shift);
json to_json(const RosterEntry& entry);
json to_json(const RevocationEntry& revocation);
json to_json(const KeyEntry& key);
json keys_to_json(const std::vector<KeyEntry>& keys);
// An attendance event: only the fields its kind uses (events.cpp).
json to_json(const AttendanceEvent& event);

// path names the value itself, e.g. "sessions[3]".
Result<Site> parse_site(const json& j, const std::string& path);
Result<Program> parse_program(const json& j, const std::string& path);
Result<Session> parse_session(const json& j, const std::string& path);
Result<Shift> parse_shift(const json& j, const std::string& path);
Result<RosterEntry> parse_roster_entry(const json& j, const std::string& path);
Result<RevocationEntry> parse_revocation(const json& j, const std::string& path);
Result<KeyEntry> parse_key(const json& j, const std::string& path);
Result<AttendanceEvent> parse_event(const json& j, const std::string& path);
// The active pass keys, at most kMaxActiveKeys (a kiosk's key ring holds no more).
Result<std::vector<KeyEntry>> parse_keys(const json& body, const char* name, const std::string& path);

}  // namespace checkin::sync::wire
