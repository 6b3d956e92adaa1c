// actorgate-server: the gateway. HTTP sessions (Beast) -> route actors (CAF)
// -> a pool of blocking workers with sync Thrift clients -> the backend.
#include <iostream>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

#include "actors/routes.hpp"
#include "apps/app_config.hpp"
#include "apps/signals.hpp"
#include "http/server.hpp"
#include "rpc/compute_pool.hpp"

using namespace actorgate;

int main(int argc, char** argv) {
  apps::block_stop_signals();
  apps::app_config cfg;
  if (auto rc = cfg.load(argc, argv, "actorgate-server", std::cerr))
    return *rc;
  const auto settings = cfg.gateway();

  caf::actor_system sys{cfg};
  auto compute = rpc::spawn_compute_pool(sys, settings.pool);
  std::vector<caf::actor> actors{compute};
  auto routes = std::make_shared<http::route_table>();
  auto route = [&](method m, const char* path, caf::actor a) {
    actors.push_back(a);
    routes->add(m, path, std::move(a));
  };
  route(method::get, "/ping", sys.spawn(ping_route));
  route(method::get, "/echo", sys.spawn(echo_route, compute));
  route(method::get, "/work", sys.spawn(work_route, compute));

  int rc = 0;
  {
    http::server server{settings.http, routes};
    try {
      auto port = server.start();
      const auto& t = settings.pool.worker.target;
      std::cout << "actorgate-server listening on http://" << settings.http.address << ":" << port
                << " (config " << cfg.file_used() << "; backend " << t.host << ":" << t.port
                << ", pool " << settings.pool.workers << " workers, " << settings.http.io_threads
                << " IO threads)" << std::endl;
      int sig = apps::wait_for_stop_signal();
      std::cout << "actorgate-server: signal " << sig << ", draining for up to "
                << settings.shutdown_grace.count() << " ms" << std::endl;
      auto cut = server.shutdown(settings.shutdown_grace);
      std::cout << "actorgate-server: stopped (" << cut << " connections cut at the deadline)"
                << std::endl;
    } catch (const std::exception& e) {
      std::cerr << "actorgate-server: cannot listen on " << settings.http.address << ":"
                << settings.http.port << ": " << e.what() << std::endl;
      rc = 1;
    }
  }
  for (auto& a : actors)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  return rc;
}
