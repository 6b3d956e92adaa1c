// The Compute service's `work`: CPU burning with a checksum any client can
// recompute (see compute.thrift for the definition).
#pragma once

#include <cstdint>

namespace compute {

/// splitmix64 applied cpu_us times to cpu_us (negative counts as 0).
std::int64_t work_checksum(std::int32_t cpu_us);

/// Burns about cpu_us microseconds of this thread's CPU time, then returns
/// work_checksum(cpu_us).
std::int64_t burn_cpu(std::int32_t cpu_us);

} // namespace compute
