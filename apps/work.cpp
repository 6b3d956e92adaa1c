#include "apps/work.hpp"

#include <ctime>

namespace compute {

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  std::uint64_t z = x + 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::int64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

} // namespace

std::int64_t work_checksum(std::int32_t cpu_us) {
  std::uint64_t n = cpu_us > 0 ? static_cast<std::uint64_t>(cpu_us) : 0;
  std::uint64_t x = n;
  for (std::uint64_t i = 0; i < n; ++i)
    x = splitmix64(x);
  return static_cast<std::int64_t>(x);
}

std::int64_t burn_cpu(std::int32_t cpu_us) {
  // CPU time of this thread, not wall time: on a loaded machine the call
  // still costs its full amount of CPU, which is what a benchmark wants.
  const std::int64_t until = thread_cpu_ns() + static_cast<std::int64_t>(cpu_us) * 1000;
  std::int64_t result = work_checksum(cpu_us);
  volatile std::uint64_t sink = static_cast<std::uint64_t>(result);
  while (thread_cpu_ns() < until)
    for (int i = 0; i < 64; ++i)
      sink = splitmix64(sink);
  return result;
}

} // namespace compute
