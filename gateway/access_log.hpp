// access_log: one line per answered request (time, request id, client,
// method, target, route, status, bytes, duration, backend time), plain or
// JSON, to stdout or a file. An exchange observer: register it with
// gateway::observe() or server::observe(); gateway does so itself
// from the [log] config group.
//
// It never blocks a request: the IO thread formats the line and hands it to
// spdlog's async logger, whose own thread writes it. The queue is bounded;
// when the sink cannot keep up, the oldest queued lines are overwritten and
// counted in dropped().
//
//   access_log_options o;
//   o.target = "/var/log/actorgate/access.log";
//   auto log = std::make_shared<access_log>(o);   // throws if it cannot open
//   server.observe(log);
//   ...
//   server.stop();
//   log->close();                                 // writes what is queued
//   std::cout << log->dropped();
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "actorgate/http/exchange.hpp"

namespace actorgate {

enum class access_log_format { plain, json };

/// The [log] config group.
struct access_log_options {
  /// "" (off), "stdout", or a file path (appended to, created if missing).
  std::string target = "stdout";
  access_log_format format = access_log_format::json;
  /// Lines waiting for the writer thread; beyond it the oldest are dropped.
  std::size_t queue_lines = 8192;
};

/// The line for `x` without its time stamp, which the writer thread adds in
/// front (plain: "<time> " + this) or as the first member (JSON).
std::string format_access_entry(const http::exchange& x, access_log_format f);

class access_log final : public http::exchange_observer {
public:
  /// Opens the sink and starts the writer thread. Throws std::runtime_error,
  /// naming the file, if it cannot be opened for appending.
  explicit access_log(const access_log_options& opts);
  ~access_log() override;

  void on_exchange(const http::exchange& x) noexcept override;

  /// Writes and flushes what is queued, then stops the writer thread; later
  /// exchanges are not logged. Call it only when no on_exchange() can run
  /// any more (after server::stop()). Also done by the destructor.
  void close();

  /// Lines handed to the writer so far, including those dropped later.
  std::uint64_t lines() const noexcept { return lines_.load(std::memory_order_relaxed); }
  /// Queue entries overwritten because the sink was too slow: lines, and
  /// rarely one of the once-a-second flush requests that share the queue.
  /// Thread-safe; takes the queue's lock briefly (read it for metrics, not
  /// per request).
  std::uint64_t dropped() const;
  /// Lines or flushes the sink failed to write (disk full, closed pipe);
  /// each is also reported on stderr, at most once per 10 s.
  std::uint64_t write_errors() const noexcept {
    return write_errors_.load(std::memory_order_relaxed);
  }
  const access_log_options& options() const { return opts_; }

private:
  struct impl;
  void on_write_error(const std::string& what) noexcept;

  access_log_options opts_;
  std::atomic<std::uint64_t> lines_{0};
  std::atomic<std::uint64_t> write_errors_{0};
  std::atomic<std::int64_t> last_error_report_{0}; // steady_clock ticks
  std::unique_ptr<impl> impl_;
};

} // namespace actorgate
