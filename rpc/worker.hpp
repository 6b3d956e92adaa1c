// worker: a blocking actor that runs the pool's calls, one at a time, on its
// own thread, with one Thrift connection per backend endpoint.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include "rpc/pool.hpp"

namespace actorgate::rpc {

/// (run_atom, attempt): run it, then report (done_atom, outcome) to the pool.
using run_atom = caf::atom_constant<caf::atom("ag_run")>;
using done_atom = caf::atom_constant<caf::atom("ag_done")>;

/// Connects lazily (a job without a call only connects: the pool's probe),
/// drops a connection after a transport error or timeout, and bounds every
/// call by the job's deadline. After a successful call it takes the next one
/// from `ready` itself, if there is one. Runs until an exit message arrives
/// or `stop` is set.
void worker_loop(caf::blocking_actor* self, caf::actor pool, std::size_t index,
                 std::vector<endpoint> endpoints, std::shared_ptr<ready_calls> ready,
                 std::shared_ptr<std::atomic<bool>> stop);

} // namespace actorgate::rpc
