// The shipped gateway's backend routes, written as a user writes routes:
// route actors calling a typed pool of the Compute service's client.
//
//   auto compute = gw.pool<rpc::thrift::ComputeClient>(gw.settings().pool);
//   gw.route(method::get, "/echo", gw.hosted(echo_route, compute));
#pragma once

#include <cstdint>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "rpc/gen/Compute.h"
#include "rpc/typed_pool.hpp"

namespace actorgate::apps {

using compute_pool = rpc::typed_pool<rpc::thrift::ComputeClient>;

/// Accepted range of /work's `us` parameter, in microseconds of backend CPU.
constexpr std::int64_t work_us_min = 0;
constexpr std::int64_t work_us_max = 1'000'000;

/// GET /echo?msg=X -> {"msg":"X"} via the backend's echo.
caf::behavior echo_route(caf::event_based_actor* self, compute_pool compute);

/// GET /work?us=N -> {"checksum":C} via the backend's work.
caf::behavior work_route(caf::event_based_actor* self, compute_pool compute);

} // namespace actorgate::apps
