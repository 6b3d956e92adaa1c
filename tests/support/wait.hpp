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

/// Milliseconds since `t`, for a test that reports or bounds a time.
inline std::chrono::milliseconds elapsed_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               t);
}

} // namespace actorgate::test
