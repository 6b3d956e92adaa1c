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

class process {
public:
  /// With `merge_stderr`, stderr joins stdout in output() (for tests that
  /// check log lines); otherwise it goes to the test's own stderr.
  process(std::string binary, std::vector<std::string> args, bool merge_stderr = false);
  ~process();
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  /// Waits until a stdout line contains `marker`; returns that line.
  std::optional<std::string> wait_for_line(const std::string& marker,
                                           std::chrono::milliseconds timeout);
  /// Waits for "listening on ...:PORT" and returns PORT (0 on failure).
  std::uint16_t wait_for_port(std::chrono::milliseconds timeout = std::chrono::seconds(10));

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
                  bool merge_stderr = false);
  ~gateway_process() { stop_and_check(proc, "actorgate-server"); }
  process proc;
  std::uint16_t port = 0;
};

} // namespace actorgate::test
