// SPDX-License-Identifier: AGPL-3.0-or-later
#include "guard.hpp"

#include <algorithm>

namespace checkin::server::dashboard {

std::optional<std::vector<Site>> visible_sites(Context& ctx) {
  auto sites = ctx.store.sites();
  if (!sites) {
    ctx.store_failed(sites.error(), "sites");
    return std::nullopt;
  }
  std::vector<Site> visible;
  for (auto& site : *sites)
    if (ctx.access.can_see_site(site.id)) visible.push_back(std::move(site));
  std::ranges::sort(visible, {}, &Site::name);
  return visible;
}

std::optional<Site> visible_site(Context& ctx, const Id& site_id) {
  auto sites = visible_sites(ctx);
  if (!sites) return std::nullopt;
  for (auto& site : *sites)
    if (site.id == site_id) return std::move(site);
  ctx.not_found();
  return std::nullopt;
}

bool require_site(Context& ctx, const Id& site_id) {
  return visible_site(ctx, site_id).has_value();
}

namespace {

// One record the store looked up by id, when the account may see its site; otherwise the
// page is answered (store failure, or 404 for a missing or hidden record).
template <class Record>
std::optional<Record> visible_record(Context& ctx, Result<std::optional<Record>> found, std::string_view what) {
  if (!found) {
    ctx.store_failed(found.error(), what);
    return std::nullopt;
  }
  if (!*found || !ctx.access.can_see_site((*found)->site_id)) {
    ctx.not_found();
    return std::nullopt;
  }
  return std::move(**found);
}

}  // namespace

std::optional<Session> visible_session(Context& ctx, const Id& session_id, SessionState* state) {
  return visible_record(ctx, ctx.store.session(session_id, state), "session");
}

std::optional<Shift> visible_shift(Context& ctx, const Id& shift_id) {
  return visible_record(ctx, ctx.store.shift(shift_id), "shift");
}

std::optional<PersonRecord> visible_person(Context& ctx, const Id& person_id) {
  return visible_record(ctx, ctx.store.person(person_id), "person");
}

std::optional<std::vector<PersonRecord>> visible_people(Context& ctx) {
  auto people = ctx.store.people();
  if (!people) {
    ctx.store_failed(people.error(), "people");
    return std::nullopt;
  }
  std::vector<PersonRecord> visible;
  for (auto& person : *people)
    if (ctx.access.can_see_site(person.site_id)) visible.push_back(std::move(person));
  std::ranges::stable_sort(visible, {}, &PersonRecord::preferred_name);
  return visible;
}

std::optional<std::vector<Program>> all_programs(Context& ctx) {
  auto programs = ctx.store.programs();
  if (!programs) {
    ctx.store_failed(programs.error(), "programs");
    return std::nullopt;
  }
  std::ranges::sort(*programs, {}, &Program::name);
  return std::move(*programs);
}

std::optional<Program> find_program(Context& ctx, const Id& program_id) {
  auto programs = all_programs(ctx);
  if (!programs) return std::nullopt;
  for (auto& program : *programs)
    if (program.id == program_id) return std::move(program);
  ctx.not_found();
  return std::nullopt;
}

}  // namespace checkin::server::dashboard
