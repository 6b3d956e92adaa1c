// worker: a blocking actor that runs the pool's calls, one at a time, on its
// own thread, with one Thrift connection per backend endpoint.
#pragma once

#include <semaphore.h>

#include <atomic>
#include <cassert>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include "actorgate/rpc/pool.hpp"

namespace actorgate::rpc {

/// (done_atom, outcome): what a worker reports to the pool after each call.
using done_atom = caf::atom_constant<caf::atom("ag_done")>;

/// Where an idle worker sleeps until the pool hands it a call: one slot and
/// a semaphore. Not the worker's CAF mailbox, nor a mutex and condition
/// variable: a blocking actor's mailbox signals with its mutex held, so the
/// woken worker first blocks again on that mutex, and glibc's condition
/// variable leaves the mutex marked contended after a wait, so the unlock
/// that follows is a system call even with no one waiting. A semaphore costs
/// one system call on each side of a wake-up. The pool writes the slot only
/// while the worker is idle, and the worker reads it only after the post.
class doorbell {
public:
  doorbell() {
    if (sem_init(&sem_, 0, 0) != 0)
      throw std::system_error(errno, std::generic_category(), "sem_init");
  }
  ~doorbell() { sem_destroy(&sem_); }
  doorbell(const doorbell&) = delete;
  doorbell& operator=(const doorbell&) = delete;

  /// Hands `a` to the worker, which the pool knows to be idle, and wakes it.
  void ring(attempt a) {
    assert(!full_.load(std::memory_order_relaxed)); // a call would be lost
    slot_ = std::move(a);
    full_.store(true, std::memory_order_release);
    sem_post(&sem_);
  }
  /// The pool is gone: the worker stops, at once if asleep, else after the
  /// call it is running.
  void close() {
    closed_.store(true, std::memory_order_release);
    sem_post(&sem_);
  }
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  /// The call handed over, or none after `timeout` or after close().
  std::optional<attempt> wait(std::chrono::milliseconds timeout) {
    timespec until{};
    clock_gettime(CLOCK_MONOTONIC, &until);
    auto ns = until.tv_nsec + std::chrono::nanoseconds(timeout).count();
    until.tv_sec += static_cast<time_t>(ns / 1'000'000'000);
    until.tv_nsec = static_cast<long>(ns % 1'000'000'000);
    while (sem_clockwait(&sem_, CLOCK_MONOTONIC, &until) != 0)
      if (errno != EINTR)
        return std::nullopt;
    // The flag, not the semaphore, orders the slot's hand-over for the
    // thread sanitizer, which does not know sem_clockwait.
    if (!full_.load(std::memory_order_acquire))
      return std::nullopt; // close()
    std::optional<attempt> a;
    a.swap(slot_);
    full_.store(false, std::memory_order_relaxed);
    return a;
  }

private:
  sem_t sem_;
  std::atomic<bool> full_{false};
  std::atomic<bool> closed_{false};
  std::optional<attempt> slot_;
};

/// Connects lazily (a job without a call only connects: the pool's probe),
/// drops a connection after a transport error or timeout, and bounds every
/// call by the job's deadline. Waits at `bell` for a call; after a successful
/// call it takes the next one from `ready` itself, if there is one. Ends when
/// its bell is closed (the pool closes it as it ends): at once if asleep,
/// else after the call it is running.
void worker_loop(caf::blocking_actor* self, caf::actor pool, std::size_t index,
                 std::shared_ptr<const endpoint_table> table, std::shared_ptr<ready_calls> ready,
                 std::shared_ptr<doorbell> bell);

} // namespace actorgate::rpc
