// actorgate-server: the gateway. HTTP sessions (Beast) -> route actors (CAF)
// -> a pool of blocking workers with sync Thrift clients -> the backend.
// Built with the same public API a user's gateway uses (gateway/gateway.hpp); the demo Compute
// service it calls lives beside it in apps/.
#include <iostream>
#include <string_view>

#include "actorgate/actors/routes.hpp"
#include "actorgate/gateway/gateway.hpp"
#include "apps/compute_routes.hpp"
#include "apps/shipped_config.hpp"

using namespace actorgate;

// [gateway-main]
int main(int argc, char** argv) {
  if (argc == 2 && argv[1] == std::string_view("--print-shipped-config"))
    return std::cout << compute::shipped_config(), 0; // config/actorgate.ini
  gateway gw{argc, argv, "actorgate-server", {"backend"}};
  if (auto rc = gw.exit_code())
    return *rc;
  // Every route actor here only routes and waits, and keeps no state: one
  // per IO thread, each serving the sessions of its own thread.
  auto backend = gw.pool<compute::ComputeClient>("backend");
  gw.route(method::get, "/ping", gw.per_thread(ping_route));
  gw.route(method::get, "/echo", gw.per_thread(compute::echo_route, backend));
  gw.route(method::get, "/work", gw.per_thread(compute::work_route, backend));
  const auto& http = gw.settings().http;
  gw.websocket("/ws/echo", compute::ws_echo, backend, http.request_timeout,
               http.ws_max_queued_messages);
  return gw.run();
}
// [/gateway-main]
