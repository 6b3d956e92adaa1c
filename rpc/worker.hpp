// worker: a blocking actor that owns one Thrift connection and runs the
// pool's jobs on it, one at a time, on its own thread.
#pragma once

#include <atomic>
#include <memory>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include "rpc/pool.hpp"

namespace actorgate::rpc {

/// (run_atom, job) -> whatever the job returns, or a backend error.
using run_atom = caf::atom_constant<caf::atom("ag_run")>;
/// (idle_atom): a worker tells its pool it can take the next job.
using idle_atom = caf::atom_constant<caf::atom("ag_idle")>;

/// Connects lazily, reconnects with exponential backoff after a transport
/// error, and bounds every call by the job's deadline.
/// Runs until an exit message arrives or `stop` is set.
void worker_loop(caf::blocking_actor* self, caf::actor pool, worker_options opts,
                 std::shared_ptr<std::atomic<bool>> stop, std::shared_ptr<pool_stats> stats);

} // namespace actorgate::rpc
