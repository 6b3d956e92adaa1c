// A built-in route actor that needs no backend. Route actors receive
// (handle_atom, request, reply_handle) and answer through the handle; they
// know neither Beast nor Thrift.
//
//   auto ping = spawn_hosted(sys, host, actorgate::ping_route);
#pragma once

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

namespace actorgate {

/// GET /ping -> 200 "pong", answered by the actor itself.
caf::behavior ping_route(caf::event_based_actor* self);

} // namespace actorgate
