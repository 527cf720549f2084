// SPDX-License-Identifier: AGPL-3.0-or-later
#include "server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

#include "read_file.hpp"

namespace checkin::testing {

namespace {

std::atomic<int> g_counter{0};

std::string server_program() {
  const char* other = std::getenv("CHECKIN_TEST_SERVER_BINARY");
  return other && *other ? other : CHECKIN_SERVER_PATH;
}

}  // namespace

pid_t start_process(const std::vector<std::string>& argv, const std::filesystem::path& out,
                    const std::filesystem::path& err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

int wait_process(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Command run(const std::vector<std::string>& argv, const std::filesystem::path& work) {
  int n = g_counter++;
  auto out = work / ("command-" + std::to_string(n) + ".out");
  auto err = work / ("command-" + std::to_string(n) + ".err");
  Command result;
  result.status = wait_process(start_process(argv, out, err));
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

Command server_cli(const std::string& database, std::vector<std::string> args, const std::filesystem::path& work) {
  args.insert(args.begin(), server_program());
  args.push_back("--db");
  args.push_back(database);
  return run(args, work);
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

ServerProcess::ServerProcess(std::string database, std::filesystem::path work, std::vector<std::string> extra)
    : database_(std::move(database)), work_(std::move(work)), extra_(std::move(extra)) {
  start();
}

void ServerProcess::start() {
  if (pid_ > 0) throw std::runtime_error("checkin-server is already running");
  int n = g_counter++;
  auto port_file = work_ / ("port-" + std::to_string(n));
  log_ = work_ / ("server-" + std::to_string(n) + ".log");
  std::vector<std::string> argv{server_program(), "serve",     "--db", database_, "--listen", "127.0.0.1:0",
                                "--port-file",       port_file.string()};
  argv.insert(argv.end(), extra_.begin(), extra_.end());
  pid_ = start_process(argv, work_ / ("server-" + std::to_string(n) + ".out"), log_);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("checkin-server exited at start:\n" + log());
    }
    auto text = read_file(port_file);
    if (!text.empty()) {
      port_ = std::stoi(text);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  throw std::runtime_error("checkin-server did not write its port file:\n" + log());
}

ServerProcess::~ServerProcess() { kill(); }

void ServerProcess::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_process(pid_);
  pid_ = -1;
}

httplib::Client ServerProcess::client() const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(std::chrono::seconds(10));
  client.set_read_timeout(std::chrono::seconds(30));
  return client;
}

int ServerProcess::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = wait_process(pid_);
  pid_ = -1;
  return status;
}

void ServerProcess::terminate() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

int ServerProcess::wait() {
  if (pid_ <= 0) return -1;
  int status = wait_process(pid_);
  pid_ = -1;
  return status;
}

std::string ServerProcess::log() const { return read_file(log_); }

long ServerProcess::resident_kib() const {
  if (pid_ <= 0) return 0;
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:")) return std::atol(line.c_str() + 6);
  return 0;
}

}  // namespace checkin::testing
