// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The one place that decides what the signed-in account may see of site data. A
// coordinator works only with their sites; anything at another site is answered exactly
// like an id that does not exist (404), so ids cannot be probed.
//
// Each visible_*() either returns the thing, or has already answered (404, or 500/503 for
// a store failure) and returns nothing: `auto s = visible_session(ctx, id); if (!s) return;`
#include <optional>
#include <vector>

#include "checkin/server/store.hpp"
#include "context.hpp"

namespace checkin::server::dashboard {

// The sites the account may see, by name. nullopt: answered already (store failure).
std::optional<std::vector<Site>> visible_sites(Context& ctx);
std::optional<Site> visible_site(Context& ctx, const Id& site_id);
// Cancelled sessions too; `state` says whether it was and which series it belongs to.
std::optional<Session> visible_session(Context& ctx, const Id& session_id, SessionState* state = nullptr);
std::optional<Shift> visible_shift(Context& ctx, const Id& shift_id);
std::optional<PersonRecord> visible_person(Context& ctx, const Id& person_id);
// People at the sites the account sees (admins: everybody), by name.
std::optional<std::vector<PersonRecord>> visible_people(Context& ctx);
// For a site id that came from a form: false (and answered 404) when it is not visible.
bool require_site(Context& ctx, const Id& site_id);
// Programs are organisation-wide: every account reads them, only admins change them.
std::optional<std::vector<Program>> all_programs(Context& ctx);
std::optional<Program> find_program(Context& ctx, const Id& program_id);

}  // namespace checkin::server::dashboard
