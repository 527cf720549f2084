// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The site feed: GET /api/v1/devices/{id}/attendance?cursor=<opaque>&wait=<seconds>
//
// Kiosks at one site are doors of one room. The feed relays to each kiosk the attendance
// events its rules need from the site's other doors and from coordinators (check-ins,
// check-outs, shift starts and ends, undos and moves, manual check-ins), for the sessions
// and shifts of the kiosk's site that are current (ended less than a day and a half ago).
// The kiosk adds them to its ledger and decides as if it had recorded them (ledger.hpp);
// reconciliation (reconcile.hpp) reads what doors decided offline.
//
// An empty cursor, or one the server no longer accepts, starts from the beginning of the
// current window. A kiosk reads pages until has_more is false and keeps next_cursor. With
// wait > 0 and nothing new, the server holds the request open until something arrives for
// the site or `wait` seconds pass (a long poll), then answers (possibly with no events):
// a check-in at one door reaches the others about as fast as the network carries it.
//
// What an event carries: ids (pass, person), never a name, except a walk-in's given name
// in a program that is not discreet (the roster already names such attendees).
//
// A page also carries `changes`, the server's count of changes to what kiosks download
// (revocations, the roster, sessions, keys, settings). A waiting poll answers when it
// moves too, so a kiosk that sees a larger value than before syncs at once: a revoked pass
// is refused within seconds, not at the next pass. Older servers leave it out (0).
#include <string>
#include <string_view>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/core/error.hpp"

namespace checkin::sync {

inline constexpr int kMaxFeedWaitSeconds = 30;       // the server caps a long poll here
// Events of sessions and shifts that ended longer ago than this are not relayed: a kiosk
// keeps about as much in memory (its ledger).
inline constexpr Millis kSiteFeedWindow = std::chrono::hours{36};
inline constexpr std::size_t kMaxFeedEventsPerPage = 500;

struct SiteFeedPage {
  std::vector<AttendanceEvent> events;
  std::string next_cursor;
  bool has_more = false;
  WallTime server_time{};
  std::int64_t changes = 0;
};

std::string to_json(const SiteFeedPage& page);
Result<SiteFeedPage> parse_site_feed_page(std::string_view body);

}  // namespace checkin::sync
