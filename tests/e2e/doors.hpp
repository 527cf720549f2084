// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// A site with several doors, for end-to-end tests: a real checkin-server process (SQLite or
// PostgreSQL) and real checkin-kiosk processes, headless and scripted, on 127.0.0.1. The
// organisation is made through the server's store; each door is a kiosk database that runs
// one script after another, on one timeline (scripts start at a given time and move it
// with `at`), the way a kiosk at a door would live through a day.
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "checkin/core/clock.hpp"
#include "checkin/server/store.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

#if CHECKIN_E2E_POSTGRES
#include "postgres.hpp"
#endif

namespace checkin::testing {

// What a kiosk run left: its exit status, the words on screen after each step (000 is the
// start) and its log.
struct KioskRun {
  int status = -1;
  std::vector<std::string> screens;
  std::string log;

  bool shows(std::size_t step, std::string_view words) const;
};

class Door;

class DoorSite {
 public:
  DoorSite();
  ~DoorSite();

  // One site with: a community lunch (open to all, counts check-outs) now; a cooking class
  // (registration, capacity 3, no check-out) in 3 hours; a welcome-desk shift now (Vic);
  // people ana, ben, cy, dee, eve (registered for the class) and vic, with passes.
  const std::string& database() const { return database_; }
  server::ServerStore& store() { return *store_; }
  ServerProcess& server() { return *server_; }
  const std::filesystem::path& work() const { return dir_.path(); }

  WallTime t0() const { return t0_; }  // the real time the test started, to the minute
  std::string at(std::chrono::minutes after_t0) const;  // as a script's `at` argument
  const std::string& pass(const std::string& who) const { return passes_.at(who); }
  const std::string& pass_id(const std::string& who) const { return pass_ids_.at(who); }
  const Id& person(const std::string& who) const { return people_.at(who); }
  const std::string& pin_hash() const { return pin_hash_; }

  Id site, lunch, class_session, desk_shift;
  Id lunch_program, class_program;

  // A door with this name, enrolled now with an enrolment code naming it.
  std::unique_ptr<Door> door(const std::string& name, const ServerProcess* through = nullptr);

  // Every event each door recorded reached the server exactly once, and nothing is left to
  // send or set aside; the message says what is not so.
  std::string delivery_problem(const std::vector<Door*>& doors);

 private:
  TempDir dir_;
#if CHECKIN_E2E_POSTGRES
  PostgresDatabase postgres_;
#endif
  std::string database_;
  std::unique_ptr<server::ServerStore> store_;
  std::unique_ptr<ServerProcess> server_;
  WallTime t0_{};
  std::map<std::string, std::string> passes_;
  std::map<std::string, std::string> pass_ids_;
  std::map<std::string, Id> people_;
  std::string pin_hash_;
};

// One kiosk: its database, and the scripts it runs.
class Door {
 public:
  Door(DoorSite& site, std::string name, std::filesystem::path dir);
  ~Door();

  // Runs a script to its end, its clock starting at `start` (minutes after t0). Options are
  // --set overrides ("sync.enabled=false").
  KioskRun run(std::chrono::minutes start, const std::vector<std::string>& steps,
               const std::vector<std::string>& options = {});
  // Starts a script and returns once the kiosk is up (its first screen drawn); finish()
  // waits for it.
  void start(std::chrono::minutes start, const std::vector<std::string>& steps, const std::vector<std::string>& options = {});
  KioskRun finish();

  // Enrols with a new code (as `checkin-kiosk --enrol`), then syncs.
  KioskRun enrol(std::chrono::minutes start, const std::string& name, const std::string& server_url);

  const std::string& name() const { return name_; }
  std::string database() const { return (dir_ / "kiosk.db").string(); }
  std::string device_id() const;  // the id the server gave
  std::string staff_steps() const;  // tap staff, the PIN, OK

 private:
  std::vector<std::string> command(std::chrono::minutes start, const std::vector<std::string>& steps,
                                   const std::vector<std::string>& options, const std::string& enrol_code = {});
  KioskRun collect(int status);

  DoorSite& site_;
  std::string name_;
  std::filesystem::path dir_;
  int runs_ = 0;
  std::filesystem::path shots_;
  std::filesystem::path log_;
  pid_t running_ = -1;
};

}  // namespace checkin::testing
