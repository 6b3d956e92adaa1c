// The gateway's built-in route actors. Each receives
// (handle_atom, request, reply_handle) and answers through the handle; none
// knows HTTP or Thrift.
//
//   auto ping = sys.spawn(actorgate::ping_route);
//   auto echo = sys.spawn(actorgate::echo_route, compute_pool);
#pragma once

#include <cstdint>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

namespace actorgate {

/// GET /ping -> 200 "pong", answered by the actor itself.
caf::behavior ping_route(caf::event_based_actor* self);

/// GET /echo?msg=X -> {"msg":"X"} via the compute backend's echo.
caf::behavior echo_route(caf::event_based_actor* self, caf::actor compute);

/// Accepted range of /work's `us` parameter, in microseconds of backend CPU.
constexpr std::int64_t work_us_min = 0;
constexpr std::int64_t work_us_max = 1'000'000;

/// GET /work?us=N -> {"checksum":C} via the compute backend's work.
caf::behavior work_route(caf::event_based_actor* self, caf::actor compute);

} // namespace actorgate
