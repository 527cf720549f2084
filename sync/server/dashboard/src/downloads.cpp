// SPDX-License-Identifier: AGPL-3.0-or-later
#include "downloads.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "guard.hpp"

namespace checkin::server::dashboard {

void send_download(Context& ctx, std::string_view bytes, std::string_view content_type, std::string_view file_name) {
  std::string safe(file_name);
  for (auto& c : safe)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '-';
  ctx.response.status = 200;
  ctx.response.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", safe));
  ctx.response.set_content(std::string(bytes), std::string(content_type));
}

namespace {

std::string count_of(long long n, std::string_view unit) {
  return fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s");
}

}  // namespace

std::string ago_text(Millis elapsed) {
  using namespace std::chrono;
  if (elapsed < minutes{1}) return "just now";
  if (elapsed < hours{1}) return count_of(duration_cast<minutes>(elapsed).count(), "minute") + " ago";
  if (elapsed < hours{48}) return count_of(duration_cast<hours>(elapsed).count(), "hour") + " ago";
  return count_of(duration_cast<hours>(elapsed).count() / 24, "day") + " ago";
}

std::string clock_offset_text(Millis offset) {
  using namespace std::chrono;
  const auto size = offset < Millis{0} ? -offset : offset;
  if (size < seconds{2}) return "in step";
  std::string amount = size < minutes{2}   ? count_of(duration_cast<seconds>(size).count(), "second")
                       : size < hours{2}   ? count_of(duration_cast<minutes>(size).count(), "minute")
                                           : count_of(duration_cast<hours>(size).count(), "hour");
  return amount + (offset > Millis{0} ? " ahead" : " behind");
}

std::optional<SiteScope> site_scope(Context& ctx, const Id& chosen) {
  auto sites = visible_sites(ctx);
  if (!sites) return std::nullopt;
  SiteScope scope;
  scope.sites = std::move(*sites);
  scope.chosen = chosen;
  if (!chosen.empty()) {
    if (std::ranges::none_of(scope.sites, [&](const Site& s) { return s.id == chosen; })) {
      ctx.not_found();
      return std::nullopt;
    }
    scope.site_ids = {chosen};
  } else if (!ctx.access.is_admin()) {
    // The store reads an empty list as "every site": a coordinator always names theirs.
    for (const auto& s : scope.sites) scope.site_ids.push_back(s.id);
    scope.nothing = scope.site_ids.empty();
  }
  return scope;
}

bool only_discreet(const PersonRecord& person, const std::vector<Program>& programs) {
  if (person.registered_programs.empty()) return false;
  return std::ranges::all_of(person.registered_programs, [&](const Id& id) {
    auto p = std::ranges::find(programs, id, &Program::id);
    return p != programs.end() && p->discreet;
  });
}

std::optional<PassRecord> current_pass(const std::vector<PassRecord>& passes, WallTime now) {
  std::optional<PassRecord> newest;
  for (const auto& p : passes)
    if (!p.revoked_at && p.expires > now && (!newest || p.issued_at > newest->issued_at)) newest = p;
  return newest;
}

}  // namespace checkin::server::dashboard
