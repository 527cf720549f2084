// SPDX-License-Identifier: AGPL-3.0-or-later
#include "checkin/app/script_runner.hpp"

#include <fmt/format.h>

#include <cctype>

#include "checkin/core/log.hpp"
#include "checkin/sync/enrolment.hpp"

namespace checkin::app {

namespace {

std::string file_safe(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 40)) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

Result<std::string> pass_text(const ScriptStep& step, const ScriptRun& run, const std::string& where) {
  if (run.passes.empty()) return fail(Errc::invalid_input, where + ": needs --demo (its passes)");
  auto found = run.passes.find(step.argument);
  if (found == run.passes.end())
    return fail(Errc::invalid_input, fmt::format("{}: no demo pass '{}'", where, step.argument));
  return found->second;
}

Result<void> run_step(const ScriptStep& step, ScriptHost& host, const ScriptRun& run) {
  const std::string where = fmt::format("{} line {}", run.name, step.line);
  auto located = [&](Result<void> done) -> Result<void> {
    if (!done) return fail(done.error().code, fmt::format("{}: {}", where, done.error().message));
    return {};
  };
  using Kind = ScriptStep::Kind;
  switch (step.kind) {
    case Kind::scan: host.scan(step.argument); return {};
    case Kind::scan_pass:
    case Kind::type_pass: {
      auto text = pass_text(step, run, where);
      if (!text) return std::unexpected(text.error());
      if (step.kind == Kind::scan_pass) host.scan(*text);
      else host.type(*text, step.duration);
      return {};
    }
    case Kind::replay: return located(host.show_image(step.argument));
    case Kind::type: host.type(step.argument, step.duration); return {};
    case Kind::tap: return located(host.tap(step.argument));
    case Kind::advance: host.move_clock(step.duration); return {};
    case Kind::at: {
      const WallTime now = host.clock_now();
      if (step.time < now)
        return fail(Errc::invalid_input, fmt::format("{}: at {}: the clock is at {} already and never goes back", where,
                                                     step.argument, format_utc(now)));
      host.move_clock(std::chrono::duration_cast<Millis>(step.time - now));
      return {};
    }
    case Kind::language: host.set_language(step.argument); return {};
    case Kind::shot: return {};
    case Kind::wait_sync: return located(host.wait_sync(step.duration));
    case Kind::wait_learned: return located(host.wait_learned(step.count, step.duration));
  }
  return {};
}

}  // namespace

Result<void> run_script(const std::vector<ScriptStep>& steps, ScriptHost& host, const ScriptRun& run) {
  std::error_code error;
  std::filesystem::create_directories(run.screenshots, error);
  if (error)
    return fail(Errc::io, fmt::format("cannot create the screenshots folder {}: {}", run.screenshots.string(),
                                      error.message()));
  host.settle();
  if (auto shot = host.screenshot(run.screenshots / "000-start.png"); !shot) return shot;
  int n = 0;
  for (const auto& step : steps) {
    ++n;
    if (auto done = run_step(step, host, run); !done) return done;
    host.settle();
    // An enrolment code's token stays out of file names as it stays out of the log.
    const std::string what = sync::looks_like_enrolment_code(step.argument) ? "enrolment-code" : step.argument;
    const std::string label = step.kind == ScriptStep::Kind::shot ? step.argument
                                                                  : fmt::format("{}-{}", host.screen_name(), file_safe(what));
    if (auto shot = host.screenshot(run.screenshots / fmt::format("{:03}-{}.png", n, label)); !shot) return shot;
    log_info("script", "step {} (line {}): screen {}", n, step.line, host.screen_name());
  }
  return {};
}

}  // namespace checkin::app
