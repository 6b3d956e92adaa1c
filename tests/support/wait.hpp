// Waiting for something another thread or process does, bounded: on a slow
// machine a test may miss a step, but it never hangs.
//
//   CHECK(wait_until([&] { return stats->busy.load() == 0; }));
#pragma once

#include <chrono>
#include <thread>

namespace actorgate::test {

/// Polls `ready` every `step` until it is true or `limit` passes; its last
/// answer.
template <class F>
bool wait_until(F ready, std::chrono::milliseconds limit = std::chrono::seconds(5),
                std::chrono::milliseconds step = std::chrono::milliseconds(1)) {
  for (auto until = std::chrono::steady_clock::now() + limit;
       !ready() && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(step);
  return ready();
}

} // namespace actorgate::test
