// actorgate-server: the gateway. HTTP sessions (Beast) -> route actors (CAF)
// -> a pool of blocking workers with sync Thrift clients -> the backend.
#include <iostream>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/after.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/hosted_actor.hpp"
#include "actors/routes.hpp"
#include "apps/app_config.hpp"
#include "apps/signals.hpp"
#include "http/server.hpp"
#include "rpc/compute_pool.hpp"

using namespace actorgate;

namespace {

// Ends `actors` and waits (bounded) until they are gone, while the IO
// threads that host some of them still run.
void end_actors(caf::actor_system& sys, const std::vector<caf::actor>& actors) {
  caf::scoped_actor self{sys};
  for (const auto& a : actors) {
    self->monitor(a);
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }
  for (std::size_t i = 0; i < actors.size(); ++i)
    self->receive([](const caf::down_msg&) {},
                  caf::after(std::chrono::seconds(5)) >>
                      [] { std::cerr << "actorgate-server: an actor did not stop within 5 s\n"; });
}

} // namespace

int main(int argc, char** argv) {
  apps::block_stop_signals();
  apps::app_config cfg;
  if (auto rc = cfg.load(argc, argv, "actorgate-server", std::cerr))
    return *rc;
  const auto settings = cfg.gateway();

  caf::actor_system sys{cfg};
  http::server server{sys, settings.http};
  // The route actors and the pool only route, book and wait: they run on
  // the IO thread, so a request costs no thread hand-off until a worker
  // takes its backend call.
  auto* io = server.host();
  auto compute = rpc::spawn_compute_pool(sys, settings.pool, io);
  std::vector<caf::actor> actors{compute};
  auto routes = std::make_shared<http::route_table>();
  auto route = [&](method m, const char* path, caf::actor a) {
    actors.push_back(a);
    routes->add(m, path, std::move(a));
  };
  route(method::get, "/ping", spawn_hosted(sys, io, ping_route));
  route(method::get, "/echo", spawn_hosted(sys, io, echo_route, compute));
  route(method::get, "/work", spawn_hosted(sys, io, work_route, compute));

  int rc = 0;
  try {
    auto port = server.start(routes);
    const auto& t = settings.pool.worker.target;
    std::cout << "actorgate-server listening on http://" << settings.http.address << ":" << port
              << " (config " << cfg.file_used() << "; backend " << t.host << ":" << t.port
              << ", pool " << settings.pool.workers << " workers, " << settings.http.io_threads
              << " IO threads)" << std::endl;
    int sig = apps::wait_for_stop_signal();
    std::cout << "actorgate-server: signal " << sig << ", draining for up to "
              << settings.shutdown_grace.count() << " ms" << std::endl;
    auto cut = server.shutdown(settings.shutdown_grace);
    std::cout << "actorgate-server: drained (" << cut << " connections cut at the deadline)"
              << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "actorgate-server: cannot listen on " << settings.http.address << ":"
              << settings.http.port << ": " << e.what() << std::endl;
    rc = 1;
  }
  end_actors(sys, actors);
  server.stop();
  std::cout << "actorgate-server: stopped" << std::endl;
  return rc;
}
