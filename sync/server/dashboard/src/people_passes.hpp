// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The passes part of a person's page (pages_people.cpp shows it under the person's details).
// The passes engineer owns pages_people_passes.cpp: issue, reissue, revoke, download go
// there, with their routes in add_person_pass_routes().
#include <string>

#include "checkin/server/store.hpp"
#include "context.hpp"

namespace checkin::server::dashboard {

// HTML for the "Passes" section of the person's page; "" with the page answered on failure
// is not needed: a failure to read passes shows as a short message in the section.
std::string person_passes_section(Context& ctx, const PersonRecord& person);
// Their data: the export's downloads, and erasing them for admins (pages_person_data.cpp).
std::string person_data_section(const Context& ctx, const PersonRecord& person);

}  // namespace checkin::server::dashboard
