#include <memory>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/stateless_pool.hpp"

namespace actorgate {

namespace {

caf::behavior round_robin(caf::event_based_actor* self, std::vector<caf::actor> members) {
  auto next = std::make_shared<std::size_t>(0);
  self->attach_functor([members] {
    for (const auto& m : members)
      caf::anon_send_exit(m, caf::exit_reason::user_shutdown);
  });
  return {
      [=](handle_atom a, request& req, reply_handle& h) {
        const auto& to = members[(*next)++ % members.size()];
        self->send(to, a, std::move(req), std::move(h));
      },
  };
}

} // namespace

caf::actor spawn_round_robin(caf::actor_system& sys, actor_host* host,
                             std::vector<caf::actor> members) {
  return spawn_hosted(sys, host, round_robin, std::move(members));
}

} // namespace actorgate
