// An actor system and an HTTP server on an ephemeral port, in the test's own
// process; finish() drains, ends the given actors (checking that they go)
// and stops the IO threads.
//
//   in_process_server fx;
//   auto a = spawn_hosted(fx.sys, fx.server.host(), my_route);
//   auto routes = std::make_shared<http::route_table>();
//   routes->add(method::get, "/x", a);
//   auto port = fx.server.start(routes);
//   ...
//   fx.finish({a});
#pragma once

#include <chrono>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actorgate/http/server.hpp"

namespace actorgate::test {

struct in_process_server {
  /// The defaults of http::server_options, on an ephemeral port.
  static http::server_options defaults() {
    http::server_options o;
    o.port = 0;
    return o;
  }

  in_process_server() : in_process_server(defaults()) {}
  explicit in_process_server(http::server_options opts) : server{sys, std::move(opts)} {}

  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  http::server server;

  void finish(const std::vector<caf::actor>& actors) {
    server.shutdown(std::chrono::milliseconds(500));
    caf::scoped_actor self{sys};
    for (const auto& a : actors) {
      self->monitor(a);
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    }
    for (std::size_t i = 0; i < actors.size(); ++i)
      self->receive([](const caf::down_msg&) {},
                    caf::after(std::chrono::seconds(5)) >> [] { FAIL("an actor did not stop"); });
    server.stop();
  }
};

} // namespace actorgate::test
