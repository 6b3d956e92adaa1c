// The Compute service's pool: answers (echo_atom, msg, deadline) and
// (work_atom, cpu_us, deadline) from actors/atoms.hpp with Thrift calls.
//
//   caf::actor compute = actorgate::rpc::spawn_compute_pool(sys, opts, server.host());
#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "rpc/pool.hpp"

namespace actorgate::rpc {

/// `host` may be null: the pool then runs on CAF's scheduler.
caf::actor spawn_compute_pool(caf::actor_system& sys, const pool_options& opts,
                              actor_host* host = nullptr);

} // namespace actorgate::rpc
