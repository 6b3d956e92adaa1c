#include "actorgate/gateway/signals.hpp"

#include <csignal>

#include <pthread.h>

namespace actorgate {

namespace {
sigset_t stop_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}
} // namespace

void block_stop_signals() {
  // A write to a connection the peer closed must be an error, not a death.
  std::signal(SIGPIPE, SIG_IGN);
  auto set = stop_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_stop_signal() {
  auto set = stop_set();
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

} // namespace actorgate
