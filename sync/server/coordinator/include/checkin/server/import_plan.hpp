// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Turns a parsed people CSV (people_csv.hpp) into the people to store at a site: program
// names (or ids) resolved, rows naming an unknown program reported like any bad row.
// The dashboard shows the plan as the preview; importing stores all of `people` or none.
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/server/people_csv.hpp"
#include "checkin/server/store.hpp"

namespace checkin::server {

struct ImportPlan {
  std::vector<PersonRecord> people;  // ready for ServerStore::import_people
  std::vector<std::size_t> lines;    // the CSV line of each of `people`
  std::vector<RowProblem> problems;  // the parser's and the unknown programs', by line
};

// Program names match case-insensitively; a name two programs share is a problem (the row
// must use the id).
ImportPlan plan_import(const PeopleImport& parsed, const std::vector<Program>& programs, const Id& site_id);

}  // namespace checkin::server
