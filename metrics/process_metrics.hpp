// process_metrics: the gateway process's own numbers, read from /proc at
// render time (Linux only): resident memory, open file descriptors, threads,
// CPU time, start time and uptime, and the build's version.
//
//   metrics::text_writer w;
//   metrics::render_process(w);
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "actorgate/metrics/text_format.hpp"

namespace actorgate::metrics {

/// The project's version (CMake's PROJECT_VERSION), e.g. "0.1.0".
std::string_view build_version();

struct process_sample {
  std::uint64_t resident_bytes = 0;
  std::uint64_t open_fds = 0;
  std::uint64_t threads = 0;
  double cpu_seconds = 0;
  /// Seconds since the Unix epoch.
  double start_time = 0;
  double uptime = 0;
};

/// Reads /proc/self; nothing if /proc is not mounted.
std::optional<process_sample> read_process();

/// Appends actorgate_process_* and actorgate_build_info to `w`. Without
/// /proc only actorgate_build_info is written.
void render_process(text_writer& w);

} // namespace actorgate::metrics
