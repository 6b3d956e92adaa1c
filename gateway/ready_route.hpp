// GET /ready: whether every backend pool has an endpoint that takes calls,
// for a load balancer or orchestrator to route around a sick instance.
//
//   gw.route(method::get, "/ready", gw.hosted(ready_route, gw.pools()));
//
// 200 {"status":"ready","pools":{"backend":"ready"}}, or 503 naming each pool
// whose endpoints are all ejected: {"status":"not ready","pools":{"backend":
// "every endpoint ejected"}}.
#pragma once

#include <memory>
#include <vector>

#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

#include "actorgate/rpc/pool_stats.hpp"

namespace actorgate {

caf::behavior ready_route(caf::event_based_actor* self,
                          std::vector<std::shared_ptr<const rpc::pool_stats>> pools);

} // namespace actorgate
