#include "tests/support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <regex>

#include <doctest/doctest.h>
#include <stdexcept>

extern char** environ;

namespace actorgate::test {

process::process(std::string binary, std::vector<std::string> args, stderr_to err) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  if (err == stderr_to::output)
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::vector<std::string> all{binary};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = ::posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    throw std::runtime_error("cannot start " + binary);
  }
  out_fd_ = fds[0];
  reader_ = std::thread([this] { reader(); });
}

process::~process() {
  if (running()) {
    signal(SIGKILL);
    wait(std::chrono::seconds(5));
  }
  if (reader_.joinable())
    reader_.join();
  if (out_fd_ >= 0)
    ::close(out_fd_);
}

void process::reader() {
  char buf[4096];
  for (;;) {
    auto n = ::read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    std::lock_guard<std::mutex> g{mutex_};
    if (n <= 0) {
      eof_ = true;
      changed_.notify_all();
      return;
    }
    output_.append(buf, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
}

std::optional<std::string> process::wait_for_line(const std::string& marker,
                                                  std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mutex_};
  std::optional<std::string> found;
  changed_.wait_for(lock, timeout, [&] {
    auto pos = output_.find(marker);
    if (pos != std::string::npos) {
      auto begin = output_.rfind('\n', pos);
      begin = begin == std::string::npos ? 0 : begin + 1;
      auto end = output_.find('\n', pos);
      if (end != std::string::npos) {
        found = output_.substr(begin, end - begin);
        return true;
      }
    }
    return eof_;
  });
  return found;
}

bool process::wait_for_eof(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock{mutex_};
  return changed_.wait_for(lock, timeout, [&] { return eof_; });
}

std::uint16_t process::wait_for_port(std::chrono::milliseconds timeout) {
  auto line = wait_for_line("listening on", timeout);
  if (!line)
    return 0;
  std::smatch m;
  if (!std::regex_search(*line, m, std::regex(R"(listening on [^ ]*:([0-9]+))")))
    return 0;
  return static_cast<std::uint16_t>(std::stoi(m[1].str()));
}

void process::signal(int sig) {
  if (pid_ > 0 && !exit_code_)
    ::kill(pid_, sig);
}

std::optional<int> process::wait(std::chrono::milliseconds timeout) {
  if (exit_code_)
    return exit_code_;
  auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    auto r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= until)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool process::running() {
  return pid_ > 0 && !wait(std::chrono::milliseconds(0));
}

std::string process::output() {
  std::lock_guard<std::mutex> g{mutex_};
  return output_;
}

std::string find_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    auto end = dirs.find(':', start);
    if (end == std::string::npos)
      end = dirs.size();
    auto candidate = dirs.substr(start, end - start) + "/" + program;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    start = end + 1;
  }
  return {};
}

command_result run_command(const std::string& binary, std::vector<std::string> args,
                           const std::string& input_file, std::chrono::milliseconds timeout) {
  if (!input_file.empty()) {
    // Through the shell only for the redirection; the arguments are ours.
    std::string cmd = "exec \"$0\" \"$@\" < \"" + input_file + "\"";
    args.insert(args.begin(), {"-c", cmd, binary});
    return run_command("/bin/sh", std::move(args), {}, timeout);
  }
  process p{binary, std::move(args), stderr_to::output};
  command_result r;
  r.exit_code = p.wait(timeout);
  if (!r.exit_code)
    p.signal(SIGKILL);
  p.wait(std::chrono::seconds(5));
  p.wait_for_eof(std::chrono::seconds(5));
  r.output = p.output();
  return r;
}

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    throw std::runtime_error("socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind an ephemeral port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

temp_dir::temp_dir(const std::string& prefix) {
  std::string templ = "/tmp/" + prefix + "-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string temp_dir::write(const std::string& name, const std::string& text) const {
  auto file = path_ + "/" + name;
  std::ofstream out{file, std::ios::binary};
  out << text;
  if (!out)
    throw std::runtime_error("cannot write " + file);
  return file;
}

std::string gateway_binary() {
  return ACTORGATE_SERVER_BIN;
}
std::string backend_binary() {
  return ACTORGATE_BACKEND_BIN;
}

void stop_and_check(process& p, const char* what) {
  if (!p.running())
    return; // the test ended it and checked what it wanted
  p.signal(SIGTERM);
  auto rc = p.wait(std::chrono::seconds(15));
  if (std::uncaught_exceptions() > 0)
    return;
  if (!rc)
    FAIL_CHECK(what << " did not exit within 15 s of SIGTERM");
  else if (*rc != 0)
    FAIL_CHECK(what << " exited with " << *rc << " after SIGTERM; its output:\n" << p.output());
}

namespace {
std::vector<std::string> with(std::vector<std::string> base, const std::vector<std::string>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}
} // namespace

// Tests pass every setting on the command line and read no config file
// (--config-file=/dev/null), so the shipped config cannot change them.
backend_process::backend_process(std::vector<std::string> extra)
    : proc(backend_binary(), with({"--config-file=/dev/null", "--compute-server.port=0",
                                   "--compute-server.threads=16"},
                                  extra)),
      port(proc.wait_for_port()) {
  if (port == 0)
    throw std::runtime_error("backend did not start: " + proc.output());
}

gateway_process::gateway_process(std::uint16_t backend_port, std::vector<std::string> extra,
                                 stderr_to err)
    : proc(gateway_binary(),
           with({"--config-file=/dev/null", "--http.port=0",
                 "--backend.port=" + std::to_string(backend_port), "--backend.pool-size=8"},
                extra),
           err),
      port(proc.wait_for_port()) {
  if (port == 0)
    throw std::runtime_error("gateway did not start: " + proc.output());
}

} // namespace actorgate::test
