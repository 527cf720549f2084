// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// Small pieces several pages share: names by id, tables, local times.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checkin/server/store.hpp"
#include "html.hpp"

namespace checkin::server::dashboard {

std::string site_name(const std::vector<Site>& sites, const Id& site_id);        // "(unknown site)"
std::string program_name(const std::vector<Program>& programs, const Id& id);  // "(unknown program)"

// A form's site <select>: "Choose a site" first, unless there is only one site (then it is chosen).
std::vector<Option> site_choice(const std::vector<Site>& sites, const Id& selected);
// A list's site filter: "All my sites" first, then each site.
std::vector<Option> site_filter(const std::vector<Site>& sites, const Id& selected);
// A person's name as staff read it: "(no name)" for an empty one.
std::string person_label(const PersonRecord& person);

// Spaces (and tabs, line breaks) off both ends.
std::string trim(std::string_view text);
// A short text typed into a form: trimmed; `problem` set when empty (unless optional)
// or longer than `max_chars` bytes.
std::string text_input(const std::string& raw, std::string_view what, std::vector<std::string>& problems,
                       bool optional = false, std::size_t max_chars = 200);

// A whole number typed into a form (spaces around allowed); nullopt for anything else.
std::optional<int> parse_int(std::string_view text);

// <div class="table-wrap"><table><caption>…</caption><thead>…</thead><tbody>
// Headers are plain text (escaped); each gets scope="col".
// `compact`: a small table (two or three short columns) that fits a phone without scrolling.
std::string table_open(std::string_view caption, const std::vector<std::string>& headers, bool compact = false);
std::string table_close();  // </tbody></table></div>

// "Tue 26 Nov 2026, 19:00–20:30" in local time.
std::string local_span(WallTime start, WallTime end);
std::string local_day_heading(WallTime t);  // "Thursday 26 November 2026"

// A date range from ?from=YYYY-MM-DD&to=YYYY-MM-DD (local days, `to` inclusive); defaults
// to today and the next `default_days` days. `problem` says what was wrong with the input.
struct DateRange {
  WallTime from{};
  WallTime to{};  // exclusive: the start of the day after the last
  std::string from_text;
  std::string to_text;
  std::string problem;
};
DateRange date_range(std::string_view from_text, std::string_view to_text, WallTime now, int default_days);

}  // namespace checkin::server::dashboard
