// SPDX-License-Identifier: AGPL-3.0-or-later
#include "doors.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "checkin/app/pin_guard.hpp"
#include "checkin/store/store.hpp"
#include "checkin/sync/enrolment.hpp"

#include "must.hpp"
#include "read_file.hpp"

namespace checkin::testing {

using namespace std::chrono;

namespace {

std::string utc(WallTime t) { return format_utc(time_point_cast<seconds>(t)); }

}  // namespace

bool KioskRun::shows(std::size_t step, std::string_view words) const {
  return step < screens.size() && screens[step].find(words) != std::string::npos;
}

// ---- the site ----

DoorSite::DoorSite() {
#if CHECKIN_E2E_POSTGRES
  database_ = postgres_.url();
#else
  database_ = dir_.file("server.db");
#endif
  store_ = must(server::ServerStore::open(database_, 2), "open the server's store");
  t0_ = floor<minutes>(time_point_cast<Millis>(system_clock::now()));
  const WallTime now = t0_;

  site = must(store_->create_site(Site{"", "Riverside Community Centre"}), "site").id;
  lunch_program = must(store_->create_program(Program{.id = "", .name = "Community lunch", .anonymous_allowed = true,
                                                      .walk_ins_allowed = true, .tracks_checkout = true}),
                       "lunch")
                      .id;
  class_program = must(store_->create_program(Program{.id = "", .name = "Cooking class",
                                                      .registration = Registration::roster}),
                       "class")
                      .id;
  auto session = [&](const Id& program, minutes start, minutes end, std::optional<int> capacity) {
    Session s;
    s.program_id = program;
    s.site_id = site;
    s.room = "Main hall";
    s.start = now + start;
    s.end = now + end;
    s.capacity = capacity;
    return must(store_->create_session(s), "session").id;
  };
  lunch = session(lunch_program, minutes{0}, minutes{120}, std::nullopt);
  class_session = session(class_program, minutes{180}, minutes{240}, 3);

  must(store_->create_signing_key(now), "signing key");
  for (std::string who : {"ana", "ben", "cy", "dee", "eve", "vic"}) {
    std::string name = who;
    name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    std::vector<Id> programs;
    if (who != "vic") programs = {class_program};
    auto person = must(store_->create_person(server::PersonRecord{"", name, "en", programs, site}), "person");
    people_[who] = person.id;
    auto issued = must(store_->issue_pass(person.id, now + days{30}, now), "pass");
    passes_[who] = issued.text;
    pass_ids_[who] = issued.record.pass_id;
  }
  desk_shift = must(store_->create_shift(Shift{"", site, "Welcome desk", now, now + minutes{120}, {people_["vic"]}}),
                    "shift")
                   .id;

  pin_hash_ = must(app::PinGuard::hash("2468"), "staff PIN");

  server_ = std::make_unique<ServerProcess>(database_, dir_.path());
}

DoorSite::~DoorSite() = default;

std::string DoorSite::at(minutes after_t0) const { return utc(t0_ + after_t0); }

std::unique_ptr<Door> DoorSite::door(const std::string& name, const ServerProcess* through) {
  auto made = std::make_unique<Door>(*this, name, dir_.path() / ("door-" + name));
  auto enrolled = made->enrol(minutes{0}, name, (through ? *through : *server_).url());
  if (enrolled.status != 0) throw std::runtime_error(fmt::format("door {} did not enrol:\n{}", name, enrolled.log));
  return made;
}

std::string DoorSite::delivery_problem(const std::vector<Door*>& doors) {
  std::set<std::string> on_server;
  std::map<std::string, int> copies;
  for (const auto& device : must(store_->devices(), "devices"))
    for (const auto& stored : must(store_->events_of_device(device.id), "events"))
      ++copies[stored.event.event_id];
  std::string problems;
  for (Door* door : doors) {
    auto kiosk = must(store::Store::open(door->database(), store::OpenOptions::reading_only()), "kiosk store");
    auto counts = must(kiosk.outbox_counts(), "outbox");
    if (counts.pending > 0 || counts.dead > 0)
      problems += fmt::format("{}: {} waiting, {} set aside\n", door->name(), counts.pending, counts.dead);
    for (const auto& e : must(kiosk.events_since(WallTime{}), "kiosk events")) {
      const int n = copies.contains(e.event_id) ? copies[e.event_id] : 0;
      if (n != 1) problems += fmt::format("{}: event {} ({}) is on the server {} times\n", door->name(), e.event_id,
                                          to_string(e.kind), n);
    }
  }
  return problems;
}

// ---- a door ----

Door::Door(DoorSite& site, std::string name, std::filesystem::path dir)
    : site_(site), name_(std::move(name)), dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
}

