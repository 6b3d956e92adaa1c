#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <initializer_list>

#include "apps/work.hpp"

namespace {

// The definition in compute.thrift, written out again independently.
std::int64_t reference_checksum(std::int32_t n) {
  std::uint64_t x = n > 0 ? static_cast<std::uint64_t>(n) : 0;
  for (std::int32_t i = 0; i < n; ++i) {
    std::uint64_t z = x + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    x = z ^ (z >> 31);
  }
  return static_cast<std::int64_t>(x);
}

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

} // namespace

TEST_CASE("work checksum follows the documented definition") {
  using compute::work_checksum;
  CHECK(work_checksum(0) == 0);
  CHECK(work_checksum(-5) == 0);
  // splitmix64(1), a published test value of the generator.
  CHECK(static_cast<std::uint64_t>(work_checksum(1)) == 0x910A2DEC89025CC1ULL);
  for (std::int32_t n : {2, 7, 1000, 123456})
    CHECK(work_checksum(n) == reference_checksum(n));
}

TEST_CASE("burn_cpu spends about the requested CPU time") {
  double before = thread_cpu_ms();
  auto sum = compute::burn_cpu(20'000);
  double spent = thread_cpu_ms() - before;
  CHECK(sum == reference_checksum(20'000));
  CHECK(spent >= 19.0);
  CHECK(spent < 200.0);
}
