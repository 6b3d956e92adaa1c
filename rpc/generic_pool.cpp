#include <caf/actor_system.hpp>

#include "actorgate/rpc/typed_pool.hpp"

namespace actorgate::rpc {

caf::actor spawn_generic_pool(caf::actor_system& sys, const pool_options& opts, actor_host* host) {
  return spawn_pool(sys, opts, host, [](pool_actor* self) {
    return caf::message_handler{[self](call_atom, job& j) { return submit(self, std::move(j)); }};
  });
}

} // namespace actorgate::rpc
