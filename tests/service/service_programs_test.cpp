// SPDX-License-Identifier: AGPL-3.0-or-later
// checkin-kiosk and checkin-server as systemd runs them with Type=notify and WatchdogSec:
// the real programs, started with NOTIFY_SOCKET and WATCHDOG_USEC naming a socket this test
// reads in systemd's place. WATCHDOG_PID stays unset (systemd sets it to the main process's
// pid, which the test cannot know before starting it; unset means "this process").
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkin_catch.hpp"

#include <cstring>
#include <fstream>
#include <sstream>

#include "notify_socket.hpp"
#include "server_process.hpp"
#include "temp_dir.hpp"

extern char** environ;

using namespace std::chrono_literals;
using namespace checkin::testing;

namespace {

// A watchdog of 400 ms: the programs send a keep-alive every 200 ms.
constexpr const char* kWatchdogUsec = "400000";

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string joined(const std::vector<std::string>& datagrams) {
  std::string text;
  for (const auto& d : datagrams) text += "\n  [" + d + "]";
  return text;
}

// Reads notifications until one holds `line`, adding each to `seen`; fails the test when
// none comes within a minute.
void await(NotifySocket& manager, std::string_view line, std::vector<std::string>& seen) {
  for (;;) {
    auto datagram = manager.receive(60s);
    if (!datagram) FAIL("no notification with " << line << " within a minute; before it:" << joined(seen));
    seen.push_back(*datagram);
    if (has_line(*datagram, line)) return;
  }
}

// A program started with this environment plus `extra`, its output in `log`.
class Program {
 public:
  Program(const std::vector<std::string>& argv, const std::vector<std::string>& extra, std::filesystem::path log)
      : log_(std::move(log)) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
      if (!std::string_view(*e).starts_with("NOTIFY_SOCKET=") && !std::string_view(*e).starts_with("WATCHDOG_"))
        env.emplace_back(*e);
    env.insert(env.end(), extra.begin(), extra.end());
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    auto pointers = [](std::vector<std::string>& strings) {
      std::vector<char*> p;
      for (auto& s : strings) p.push_back(s.data());
      p.push_back(nullptr);
      return p;
    };
    std::vector<std::string> args = argv;
    auto arg_pointers = pointers(args);
    auto env_pointers = pointers(env);
    int rc = posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, arg_pointers.data(), env_pointers.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));
  }
  ~Program() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  void terminate() { ::kill(pid_, SIGTERM); }
  int wait() {  // the exit status; -1 when it did not exit normally
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0)
      if (errno != EINTR) return -1;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string log() const { return read_file(log_); }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
};

std::vector<std::string> notify_env(const NotifySocket& manager) {
  return {"NOTIFY_SOCKET=" + manager.path().string(), std::string("WATCHDOG_USEC=") + kWatchdogUsec};
}

void sqlite_exec(const std::string& database, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open(database.c_str(), &db);
  if (rc == SQLITE_OK) rc = sqlite3_busy_timeout(db, 10000);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  std::string error = rc == SQLITE_OK ? "" : sqlite3_errmsg(db);
  sqlite3_close(db);
  if (rc != SQLITE_OK) FAIL(sql << ": " << error);
}

}  // namespace

TEST_CASE("checkin-kiosk tells systemd it is ready, feeds the watchdog from its loop, and says when it stops") {
  TempDir dir;
  NotifySocket manager(dir / "notify");
  // Headless on the demo organisation, its camera replaying the demo's frames (passes too).
  Program kiosk({CHECKIN_KIOSK_PATH, "--headless", "--demo", (dir / "demo").string()}, notify_env(manager),
                dir / "kiosk.log");
  std::vector<std::string> seen;
  await(manager, "READY=1", seen);
  INFO("kiosk log:\n" << kiosk.log());
  CHECK(seen.size() == 1);  // nothing before it
  for (int i = 0; i < 5; ++i) await(manager, "WATCHDOG=1", seen);
  kiosk.terminate();  // what `systemctl stop` sends
  await(manager, "STOPPING=1", seen);
  CHECK(kiosk.wait() == 0);

  INFO("notifications:" << joined(seen));
  // Healthy all along: between ready and stopping, keep-alives and nothing else.
  for (std::size_t i = 1; i + 1 < seen.size(); ++i) CHECK(seen[i] == "WATCHDOG=1");
  // `systemctl status` is public: no name of the demo's people in any status line.
  for (const auto& datagram : seen)
    for (const char* name : {"Ana", "Ben", "Vic", "Dee"}) CHECK(datagram.find(name) == std::string::npos);
}

TEST_CASE("checkin-kiosk that cannot start says why in its status and never that it is ready") {
  TempDir dir;
  NotifySocket manager(dir / "notify");
  Program kiosk({CHECKIN_KIOSK_PATH, "--headless", "--set", "kiosk.database=/nonexistent/dir/kiosk.db"},
                notify_env(manager), dir / "kiosk.log");
  CHECK(kiosk.wait() == 2);
  std::vector<std::string> seen;
  while (auto datagram = manager.take()) seen.push_back(*datagram);  // all sent before it exited
  INFO("notifications:" << joined(seen) << "\nkiosk log:\n" << kiosk.log());
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].starts_with("STATUS=cannot start"));
  CHECK_FALSE(has_line(seen[0], "READY=1"));
}

TEST_CASE("checkin-server tells systemd it is ready, feeds the watchdog while the database answers, and stops") {
  TempDir dir;
  NotifySocket manager(dir / "notify");
  ScopedEnv socket("NOTIFY_SOCKET", manager.path().string());
  ScopedEnv watchdog("WATCHDOG_USEC", kWatchdogUsec);
  ScopedEnv watchdog_pid("WATCHDOG_PID", std::nullopt);
  const std::string database = dir.file("server.db");
  ServerProcess server(database, dir.path());
  INFO("server log:\n" << server.log());

  std::vector<std::string> seen;
  await(manager, "READY=1", seen);
  CHECK(seen.size() == 1);
  const std::string serving = "STATUS=serving on http://127.0.0.1:" + std::to_string(server.port());
  CHECK(has_line(seen[0], serving));
  for (int i = 0; i < 3; ++i) await(manager, "WATCHDOG=1", seen);

  // The database stops answering the watchdog's read: its table is renamed away under the
  // running server. Two failed checks in a row say so, with no keep-alive between them.
  sqlite_exec(database, "ALTER TABLE sites RENAME TO sites_away");
  const std::string silent = "STATUS=the database does not answer (watchdog not told)";
  await(manager, silent, seen);
  auto next = manager.receive(60s);
  REQUIRE(next);
  CHECK(*next == silent);
  // It answers again: the status says so, and the keep-alives come back.
  sqlite_exec(database, "ALTER TABLE sites_away RENAME TO sites");
  seen.clear();
  await(manager, serving, seen);
  for (const auto& datagram : seen) CHECK_FALSE(has_line(datagram, "WATCHDOG=1"));
  next = manager.receive(60s);
  REQUIRE(next);
  CHECK(*next == "WATCHDOG=1");
  CHECK(server.log().find("the database does not answer") != std::string::npos);
  CHECK(server.log().find("the database answers again") != std::string::npos);

  server.terminate();
  await(manager, "STOPPING=1", seen);
  CHECK(server.wait() == 0);
}
