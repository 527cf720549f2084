// SPDX-License-Identifier: AGPL-3.0-or-later
#pragma once
// The real checkin-server for tests and benchmarks (CHECKIN_TEST_SERVER_BINARY, when set,
// names another build's program: to show that a test fails without a fix): its command
// line run to completion,
// and its `serve` started on 127.0.0.1 with a free port (--listen 127.0.0.1:0
// --port-file), stopped politely (SIGTERM) or killed as a power cut would, and started
// again on the same database.
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include <httplib.h>

namespace checkin::testing {

struct Command {
  int status = -1;     // exit status; -1 when it did not exit normally
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs argv[0] with the arguments (no shell), capturing its output in `work`.
Command run(const std::vector<std::string>& argv, const std::filesystem::path& work);
// Starts argv[0] (no shell), its stdout and stderr into the files; wait_process() answers
// its exit status (-1 when it did not exit normally).
pid_t start_process(const std::vector<std::string>& argv, const std::filesystem::path& out,
                    const std::filesystem::path& err);
int wait_process(pid_t pid);
// checkin-server ARGS... --db DATABASE
Command server_cli(const std::string& database, std::vector<std::string> args, const std::filesystem::path& work);
// The first line of a command's stdout (what commands that make something print: the id).
std::string first_line(const std::string& text);

class ServerProcess {
 public:
  // Starts `checkin-server serve --db DATABASE --listen 127.0.0.1:0 --port-file ... EXTRA...`;
  // throws std::runtime_error (with its log) when it does not come up.
  ServerProcess(std::string database, std::filesystem::path work, std::vector<std::string> extra = {});
  // Starts it again after stop() or kill(): the same database, a new port.
  void start();
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  httplib::Client client() const;
  // SIGTERM, then waits: the exit status (0 when it stopped cleanly).
  int stop();
  // SIGTERM without waiting, then wait() for the exit status.
  void terminate();
  int wait();
  void kill();  // SIGKILL and wait: no chance to finish anything
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }  // for benchmarks that read its CPU time
  // Resident memory now (VmRSS), in KiB; 0 when not running.
  long resident_kib() const;
  const std::string& database() const { return database_; }
  std::string log() const;  // what it wrote to stderr

 private:
  std::string database_;
  std::filesystem::path work_;
  std::vector<std::string> extra_;
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace checkin::testing
