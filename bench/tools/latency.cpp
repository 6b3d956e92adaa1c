#include "bench/tools/latency.hpp"

#include <algorithm>
#include <cmath>

namespace bench {

namespace {

// Nearest rank: the smallest sample with at least p of all samples at or
// below it; nth_element keeps this linear for millions of samples.
double percentile_us(std::vector<std::uint64_t>& ns, double p) {
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(ns.size())));
  auto index = std::min(ns.size() - 1, rank == 0 ? 0 : rank - 1);
  std::nth_element(ns.begin(), ns.begin() + static_cast<std::ptrdiff_t>(index), ns.end());
  return static_cast<double>(ns[index]) / 1000.0;
}

} // namespace

latency_summary summarize(std::vector<std::uint64_t>& ns) {
  latency_summary s;
  if (ns.empty())
    return s;
  s.p50_us = percentile_us(ns, 0.50);
  s.p99_us = percentile_us(ns, 0.99);
  s.p999_us = percentile_us(ns, 0.999);
  s.max_us = static_cast<double>(*std::max_element(ns.begin(), ns.end())) / 1000.0;
  return s;
}

} // namespace bench
