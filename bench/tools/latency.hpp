// latency: percentiles of a set of measured call durations, exact (from all
// samples) rather than from a histogram, so that p99.9 of a few thousand
// calls is a real observation.
//
//   std::vector<std::uint64_t> ns = ...;   // one entry per call
//   auto s = bench::summarize(ns);         // reorders ns
//   std::cout << s.p99_us;
#pragma once

#include <cstdint>
#include <vector>

namespace bench {

struct latency_summary {
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
};

/// Nearest-rank percentiles of `ns` (nanoseconds); all zero if empty.
latency_summary summarize(std::vector<std::uint64_t>& ns);

} // namespace bench
