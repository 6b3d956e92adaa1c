// A pool of N identical stateless route actors on CAF's scheduler, for CPU
// work done in the gateway itself (validation, JSON transformation): requests
// are spread round-robin as they are sent, with no extra hop, so the work
// uses every scheduler thread. The actors must keep no state that matters
// across requests: consecutive requests reach different actors.
//
//   auto transform = spawn_stateless_pool(sys, 4, transform_route);
//   routes.add(method::post, "/transform", transform);
#pragma once

#include <cstddef>

#include <caf/actor.hpp>
#include <caf/actor_pool.hpp>
#include <caf/actor_system.hpp>

namespace actorgate {

template <class F, class... Ts>
caf::actor spawn_stateless_pool(caf::actor_system& sys, std::size_t n, F fun, Ts... xs) {
  auto factory = [&sys, fun, xs...] { return sys.spawn(fun, xs...); };
  return caf::actor_pool::make(sys.dummy_execution_unit(), n, factory,
                               caf::actor_pool::round_robin());
}

} // namespace actorgate
