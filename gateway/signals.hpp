// Signal handling for the executables: SIGINT and SIGTERM are blocked in
// every thread and taken synchronously by the main thread, which then shuts
// down in order. Call block_stop_signals() before any thread is started.
#pragma once

#include <chrono>

namespace actorgate {

void block_stop_signals();
/// Waits for SIGINT or SIGTERM; returns the signal number.
int wait_for_stop_signal();
/// The same for at most `limit`: the signal, or 0 if none came.
int wait_for_stop_signal(std::chrono::milliseconds limit);

} // namespace actorgate
