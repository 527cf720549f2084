// SPDX-License-Identifier: AGPL-3.0-or-later
// A parsed people CSV becomes the people to import: each row's programs resolved to ids.
// Like the parser's, the reasons never repeat a cell's content (they may be logged, and
// logs carry no names): they say which cell and what is wrong with it.
#include "checkin/server/import_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace checkin::server {

namespace {

// Case-insensitive for ASCII letters; other characters must match exactly.
std::string folded(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string count_text(std::size_t count, std::string_view one, std::string_view many) {
  return count == 1 ? fmt::format("a {}", one) : fmt::format("{} {}", count, many);
}

}  // namespace

ImportPlan plan_import(const PeopleImport& parsed, const std::vector<Program>& programs, const Id& site_id) {
  std::set<Id> ids;
  std::map<std::string, std::vector<Id>> by_name;
  for (const auto& program : programs) {
    ids.insert(program.id);
    by_name[folded(program.name)].push_back(program.id);
  }

  ImportPlan plan;
  plan.problems = parsed.problems;
  for (const auto& row : parsed.rows) {
    std::vector<Id> registered;
    std::size_t unknown = 0, ambiguous = 0;
    for (const auto& wanted : row.programs) {
      if (ids.contains(wanted)) {
        registered.push_back(wanted);
        continue;
      }
      auto named = by_name.find(folded(wanted));
      if (named == by_name.end()) ++unknown;
      else if (named->second.size() > 1) ++ambiguous;
      else registered.push_back(named->second.front());
    }
    if (unknown > 0 || ambiguous > 0) {
      std::vector<std::string> reasons;
      if (unknown > 0)
        reasons.push_back(fmt::format("the programs cell names {} that {} not exist",
                                      count_text(unknown, "program", "programs"), unknown == 1 ? "does" : "do"));
      if (ambiguous > 0)
        reasons.push_back(fmt::format("the programs cell names {} that several programs are called: use the "
                                      "program's id instead",
                                      count_text(ambiguous, "program", "programs")));
      std::string reason = reasons.front();
      for (std::size_t i = 1; i < reasons.size(); ++i) reason += "; " + reasons[i];
      plan.problems.push_back(RowProblem{row.line, std::move(reason)});
      continue;
    }
    std::sort(registered.begin(), registered.end());
    registered.erase(std::unique(registered.begin(), registered.end()), registered.end());
    plan.people.push_back(PersonRecord{"", row.preferred_name, row.language, std::move(registered), site_id});
    plan.lines.push_back(row.line);
  }
  std::stable_sort(plan.problems.begin(), plan.problems.end(),
                   [](const RowProblem& a, const RowProblem& b) { return a.line < b.line; });
  return plan;
}

}  // namespace checkin::server
