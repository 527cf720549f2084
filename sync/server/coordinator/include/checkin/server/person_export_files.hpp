// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A person's own data as files to hand them (the dashboard's button and
// `checkin-server person export`): one JSON file of everything held, and a summary in
// plain words to read or print (HTML).
#include <string>
#include <string_view>

#include "checkin/server/person_data.hpp"

namespace checkin::server {

// Every table row held about the person, plus readable sections (registrations with
// program names, passes' ids and dates, attendance, shifts and hours). Times in UTC.
std::string person_export_json(const PersonExport& data, WallTime exported_at);

// A page that says in plain words what is held, for the person to read; times in the
// server's local time. `organisation` names who holds it ("Riverside Community Trust").
std::string person_export_html(const PersonExport& data, WallTime exported_at, std::string_view organisation);

// "person-<id>-<yyyy-mm-dd>": the files' name without extension (ids and dates, never a name).
std::string person_export_file_stem(const PersonExport& data, WallTime exported_at);

}  // namespace checkin::server
