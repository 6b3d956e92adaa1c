// Supervised route actors: a stable front for a route actor that is replaced
// when it fails. If the route actor throws (or quits with an error), the
// request it was handling and any queued behind it are answered 500 by their
// dropped reply handles, the failure is logged, and a fresh actor (fresh
// state) takes the next request; other routes never notice.
//
//   auto counter = spawn_supervised_route(sys, host, "counter", counter_route);
//   routes.add(method::post, "/count", counter);
#pragma once

#include <functional>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actorgate/actors/hosted_actor.hpp"

namespace actorgate {

/// Spawns a supervisor (on `host`, or scheduled if null) that forwards route
/// requests to factory()'s actor and calls factory() again whenever that
/// actor goes down for any reason but the supervisor's own exit.
caf::actor spawn_supervisor(caf::actor_system& sys, actor_host* host, std::string name,
                            std::function<caf::actor()> factory);

/// spawn_supervisor for spawn_hosted(sys, host, fun, xs...).
template <class F, class... Ts>
caf::actor spawn_supervised_route(caf::actor_system& sys, actor_host* host, std::string name, F fun,
                                  Ts... xs) {
  return spawn_supervisor(sys, host, std::move(name),
                          [&sys, host, fun, xs...] { return spawn_hosted(sys, host, fun, xs...); });
}

} // namespace actorgate
