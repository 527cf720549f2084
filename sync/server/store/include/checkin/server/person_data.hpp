// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A person's own data: everything the server holds about one person (to give it to them),
// and erasing them. Attending a support group is health information: people may ask
// "what do you hold about me?" and "delete me".
#include <cstdint>
#include <string>
#include <vector>

#include "checkin/core/domain.hpp"
#include "checkin/server/reports.hpp"
#include "checkin/server/store.hpp"

namespace checkin::server {

// What erase_person did. Their attendance stays only as anonymous counts: every session's
// and shift's totals are what they were.
struct PersonErasure {
  Id person_id;
  std::int64_t registrations_removed = 0;
  std::int64_t shift_assignments_removed = 0;
  std::int64_t passes_revoked = 0;       // still valid until now; every pass of theirs is gone
  std::int64_t passes_removed = 0;
  std::int64_t events_anonymised = 0;    // check-ins, check-outs, shifts: no person, pass or name
};

// A table of the export: the rows that hold the person, with the columns named.
struct ExportedTable {
  std::string table;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // NULL as ""
};

// Which rows of a table are the person's, and the columns exported from them.
struct PersonLinkedTable {
  const char* table;
  const char* match;  // an SQL condition on the table's columns with $1 = the person's id
  std::vector<const char*> columns;
};

// Every table that holds a person's data and every column of it the export writes. A
// table with a person_id-like column (or a new column in one of these) must be added here:
// a test compares this list with the database's schema.
const std::vector<PersonLinkedTable>& person_linked_tables();

// One readable line of the person's attendance: a check-in, check-out or shift.
struct PersonActivity {
  std::string event_id;
  std::string kind;
  WallTime at{};
  Id session_id;
  Id shift_id;
  std::string program_name;  // the session's program
  std::string site_name;
  std::string role;          // the shift's
  bool undone = false;
};

struct PersonExport {
  PersonRecord profile;
  std::string site_name;
  std::vector<std::pair<Id, std::string>> registrations;  // program id and name
  std::vector<PassRecord> passes;                          // ids and dates; no signing secret
  std::vector<PersonActivity> activity;                    // by time
  std::vector<WorkedShift> shifts;                         // ended shifts with their hours
  std::vector<ExportedTable> tables;                       // everything, as stored
};

}  // namespace checkin::server
