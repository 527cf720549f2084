// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/sync/site_feed.hpp"

#include <fmt/format.h>

#include "checkin/sync/events.hpp"
#include "domain_json.hpp"
#include "json.hpp"

namespace checkin::sync {

using nlohmann::json;

std::string to_json(const SiteFeedPage& page) {
  json events = json::array();
  for (const auto& e : page.events) events.push_back(wire::to_json(e));
  return json{{"protocol", kProtocolVersion},
              {"events", std::move(events)},
              {"next_cursor", page.next_cursor},
              {"has_more", page.has_more},
              {"server_time", wire::format_time(page.server_time)},
              {"changes", page.changes}}
      .dump();
}

Result<SiteFeedPage> parse_site_feed_page(std::string_view body) {
  auto parsed = wire::parse_body(body, kMaxBodyBytes);
  if (!parsed) return std::unexpected(parsed.error());
  if (auto ok = wire::check_protocol(*parsed); !ok) return std::unexpected(ok.error());
  SiteFeedPage page;
  wire::Reader r(*parsed, "");
  r.items("events", page.events, wire::parse_event)
      .text("next_cursor", page.next_cursor)
      .boolean("has_more", page.has_more)
      .time("server_time", page.server_time);
  if (parsed->contains("changes")) r.integer("changes", page.changes);
  r.require(page.changes >= 0, "changes", "must not be negative");
  r.require(page.events.size() <= kMaxFeedEventsPerPage, "events", "too many on one page");
  r.require(!page.next_cursor.empty(), "next_cursor", "must not be empty");
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  return page;
}

}  // namespace checkin::sync
