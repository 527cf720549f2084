#pragma once
// A real checkin-server process for end-to-end tests: started on 127.0.0.1 with a free
// port, stopped politely (SIGTERM) or killed (SIGKILL) as a power cut would, restarted on
// the same database. Its command line is also run for coordinator commands.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace checkin::testing {

struct CommandResult {
  int status = -1;  // exit status; -1 when it did not exit normally
  std::string output;  // stdout
  std::string errors;  // stderr
};

// Runs a program to completion, capturing its output.
CommandResult run_command(const std::vector<std::string>& argv);

class ServerProcess {
 public:
  // `database` is a SQLite path or a postgresql:// URL; `work` a folder for its files.
  ServerProcess(std::filesystem::path binary, std::string database, std::filesystem::path work);
  ~ServerProcess();  // kills a server still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  void start();  // throws std::runtime_error when it does not come up
  void stop();   // SIGTERM and wait
  void kill();   // SIGKILL and wait: no chance to finish anything
  bool running() const { return pid_ > 0; }

  std::uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& database() const { return database_; }

  // `checkin-server --db <database> ARGS...`; throws when it fails (its stderr in the message).
  std::string cli(const std::vector<std::string>& args) const;
  CommandResult try_cli(const std::vector<std::string>& args) const;
  // The last lines the server wrote to stderr (its log), for failure messages.
  std::string log_tail() const;

 private:
  std::filesystem::path binary_;
  std::string database_;
  std::filesystem::path work_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int starts_ = 0;
};

}  // namespace checkin::testing
