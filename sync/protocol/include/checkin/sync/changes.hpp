// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Download: GET /api/v1/devices/{id}/changes?cursor=<opaque>
//
// A kiosk asks for what changed since its cursor and reads pages until has_more is false:
// one "round". It applies a round's pages together, in one store transaction, and only
// then keeps the round's last next_cursor. A round cut short is simply asked again from
// the kept cursor (overlap is harmless: every item is an upsert by id).
//
// An empty cursor, or one the server no longer accepts, starts a full resync: the first
// page says full_resync and the kiosk replaces its caches instead of merging.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"

namespace checkin::sync {

inline constexpr std::size_t kMaxItemsPerPage = 2000;  // people + sessions + ... on one page

// A person on this kiosk's roster, with the ids of their current (unrevoked) passes.
// Only people expected at the kiosk's site in the next 48 hours; a preferred name only,
// and none for people expected only in discreet programs.
struct RosterEntry {
  Person person;
  std::vector<std::string> pass_ids;  // hex
};

struct RevocationEntry {
  std::string pass_id;  // hex
  WallTime revoked_at{};
};

struct KeyEntry {
  std::string key_id;      // hex, as PublicKey::key_id()
  std::string public_key;  // hex, as PublicKey::to_hex()
};

struct ChangesPage {
  // The cursor was empty or unknown: this round replaces the kiosk's caches.
  bool full_resync = false;

  Site site;  // the kiosk's site (its name shows on the admin screen)
  std::string device_name;  // the kiosk's own name as coordinators know it ("Front door")

  // Upserts by id, and ids that were removed (a cancelled session, a deleted shift).
  std::vector<Program> programs;
  std::vector<Id> removed_programs;
  std::vector<Session> sessions;
  std::vector<Id> removed_sessions;
  std::vector<Shift> shifts;
  std::vector<Id> removed_shifts;

  // The roster changed: the people on this round's pages (all pages together) replace the
  // kiosk's roster entirely (none at all clears it). When false, the roster is unchanged.
  bool roster_replaced = false;
  std::vector<RosterEntry> roster;

  std::vector<RevocationEntry> revocations;  // added since the cursor (all of them on a full resync)

  // On the first page of every round: the whole active set of pass keys (at most three)
  // and the kiosk settings coordinators set centrally ("result_seconds", ...).
  std::vector<KeyEntry> public_keys;
  std::map<std::string, std::string> settings;

  // The kiosk should roll its device token after this round (POST .../token:roll): its
  // token is old, or a coordinator asked. Servers of earlier versions send none.
  bool token_roll_due = false;

  WallTime server_time{};
  std::string next_cursor;
  bool has_more = false;
};

std::string to_json(const ChangesPage& page);
Result<ChangesPage> parse_changes_page(std::string_view body);

}  // namespace checkin::sync
