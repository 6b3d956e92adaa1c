// Built-in route actors that need no backend. Route actors receive
// (handle_atom, request, reply_handle) and answer through the handle; they
// know neither Beast nor Thrift.
//
//   auto ping = spawn_hosted(sys, host, actorgate::ping_route);
//   auto health = spawn_hosted(sys, host, actorgate::health_route);
#pragma once

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

namespace actorgate {

/// GET /ping -> 200 "pong", answered by the actor itself.
caf::behavior ping_route(caf::event_based_actor* self);

/// GET /health -> 200 {"status":"ok"}: the process is alive and its HTTP
/// side and actors respond. Says nothing about the backends (that is /ready).
caf::behavior health_route(caf::event_based_actor* self);

} // namespace actorgate
