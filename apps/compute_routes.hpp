// The shipped gateway's backend routes, written as a user writes routes:
// route actors calling a typed pool of the Compute service's client.
//
//   auto backend = gw.pool<compute::ComputeClient>("backend");
//   gw.route(method::get, "/echo", gw.hosted(compute::echo_route, backend));
#pragma once

#include <cstdint>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

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

} // namespace compute
