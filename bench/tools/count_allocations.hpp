// count_allocations: how many times operator new ran in this process, on any
// thread. Linking count_allocations.cpp replaces the global operator new, so
// only one binary (request-path-bench) pays for the counter.
#pragma once

#include <cstdint>

namespace bench {

std::uint64_t allocations();

} // namespace bench
