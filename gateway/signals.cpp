#include "actorgate/gateway/signals.hpp"

#include <cerrno>
#include <csignal>
#include <ctime>

#include <pthread.h>

namespace actorgate {

namespace {
sigset_t stop_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}
} // namespace

void block_stop_signals() {
  // A write to a connection the peer closed must be an error, not a death.
  std::signal(SIGPIPE, SIG_IGN);
  auto set = stop_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_stop_signal(const std::function<void()>& on_hangup) {
  auto set = stop_set();
  for (;;) {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig != SIGHUP)
      return sig;
    if (on_hangup)
      on_hangup();
  }
}

int wait_for_stop_signal(std::chrono::milliseconds limit) {
  auto set = stop_set();
  auto s = std::chrono::duration_cast<std::chrono::seconds>(limit);
  timespec t{static_cast<time_t>(s.count()),
             static_cast<long>(std::chrono::nanoseconds(limit - s).count())};
  for (;;) {
    int sig = sigtimedwait(&set, nullptr, &t);
    if (sig == SIGHUP) // nothing to reload while stopping
      continue;
    if (sig > 0)
      return sig;
    if (errno != EINTR) // EAGAIN: the time is up
      return 0;
  }
}

} // namespace actorgate
