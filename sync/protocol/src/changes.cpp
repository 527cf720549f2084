// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/sync/changes.hpp"

#include <fmt/format.h>

#include "checkin/sync/events.hpp"
#include "domain_json.hpp"
#include "json.hpp"

namespace checkin::sync {

using nlohmann::json;

namespace {

template <class T>
json list(const std::vector<T>& values) {
  json out = json::array();
  for (const auto& value : values) out.push_back(wire::to_json(value));
  return out;
}

}  // namespace

std::string to_json(const ChangesPage& page) {
  json settings = json::object();
  for (const auto& [name, value] : page.settings) settings[name] = value;
  return json{{"protocol", kProtocolVersion},
              {"full_resync", page.full_resync},
              {"site", wire::to_json(page.site)},
              {"device_name", page.device_name},
              {"programs", list(page.programs)},
              {"removed_programs", page.removed_programs},
              {"sessions", list(page.sessions)},
              {"removed_sessions", page.removed_sessions},
              {"shifts", list(page.shifts)},
              {"removed_shifts", page.removed_shifts},
              {"roster_replaced", page.roster_replaced},
              {"roster", list(page.roster)},
              {"revocations", list(page.revocations)},
              {"public_keys", wire::keys_to_json(page.public_keys)},
              {"settings", std::move(settings)},
              {"server_time", wire::format_time(page.server_time)},
              {"next_cursor", page.next_cursor},
              {"has_more", page.has_more},
              {"token_roll_due", page.token_roll_due}}
      .dump();
}

Result<ChangesPage> parse_changes_page(std::string_view body) {
  auto parsed = wire::parse_body(body, kMaxBodyBytes);
  if (!parsed) return std::unexpected(parsed.error());
  const json& j = *parsed;
  if (auto ok = wire::check_protocol(j); !ok) return std::unexpected(ok.error());

  ChangesPage page;
  wire::Reader r(j, "");
  r.boolean("full_resync", page.full_resync)
      .items("programs", page.programs, wire::parse_program)
      .strings("removed_programs", page.removed_programs)
      .items("sessions", page.sessions, wire::parse_session)
      .strings("removed_sessions", page.removed_sessions)
      .items("shifts", page.shifts, wire::parse_shift)
      .strings("removed_shifts", page.removed_shifts)
      .boolean("roster_replaced", page.roster_replaced)
      .items("roster", page.roster, wire::parse_roster_entry)
      .items("revocations", page.revocations, wire::parse_revocation)
      .time("server_time", page.server_time)
      .text("next_cursor", page.next_cursor)
      .boolean("has_more", page.has_more);
  if (auto ok = r.done(); !ok) return std::unexpected(ok.error());
  auto device_name = wire::text(j, "device_name", "", false);  // servers of the first version send none
  if (!device_name) return std::unexpected(device_name.error());
  page.device_name = std::move(*device_name);
  if (j.contains("token_roll_due")) {  // servers before token rolls send none
    auto roll_due = wire::boolean(j, "token_roll_due", "");
    if (!roll_due) return std::unexpected(roll_due.error());
    page.token_roll_due = *roll_due;
  }

  // Bounded per page so a kiosk's memory and one store transaction stay small; every list
  // of ids or items counts, not only the upserts.
  std::size_t items = page.programs.size() + page.removed_programs.size() + page.sessions.size() +
                      page.removed_sessions.size() + page.shifts.size() + page.removed_shifts.size() +
                      page.roster.size() + page.revocations.size();
  if (items > kMaxItemsPerPage)
    return fail(Errc::limit_exceeded, fmt::format("{} items on one page, at most {}", items, kMaxItemsPerPage));
  // More pages to come with nowhere to continue from would loop on the first page forever.
  if (page.has_more && page.next_cursor.empty())
    return fail(Errc::invalid_input, "next_cursor: must not be empty when has_more is true");

  auto site = wire::member(j, "site", "");
  if (!site) return std::unexpected(site.error());
  auto parsed_site = wire::parse_site(**site, "site");
  if (!parsed_site) return std::unexpected(parsed_site.error());
  page.site = std::move(*parsed_site);

  auto keys = wire::parse_keys(j, "public_keys", "");
  if (!keys) return std::unexpected(keys.error());
  page.public_keys = std::move(*keys);

  auto settings = wire::object(j, "settings", "");
  if (!settings) return std::unexpected(settings.error());
  for (const auto& [name, value] : (*settings)->items()) {
    if (!value.is_string()) return fail(Errc::invalid_input, fmt::format("settings.{}: expected a string", name));
    page.settings.emplace(name, value.get<std::string>());
  }
  return page;
}

}  // namespace checkin::sync