Door::~Door() {
  if (running_ > 0) {
    ::kill(running_, SIGKILL);
    wait_process(running_);
  }
}

std::string Door::staff_steps() const { return "tap staff\ntap pin:2\ntap pin:4\ntap pin:6\ntap pin:8\ntap pin:ok"; }

std::vector<std::string> Door::command(minutes start, const std::vector<std::string>& steps,
                                       const std::vector<std::string>& options, const std::string& enrol_code) {
  ++runs_;
  const auto script = dir_ / fmt::format("run-{}.script", runs_);
  std::ofstream out(script);
  for (const auto& step : steps) out << step << "\n";
  shots_ = dir_ / fmt::format("run-{}", runs_);
  log_ = dir_ / fmt::format("run-{}.log", runs_);
  std::vector<std::string> argv{CHECKIN_E2E_KIOSK_PROGRAM,
                                "--headless",
                                "--script",
                                script.string(),
                                "--screenshots",
                                shots_.string(),
                                "--start-time",
                                site_.at(start),
                                "--set",
                                "kiosk.database=" + database(),
                                "--set",
                                "kiosk.admin_pin_hash=" + site_.pin_hash(),
                                "--set",
                                "display.width=800",
                                "--set",
                                "display.height=480"};
  for (const auto& option : options) argv.insert(argv.end(), {"--set", option});
  if (!enrol_code.empty()) {
    const auto code_file = dir_ / "enrol.txt";
    std::ofstream(code_file) << enrol_code;
    argv.insert(argv.end(), {"--enrol", "@" + code_file.string()});
  }
  return argv;
}

KioskRun Door::collect(int status) {
  KioskRun result;
  result.status = status;
  result.log = read_file(log_);
  std::vector<std::filesystem::path> texts;
  if (std::filesystem::exists(shots_))
    for (const auto& entry : std::filesystem::directory_iterator(shots_))
      if (entry.path().extension() == ".txt") texts.push_back(entry.path());
  std::ranges::sort(texts);
  for (const auto& text : texts) result.screens.push_back(read_file(text));
  return result;
}

KioskRun Door::run(minutes start, const std::vector<std::string>& steps, const std::vector<std::string>& options) {
  auto argv = command(start, steps, options);
  return collect(wait_process(start_process(argv, dir_ / "out.txt", log_)));
}

void Door::start(minutes start, const std::vector<std::string>& steps, const std::vector<std::string>& options) {
  auto argv = command(start, steps, options);
  running_ = start_process(argv, dir_ / "out.txt", log_);
  // Up once the first screen was drawn: its words are written after the picture.
  for (int i = 0; i < 600 && !std::filesystem::exists(shots_ / "000-start.txt"); ++i)
    std::this_thread::sleep_for(milliseconds{50});
}

KioskRun Door::finish() {
  const int status = wait_process(running_);
  running_ = -1;
  return collect(status);
}

KioskRun Door::enrol(minutes start, const std::string& name, const std::string& server_url) {
  auto token = must(site_.store().create_enrolment_token(site_.site, time_point_cast<Millis>(system_clock::now()), name),
                    "enrolment token");
  sync::EnrolmentCode code{server_url, token.token, "", token.device_name};
  auto argv = command(start, {"wait-sync 30s"}, {}, sync::to_text(code));
  return collect(wait_process(start_process(argv, dir_ / "out.txt", log_)));
}

std::string Door::device_id() const {
  auto kiosk = must(store::Store::open(database(), store::OpenOptions::reading_only()), "kiosk store");
  return must(kiosk.device_id(), "device id").value_or("");
}

}  // namespace checkin::testing
