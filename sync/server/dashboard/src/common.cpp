// SPDX-License-Identifier: AGPL-3.0-or-later
#include "common.hpp"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

#include "checkin/server/local_time.hpp"
#include "html.hpp"

namespace checkin::server::dashboard {

std::string site_name(const std::vector<Site>& sites, const Id& site_id) {
  for (const auto& site : sites)
    if (site.id == site_id) return site.name;
  return site_id.empty() ? "(no site)" : "(unknown site)";
}

std::string program_name(const std::vector<Program>& programs, const Id& id) {
  for (const auto& program : programs)
    if (program.id == id) return program.name;
  return "(unknown program)";
}

std::vector<Option> site_choice(const std::vector<Site>& sites, const Id& selected) {
  std::vector<Option> options;
  if (sites.size() != 1) options.push_back({"", "Choose a site", selected.empty(), ""});
  for (const auto& s : sites) options.push_back({s.id, s.name, s.id == selected || sites.size() == 1, ""});
  return options;
}

std::vector<Option> site_filter(const std::vector<Site>& sites, const Id& selected) {
  std::vector<Option> options{{"", "All my sites", selected.empty(), ""}};
  for (const auto& s : sites) options.push_back({s.id, s.name, s.id == selected, ""});
  return options;
}

std::string person_label(const PersonRecord& person) {
  // Two people without a name are told apart by the reference kiosks show as well.
  return person.preferred_name.empty() ? fmt::format("(no name, ref. {})", person_reference(person.id))
                                       : person.preferred_name;
}

std::string trim(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string text_input(const std::string& raw, std::string_view what, std::vector<std::string>& problems, bool optional,
                       std::size_t max_chars) {
  auto value = trim(raw);
  if (value.empty() && !optional) problems.push_back(fmt::format("Please enter {}.", what));
  if (value.size() > max_chars) problems.push_back(fmt::format("The {} is too long (at most {} characters).", what, max_chars));
  return value;
}

std::optional<int> parse_int(std::string_view text) {
  auto t = trim(text);
  int value = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc{} || end != t.data() + t.size()) return std::nullopt;
  return value;
}

std::string table_open(std::string_view caption, const std::vector<std::string>& headers, bool compact) {
  std::string out = compact ? R"(<div class="table-wrap"><table class="compact">)" : R"(<div class="table-wrap"><table>)";
  out += fmt::format("<caption>{}</caption><thead><tr>", escape(caption));
  for (const auto& h : headers) out += fmt::format(R"(<th scope="col">{}</th>)", escape(h));
  out += "</tr></thead><tbody>";
  return out;
}

std::string table_close() { return "</tbody></table></div>"; }

namespace {
std::tm local_tm(WallTime t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
  std::tm tm{};
  localtime_r(&seconds, &tm);
  return tm;
}

std::string strftime_text(WallTime t, const char* format) {
  auto tm = local_tm(t);
  char buffer[96];
  auto n = std::strftime(buffer, sizeof buffer, format, &tm);
  return std::string(buffer, n);
}
}  // namespace

std::string local_span(WallTime start, WallTime end) {
  auto day = strftime_text(start, "%a %e %b %Y");
  if (!day.empty() && day[4] == ' ') day.erase(4, 1);  // "%e" pads single-digit days
  bool same_day = format_local_date(start) == format_local_date(end);
  if (same_day) return fmt::format("{}, {}–{}", day, format_local_time(start), format_local_time(end));
  return fmt::format("{}, {} – {}", day, format_local_time(start), format_local_datetime(end));
}

std::string local_day_heading(WallTime t) {
  auto text = strftime_text(t, "%A %e %B %Y");
  auto space = text.find("  ");
  if (space != std::string::npos) text.erase(space, 1);
  return text;
}

DateRange date_range(std::string_view from_text, std::string_view to_text, WallTime now, int default_days) {
  DateRange range;
  auto today = parse_local_date(format_local_date(now));
  range.from = today.value_or(now);
  if (!from_text.empty()) {
    if (auto from = parse_local_date(from_text)) range.from = *from;
    else range.problem = "The start date is not a date; showing from today.";
  }
  WallTime last = range.from;
  for (int i = 0; i < default_days; ++i) last = next_local_day(last);
  range.to = last;
  if (!to_text.empty()) {
    if (auto to = parse_local_date(to_text); to && *to >= range.from) range.to = next_local_day(*to);
    else range.problem = "The end date is not a date on or after the start date.";
  }
  range.from_text = format_local_date(range.from);
  // The inclusive last day, as the date input shows it.
  range.to_text = format_local_date(range.to - std::chrono::hours(1));
  return range;
}

}  // namespace checkin::server::dashboard
