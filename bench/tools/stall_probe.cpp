// stall-probe: how long this machine stops running a busy thread. It spins
// --threads threads, each pinned to a CPU of its own (of those the process
// may use), for --seconds, each reading the clock in a loop; a gap between
// two readings is time the thread did not run. With one spinning thread per
// CPU and the machine otherwise idle, nothing in the guest takes a CPU away
// for long, so gaps of tens of milliseconds are the host taking the virtual
// CPU away (a CPU quota enforced per period, other tenants): a floor under
// the tail latency of every scenario that keeps all CPUs busy, whatever the
// server does. bench/run.sh also records the host's steal time around it.
//
//   stall-probe --threads=2 --seconds=5
//   -> tool=stall-probe threads=2 seconds=5.0 stalls_1ms=14 stalls_50ms=11 longest_ms=100.9 ...
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "bench/tools/args.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct gaps {
  std::uint64_t over_1ms = 0;
  std::uint64_t over_50ms = 0;
  double longest_s = 0;
  double lost_s = 0;
};

// A gap below this is the guest's own business (an interrupt, a timer tick).
constexpr double counted_gap_s = 0.001;
// A gap this long is a whole scheduling period lost, not a preemption.
constexpr double long_gap_s = 0.05;

gaps spin(double seconds) {
  gaps g;
  auto start = clock_type::now();
  auto last = start;
  for (;;) {
    auto now = clock_type::now();
    double gap = std::chrono::duration<double>(now - last).count();
    last = now;
    if (gap >= counted_gap_s) {
      ++g.over_1ms;
      if (gap >= long_gap_s)
        ++g.over_50ms;
      g.longest_s = std::max(g.longest_s, gap);
      g.lost_s += gap;
    }
    if (std::chrono::duration<double>(now - start).count() >= seconds)
      return g;
  }
}

// The CPUs this process may run on, in order.
std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (::sched_getaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set))
        cpus.push_back(c);
  return cpus;
}

void pin(std::thread& t, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::pthread_setaffinity_np(t.native_handle(), sizeof set, &set);
}

} // namespace

int main(int argc, char** argv) try {
  bench::args a{argc, argv, {"threads", "seconds"}};
  auto cpus = allowed_cpus();
  auto threads =
      a.integer("threads", static_cast<std::int64_t>(std::max<std::size_t>(1, cpus.size())));
  auto seconds = a.number("seconds", 5);
  if (threads < 1 || threads > 1024)
    throw std::invalid_argument("--threads must be from 1 to 1024");
  if (!std::isfinite(seconds) || !(seconds > 0) || seconds > 3600)
    throw std::invalid_argument("--seconds must be above 0 and at most 3600");
  std::vector<gaps> results(static_cast<std::size_t>(threads));
  std::vector<std::thread> pool;
  try {
    for (std::size_t i = 0; i < results.size(); ++i) {
      pool.emplace_back([&results, i, seconds] { results[i] = spin(seconds); });
      if (!cpus.empty())
        pin(pool.back(), cpus[i % cpus.size()]);
    }
  } catch (...) {
    for (auto& t : pool)
      t.join();
    throw;
  }
  for (auto& t : pool)
    t.join();
  gaps all;
  for (const auto& g : results) {
    all.over_1ms += g.over_1ms;
    all.over_50ms += g.over_50ms;
    all.longest_s = std::max(all.longest_s, g.longest_s);
    all.lost_s += g.lost_s;
  }
  std::cout << std::fixed << std::setprecision(1) << "tool=stall-probe threads=" << threads
            << " seconds=" << seconds << " stalls_1ms=" << all.over_1ms
            << " stalls_50ms=" << all.over_50ms << " longest_ms=" << all.longest_s * 1e3
            << " lost_pct=" << 100 * all.lost_s / (seconds * static_cast<double>(threads)) << "\n";
} catch (const std::exception& e) {
  std::cerr << "stall-probe: " << e.what() << "\n";
  return 2;
}
