#include "actorgate/actors/supervisor.hpp"

#include <iostream>
#include <memory>

#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actorgate/actors/atoms.hpp"

namespace actorgate {

namespace {

caf::behavior supervisor(caf::event_based_actor* self, std::string name,
                         std::function<caf::actor()> factory) {
  auto child = std::make_shared<caf::actor>(factory());
  auto restarts = std::make_shared<std::size_t>(0);
  self->monitor(*child);
  // The child is not linked (its failure must not end us); end it with us.
  self->attach_functor([child] { caf::anon_send_exit(*child, caf::exit_reason::user_shutdown); });
  self->set_down_handler([=](caf::down_msg& down) {
    if (down.source != *child)
      return;
    ++*restarts;
    std::cerr << "actorgate: route actor '" << name << "' went down ("
              << self->system().render(down.reason) << "); replaced it (restart " << *restarts
              << ")" << std::endl;
    *child = factory();
    self->monitor(*child);
  });
  return {
      [=](handle_atom a, request& req, reply_handle& h) {
        self->send(*child, a, std::move(req), std::move(h));
      },
  };
}

} // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, actor_host* host, std::string name,
                            std::function<caf::actor()> factory) {
  return spawn_hosted(sys, host, supervisor, std::move(name), std::move(factory));
}

} // namespace actorgate
