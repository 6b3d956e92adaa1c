// backend_timer: the time one request spent inside backend calls, summed
// over its calls. The session makes one per request (when an observer such
// as the access log will read it) and puts it in request::backend_time;
// typed_pool::call(self, req, f) times f on the worker thread and adds to it.
//
//   auto t = std::make_shared<backend_timer>();
//   { backend_timer::scope s{t.get()}; client.echo(r, msg); }
//   t->total();   // the call's duration
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace actorgate {

class backend_timer {
public:
  using duration = std::chrono::steady_clock::duration;

  /// Thread-safe; calls of a fan-out add up even when they overlap.
  void add(duration d) noexcept { ticks_.fetch_add(d.count(), std::memory_order_relaxed); }
  duration total() const noexcept { return duration{ticks_.load(std::memory_order_relaxed)}; }

  /// Adds the time from construction to destruction, also when the call in
  /// between throws (a timed-out call was time spent in the backend). A
  /// null timer measures nothing.
  class scope {
  public:
    explicit scope(backend_timer* t) noexcept
        : timer_(t),
          start_(t ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{}) {}
    ~scope() {
      if (timer_)
        timer_->add(std::chrono::steady_clock::now() - start_);
    }
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;

  private:
    backend_timer* timer_;
    std::chrono::steady_clock::time_point start_;
  };

private:
  // The reader (the session, after the reply) is ordered after the writers
  // (the workers) by the messages that carry the reply: relaxed suffices.
  std::atomic<duration::rep> ticks_{0};
};

} // namespace actorgate
