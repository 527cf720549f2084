#include "server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace checkin::testing {

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& out, const std::filesystem::path& err,
            bool append_err) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | (append_err ? O_APPEND : O_TRUNC), 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0]);
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv) {
  char out_name[] = "/tmp/checkin-cmd-out-XXXXXX";
  char err_name[] = "/tmp/checkin-cmd-err-XXXXXX";
  int out_fd = mkstemp(out_name), err_fd = mkstemp(err_name);
  if (out_fd < 0 || err_fd < 0) throw std::runtime_error("mkstemp failed");
  close(out_fd);
  close(err_fd);
  CommandResult result;
  result.status = wait_for(spawn(argv, out_name, err_name, false));
  result.output = read_file(out_name);
  result.errors = read_file(err_name);
  std::filesystem::remove(out_name);
  std::filesystem::remove(err_name);
  return result;
}

ServerProcess::ServerProcess(std::filesystem::path binary, std::string database, std::filesystem::path work)
    : binary_(std::move(binary)), database_(std::move(database)), work_(std::move(work)) {
  std::filesystem::create_directories(work_);
}

ServerProcess::~ServerProcess() {
  if (running()) kill();
}

void ServerProcess::start() {
  if (running()) throw std::runtime_error("server already running");
  auto port_file = work_ / "port";
  std::filesystem::remove(port_file);
  ++starts_;
  pid_ = spawn({binary_.string(), "serve", "--db", database_, "--listen", "127.0.0.1:0", "--port-file", port_file.string()},
               work_ / "server.out", work_ / "server.log", /*append_err=*/true);
  // Up when the port file holds a port (written after the socket is bound).
  for (int i = 0; i < 600; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("checkin-server exited at start:\n" + log_tail());
    }
    auto text = read_file(port_file);
    if (!text.empty() && text.back() == '\n') {
      port_ = static_cast<std::uint16_t>(std::stoi(text));
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill();
  throw std::runtime_error("checkin-server did not start in 12 s:\n" + log_tail());
}

void ServerProcess::stop() {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  wait_for(pid_);
  pid_ = -1;
}

void ServerProcess::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  wait_for(pid_);
  pid_ = -1;
}

CommandResult ServerProcess::try_cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{binary_.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--db");
  argv.push_back(database_);
  return run_command(argv);
}

std::string ServerProcess::cli(const std::vector<std::string>& args) const {
  auto result = try_cli(args);
  if (result.status != 0) {
    std::string command;
    for (const auto& a : args) command += " " + a;
    throw std::runtime_error("checkin-server" + command + " failed (" + std::to_string(result.status) +
                             "): " + result.errors);
  }
  return result.output;
}

std::string ServerProcess::log_tail() const {
  auto log = read_file(work_ / "server.log");
  return log.size() > 4000 ? log.substr(log.size() - 4000) : log;
}

}  // namespace checkin::testing
