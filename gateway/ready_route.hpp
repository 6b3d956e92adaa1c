// GET /ready: whether every backend pool has an endpoint that takes calls,
// for a load balancer or orchestrator to route around a sick instance.
//
//   gw.route(method::get, "/ready", gw.hosted(ready_route, gw.pools(), stopping));
//
// 200 {"status":"ready","pools":{"backend":"ready"}}, or 503 naming each pool
// whose endpoints are all ejected: {"status":"not ready","pools":{"backend":
// "every endpoint ejected"}}; once the gateway is stopping (`stopping` set,
// http.drain-delay), 503 {"status":"stopping",...} whatever the pools.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include <caf/behavior.hpp>
#include <caf/fwd.hpp>

#include "actorgate/rpc/pool_stats.hpp"

namespace actorgate {

caf::behavior ready_route(caf::event_based_actor* self,
                          std::vector<std::shared_ptr<const rpc::pool_stats>> pools,
                          std::shared_ptr<const std::atomic<bool>> stopping);

} // namespace actorgate
