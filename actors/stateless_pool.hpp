// A pool of N identical stateless route actors on CAF's scheduler, for CPU
// work done in the gateway itself (validation, JSON transformation): a small
// router on `host` hands requests round-robin to the N actors, so the work
// uses every scheduler thread and the IO thread only routes. Each actor is
// supervised (a failure answers its request 500 and replaces that actor). The
// actors must keep no state that matters across requests: consecutive
// requests reach different actors.
//
//   auto transform = spawn_stateless_pool(sys, host, 4, transform_route);
//   routes.add(method::post, "/transform", transform);
//
// (CAF 0.17's own actor_pool is not used: it races on shutdown, found by
// ThreadSanitizer, and it is gone in CAF 1.0.)
#pragma once

#include <cstddef>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/actors/supervisor.hpp"

namespace actorgate {

/// A router on `host` that hands route requests to `members` in turn and
/// ends them when it ends.
caf::actor spawn_round_robin(caf::actor_system& sys, actor_host* host,
                             std::vector<caf::actor> members);

template <class F, class... Ts>
caf::actor spawn_stateless_pool(caf::actor_system& sys, actor_host* host, std::size_t n, F fun,
                                Ts... xs) {
  std::vector<caf::actor> members;
  for (std::size_t i = 0; i < n; ++i)
    members.push_back(spawn_supervisor(sys, host, "stateless-" + std::to_string(i),
                                       [&sys, fun, xs...] { return sys.spawn(fun, xs...); }));
  return spawn_round_robin(sys, host, std::move(members));
}

} // namespace actorgate
