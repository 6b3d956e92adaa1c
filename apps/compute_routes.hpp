// The shipped gateway's backend routes, written as a user writes routes:
// route actors calling a typed pool of the Compute service's client.
//
//   auto backend = gw.pool<compute::ComputeClient>("backend");
//   gw.route(method::get, "/echo", gw.hosted(compute::echo_route, backend));
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "actorgate/actors/websocket.hpp"
#include "actorgate/rpc/typed_pool.hpp"
#include "compute/Compute.h"

namespace compute {

using compute_pool = actorgate::rpc::typed_pool<ComputeClient>;

/// Accepted range of /work's `us` parameter, in microseconds of backend CPU.
constexpr std::int64_t work_us_min = 0;
constexpr std::int64_t work_us_max = 1'000'000;

/// GET /echo?msg=X -> {"msg":"X"} via the backend's echo.
caf::behavior echo_route(caf::event_based_actor* self, compute_pool backend);

/// GET /work?us=N -> {"checksum":C} via the backend's work.
caf::behavior work_route(caf::event_based_actor* self, compute_pool backend);

/// GET /ws/echo (WebSocket): each text message is answered with the
/// backend's echo of it, in the order received. One call at a time per
/// connection, the rest waiting (at most `max_waiting`, then close 1008), so
/// that answers cannot overtake one another; each call bounded by `timeout`.
/// A failed call closes with 1011, or 1013 when the backend is overloaded
/// (pool queue full, no endpoint: what HTTP routes answer 503).
caf::behavior ws_echo(caf::event_based_actor* self, actorgate::ws_handle h,
                      const actorgate::request& upgrade, compute_pool backend,
                      std::chrono::milliseconds timeout, std::size_t max_waiting);

} // namespace compute
