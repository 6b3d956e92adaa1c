// actorgate-server: the gateway. HTTP sessions (Beast) -> route actors (CAF)
// -> a pool of blocking workers with sync Thrift clients -> the backend.
// Built with the same public API a user's gateway uses (apps/gateway.hpp).
#include "actors/routes.hpp"
#include "apps/compute_routes.hpp"
#include "apps/gateway.hpp"

using namespace actorgate;

// [gateway-main]
int main(int argc, char** argv) {
  apps::gateway gw{argc, argv, "actorgate-server"};
  if (auto rc = gw.exit_code())
    return *rc;
  // Every route actor here only routes and waits, and keeps no state: one
  // per IO thread, each serving the sessions of its own thread.
  auto compute = gw.pool<rpc::thrift::ComputeClient>(gw.settings().pool);
  gw.route(method::get, "/ping", gw.per_thread(ping_route));
  gw.route(method::get, "/echo", gw.per_thread(apps::echo_route, compute));
  gw.route(method::get, "/work", gw.per_thread(apps::work_route, compute));
  return gw.run();
}
// [/gateway-main]
