// A child process for integration tests: the real gateway or backend binary,
// started with arguments, its stdout captured so the test can learn the
// ephemeral port it printed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace actorgate::test {

/// What a child's stderr is joined to: the test's own (the default, so that
/// a crash report shows in the test log) or the captured stdout.
enum class stderr_to { inherit, output };

class process {
public:
  process(std::string binary, std::vector<std::string> args, stderr_to err = stderr_to::inherit);
  ~process();
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  /// Waits until a stdout line contains `marker`; returns that line.
  std::optional<std::string> wait_for_line(const std::string& marker,
                                           std::chrono::milliseconds timeout);
  /// Waits for "listening on ...:PORT" and returns PORT (0 on failure).
  std::uint16_t wait_for_port(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Waits until stdout is closed (the child and any children it left
  /// behind have exited); false on timeout.
  bool wait_for_eof(std::chrono::milliseconds timeout);

  void signal(int sig);
  /// Waits for exit; returns the exit code, -signal if killed, nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running();
  std::string output();
  pid_t pid() const { return pid_; }

private:
  void reader();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool eof_ = false;
  std::optional<int> exit_code_;
};

/// The full path of `program` found in PATH, or "" if it is not installed.
std::string find_program(const std::string& program);

/// Runs `binary` with `args` to its end (at most `timeout`, then SIGKILL),
/// stdin from `input_file` if given; returns the exit code (as
/// process::wait) and stdout and stderr together.
struct command_result {
  std::optional<int> exit_code;
  std::string output;
};
command_result run_command(const std::string& binary, std::vector<std::string> args,
                           const std::string& input_file = {},
                           std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// A TCP port on 127.0.0.1 that was free a moment ago, for a child that
/// cannot pick its own and report it.
std::uint16_t free_port();

/// A fresh directory under /tmp, removed with everything in it at the end.
class temp_dir {
public:
  explicit temp_dir(const std::string& prefix);
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const { return path_; }
  /// Writes `text` to path()/name and returns the file's path.
  std::string write(const std::string& name, const std::string& text) const;

private:
  std::string path_;
};

/// Paths of the binaries under test (set by CMake).
std::string gateway_binary();
std::string backend_binary();

/// Ends `p` with SIGTERM if it still runs, and fails the current test unless
/// it exits 0: under the sanitizers, a leak or error report at exit counts.
void stop_and_check(process& p, const char* what);

/// A backend on an ephemeral port with `extra` arguments.
struct backend_process {
  explicit backend_process(std::vector<std::string> extra = {});
  ~backend_process() { stop_and_check(proc, "compute-backend"); }
  process proc;
  std::uint16_t port = 0;
};

/// A gateway on an ephemeral port, pointed at `backend_port`.
struct gateway_process {
  gateway_process(std::uint16_t backend_port, std::vector<std::string> extra = {},
                  stderr_to err = stderr_to::inherit);
  ~gateway_process() { stop_and_check(proc, "actorgate-server"); }
  process proc;
  std::uint16_t port = 0;
};

} // namespace actorgate::test
