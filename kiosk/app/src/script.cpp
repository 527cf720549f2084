// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/app/script.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace checkin::app {

Result<Millis> parse_duration(std::string_view text) {
  long long value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr));
  if (ec != std::errc{} || value < 0) return fail(Errc::invalid_input, fmt::format("'{}' is not a duration", text));
  if (unit == "ms") return Millis{value};
  if (unit == "s") return Millis{value * 1000};
  if (unit == "min") return Millis{value * 60'000};
  if (unit == "h") return Millis{value * 3'600'000};
  return fail(Errc::invalid_input, fmt::format("'{}': the unit must be ms, s, min or h", text));
}

Result<std::vector<ScriptStep>> parse_script(std::string_view text, std::string_view file_name) {
  using Kind = ScriptStep::Kind;
  static const std::pair<std::string_view, Kind> kVerbs[] = {
      {"scan", Kind::scan},     {"scan-pass", Kind::scan_pass}, {"replay", Kind::replay},     {"type", Kind::type},
      {"type-pass", Kind::type_pass}, {"tap", Kind::tap},         {"advance", Kind::advance},
      {"language", Kind::language}, {"shot", Kind::shot},           {"wait-sync", Kind::wait_sync},
      {"at", Kind::at},             {"wait-learned", Kind::wait_learned},
  };
  std::vector<ScriptStep> steps;
  int number = 0;
  while (!text.empty()) {
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;
    auto space = line.find(' ');
    std::string_view verb = line.substr(0, space);
    std::string_view argument = space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
    auto where = [&] { return fmt::format("{} line {}", file_name, number); };
    const auto* known = std::ranges::find_if(kVerbs, [&](const auto& v) { return v.first == verb; });
    if (known == std::end(kVerbs))
      return fail(Errc::invalid_input, fmt::format("{}: unknown step '{}' (scan, scan-pass, replay, type, "
                                                   "type-pass, tap, advance, at, language, shot, wait-sync, "
                                                   "wait-learned)",
                                                   where(), verb));
    ScriptStep step{known->second, std::string(argument), Millis{0}, number};
    if (step.kind == Kind::wait_sync) {
      step.duration = kDefaultWaitSync;
      if (!step.argument.empty()) {
        auto d = parse_duration(argument);
        if (!d) return fail(Errc::invalid_input, fmt::format("{}: {}", where(), d.error().message));
        step.duration = *d;
      }
      steps.push_back(std::move(step));
      continue;
    }
    if (step.argument.empty())
      return fail(Errc::invalid_input, fmt::format("{}: '{}' needs an argument", where(), verb));
    if (step.kind == Kind::at) {
      if (!parse_utc(step.argument, step.time))
        return fail(Errc::invalid_input, fmt::format("{}: '{}' is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)", where(),
                                                     step.argument));
    }
    if (step.kind == Kind::wait_learned) {
      std::string_view count = argument.substr(0, argument.find(' '));
      auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), step.count);
      if (error != std::errc{} || end != count.data() + count.size() || step.count == 0)
        return fail(Errc::invalid_input, fmt::format("{}: wait-learned needs a number of events from 1", where()));
      step.duration = kDefaultWaitSync;
      if (count.size() < argument.size()) {
        auto d = parse_duration(argument.substr(count.size() + 1));
        if (!d) return fail(Errc::invalid_input, fmt::format("{}: {}", where(), d.error().message));
        step.duration = *d;
      }
    }
    if (step.kind == Kind::advance) {
      auto d = parse_duration(argument);
      if (!d) return fail(Errc::invalid_input, fmt::format("{}: {}", where(), d.error().message));
      step.duration = *d;
    }
    if (step.kind == Kind::type || step.kind == Kind::type_pass) {
      step.duration = Millis{15};  // a typical scanner's key interval
      if (auto gap = step.argument.rfind(" gap "); gap != std::string::npos) {
        auto d = parse_duration(std::string_view(step.argument).substr(gap + 5));
        if (!d) return fail(Errc::invalid_input, fmt::format("{}: {}", where(), d.error().message));
        step.duration = *d;
        step.argument.resize(gap);
      }
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

Result<std::vector<ScriptStep>> load_script(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(Errc::io, fmt::format("cannot read script {}", file.string()));
  std::stringstream text;
  text << in.rdbuf();
  return parse_script(text.str(), file.string());
}

}  // namespace checkin::app
