// Signal handling for the executables: SIGINT, SIGTERM and SIGHUP are
// blocked in every thread and taken synchronously by the main thread, which
// then shuts down in order (or, on SIGHUP, reloads). Call
// block_stop_signals() before any thread is started.
#pragma once

#include <chrono>
#include <functional>

namespace actorgate {

void block_stop_signals();
/// Waits for SIGINT or SIGTERM; returns the signal number. Each SIGHUP
/// meanwhile calls on_hangup (if set) and the wait goes on.
int wait_for_stop_signal(const std::function<void()>& on_hangup = {});
/// The same for at most `limit`: the signal, or 0 if none came.
int wait_for_stop_signal(std::chrono::milliseconds limit);

} // namespace actorgate
