// SPDX-License-Identifier: AGPL-3.0-or-later
// Crash test: a separate writer process (crash_writer.cpp) records check-ins and reports
// each one after append returned; we SIGKILL it at random moments, hundreds of times,
// against the same database file. Every reported check-in must be there exactly once,
// the outbox must match the log, sequence numbers must be gap-free, and the file must
// pass integrity_check. The seed is fixed so a failure can be replayed.
#include "checkin_catch.hpp"
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "checkin/store/store.hpp"
#include "store_test_support.hpp"

extern char** environ;

using namespace checkin;
using checkin::testing::RawDatabase;
using checkin::testing::TempDir;

namespace {

struct Run {
  std::vector<std::string> reported;  // ids the writer said were committed
  bool killed = false;                // ended by our SIGKILL, not on its own
  int exit_status = -1;
};

// Starts the writer, kills it after `delay`, and collects what it reported.
Run run_writer_and_kill(const std::string& database, int run_number, std::chrono::microseconds delay) {
  int pipe_fds[2];
  REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);

  std::string program = STORE_CRASH_WRITER;
  std::string run_text = std::to_string(run_number);
  std::vector<char*> argv{program.data(), const_cast<char*>(database.c_str()), run_text.data(), nullptr};
  pid_t pid = -1;
  int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  REQUIRE(spawned == 0);

  std::this_thread::sleep_for(delay);
  ::kill(pid, SIGKILL);

  std::string output;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);

  Run run;
  run.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) run.reported.push_back(line);
  return run;
}

// Checks the invariants with a plain SQLite connection, read-only so that it neither
// checkpoints nor tidies the files the next writer inherits from a crash.
void check_database(const std::string& path, const std::set<std::string>& reported) {
  RawDatabase raw(path, SQLITE_OPEN_READONLY);
  REQUIRE(raw.text("PRAGMA integrity_check") == "ok");
  if (raw.integer("PRAGMA user_version") == 0) {  // killed before the first migration committed
    REQUIRE(reported.empty());
    return;
  }
  REQUIRE(raw.column("PRAGMA foreign_key_check").empty());

  auto logged = raw.column("SELECT event_id FROM attendance_log");
  std::set<std::string> in_log(logged.begin(), logged.end());
  REQUIRE(in_log.size() == logged.size());  // each event exactly once
  std::size_t missing = 0;
  for (const auto& id : reported)
    if (!in_log.count(id)) ++missing;
  REQUIRE(missing == 0);

  // The outbox matches the log both ways.
  REQUIRE(raw.integer("SELECT count(*) FROM outbox") == static_cast<std::int64_t>(logged.size()));
  REQUIRE(raw.integer("SELECT count(*) FROM attendance_log l WHERE NOT EXISTS "
                      "(SELECT 1 FROM outbox o WHERE o.event_id = l.event_id)") == 0);
  REQUIRE(raw.integer("SELECT count(*) FROM outbox o WHERE NOT EXISTS "
                      "(SELECT 1 FROM attendance_log l WHERE l.event_id = o.event_id)") == 0);

  // Sequence numbers: 1..n, unique, no gaps, and the counter agrees.
  const auto count = static_cast<std::int64_t>(logged.size());
  REQUIRE(raw.integer("SELECT count(DISTINCT seq) FROM attendance_log") == count);
  REQUIRE(raw.integer("SELECT coalesce(max(seq), 0) FROM attendance_log") == count);
  REQUIRE(raw.integer("SELECT coalesce(min(seq), 1) FROM attendance_log") == 1);
  if (count > 0)
    REQUIRE(raw.integer("SELECT last_seq FROM device_sequences WHERE device_id = 'crash-kiosk'") == count);
}

}  // namespace

TEST_CASE("check-ins reported by a writer killed at random moments are never lost", "[store][crash]") {
  TempDir dir;
  const auto path = dir.file("kiosk.db");
  std::mt19937 random(20261126);
  std::set<std::string> reported;
  int kills = 0;
  int kills_with_nothing_reported = 0;

  constexpr int runs = 240;
  for (int run = 0; run < runs; ++run) {
    // A quarter of the kills land within the first few milliseconds: process start,
    // open, WAL switch and (on the first runs) migration. The rest mid-stream.
    const bool early = run < 3 || random() % 4 == 0;
    const auto delay = early ? std::chrono::microseconds(random() % 4000)
                             : std::chrono::microseconds(4000 + random() % 60000);
    Run result = run_writer_and_kill(path, run, delay);
    INFO("run " << run << ", killed after " << delay.count() << " us");
    REQUIRE(result.exit_status == -1);  // the writer never stops on its own (errors exit 2/3)
    REQUIRE(result.killed);
    ++kills;
    if (result.reported.empty()) ++kills_with_nothing_reported;
    reported.insert(result.reported.begin(), result.reported.end());
    if (run % 10 == 9 && std::filesystem::exists(path)) check_database(path, reported);
  }

  std::printf("crash test: %d kills, %d before the first commit of their run, %zu check-ins reported\n", kills,
              kills_with_nothing_reported, reported.size());
  CHECK(kills >= 200);
  CHECK(kills_with_nothing_reported > 0);  // some kills did land before the first commit
  CHECK(reported.size() > 100);            // and the others let it record plenty
  check_database(path, reported);

  // The kiosk's own open after all that: migrations done, store healthy and writable.
  auto store = store::Store::open(path);
  REQUIRE(store);
  REQUIRE(store->integrity_check());
  auto counts = store->outbox_counts();
  REQUIRE(counts);
  CHECK(counts->pending + counts->uploaded + counts->dead >= static_cast<std::int64_t>(reported.size()));
  AttendanceEvent event;
  event.event_id = "after-the-crashes";
  event.device_id = "crash-kiosk";
  auto committed = store->append(std::span(&event, 1));
  REQUIRE(committed);
  CHECK(committed->at(0).seq == counts->pending + counts->uploaded + counts->dead + 1);
}

TEST_CASE("a database killed while being created opens cleanly afterwards", "[store][crash]") {
  TempDir dir;
  std::mt19937 random(7);
  for (int run = 0; run < 30; ++run) {
    const auto path = dir.file("fresh-" + std::to_string(run) + ".db");
    // Creating and migrating a new file takes a few milliseconds on a Pi-class disk.
    const auto delay = std::chrono::microseconds(random() % 6000);
    Run result = run_writer_and_kill(path, 1000 + run, delay);
    INFO("run " << run << ", killed after " << delay.count() << " us");
    REQUIRE(result.exit_status == -1);
    std::set<std::string> reported(result.reported.begin(), result.reported.end());

    {
      auto store = store::Store::open(path);
      REQUIRE(store);
      REQUIRE(store->integrity_check());
    }
    check_database(path, reported);
    RawDatabase raw(path);
    CHECK(raw.integer("PRAGMA user_version") == store::Store::schema_version());
  }
}
