// gateway: one object that wires a gateway from the config file and command
// line: the actor system, the HTTP server, backend pools, route actors and
// their routes, and the shutdown on SIGTERM/SIGINT. The shipped
// actorgate-server is built with it (apps/actorgate_server.cpp). It also adds
// what operating one needs: GET /health (http.health-path), GET /ready
// (http.ready-path), unless [http] metrics=false GET [http] metrics-path
// (Prometheus metrics of every route, pool and the process) and, if
// [http] admin-path is set, the admin page there; the access log ([log]);
// and a summary on stdout at start-up and after the drain. If [idl] file is
// set, it serves that Thrift service over HTTP/JSON (idl/route.hpp). With
// [http] tls-cert and tls-key it serves HTTPS only; SIGHUP reloads the pair.
//
//   int main(int argc, char** argv) {
//     actorgate::gateway gw{argc, argv, "my-gateway"};
//     if (auto rc = gw.exit_code())
//       return *rc;                              // --help, or a bad option
//     auto pool = gw.pool<MyServiceClient>("my-service");   // [my-service]
//     gw.route(method::get, "/ping", gw.hosted(ping_route));
//     gw.route(method::get, "/items/:id", gw.supervised("items", item_route, pool));
//     gw.websocket("/ws/chat", chat_member, room);  // an actor per connection
//     return gw.run();                           // until SIGTERM/SIGINT
//   }
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor_system.hpp>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/actors/stateless_pool.hpp"
#include "actorgate/actors/supervisor.hpp"
#include "actorgate/actors/websocket.hpp"
#include "actorgate/gateway/access_log.hpp"
#include "actorgate/gateway/app_config.hpp"
#include "actorgate/http/route_table.hpp"
#include "actorgate/http/server.hpp"
#include "actorgate/metrics/registry.hpp"
#include "actorgate/rpc/typed_pool.hpp"

namespace actorgate {

class gateway {
public:
  /// Blocks the stop signals, loads the configuration and starts the actor
  /// system and the IO threads. On --help or a bad option, exit_code() says
  /// how to end and nothing else may be called.
  /// `pools` names the program's client-pool config groups, one per backend
  /// service it calls (e.g. {"kv"}: [kv] with the keys of any pool group);
  /// pool<Client>("kv") makes that pool. [http] and [log] are always read.
  gateway(int argc, char** argv, const char* program, const std::vector<std::string>& pools = {});
  ~gateway();

  std::optional<int> exit_code() const { return exit_code_; }
  const gateway_settings& settings() const { return settings_; }
  /// A pool group's options, e.g. pool_options("kv"); a group not named in
  /// the constructor throws std::logic_error (never silent defaults).
  rpc::pool_options pool_options(const std::string& group) const { return cfg_.pool(group); }
  caf::actor_system& system() { return *sys_; }
  /// The IO thread that hosts light actors.
  actor_host* io() { return server_->host(); }

  /// An actor on the IO thread: fn(self, xs...) must never block.
  template <class F, class... Ts> caf::actor hosted(F fn, Ts... xs) {
    return keep(spawn_hosted(*sys_, io(), fn, xs...));
  }

  /// One hosted actor per IO thread, for a route that keeps no state
  /// between requests: each session sends to the replica on its own thread,
  /// so with http.io-threads > 1 no request crosses threads to reach it.
  template <class F, class... Ts> std::vector<caf::actor> per_thread(F fn, Ts... xs) {
    std::vector<caf::actor> out;
    for (std::size_t i = 0; i < settings_.http.io_threads; ++i)
      out.push_back(keep(spawn_hosted(*sys_, server_->host(i), fn, xs...)));
    return out;
  }

  /// A hosted actor that is replaced (fresh state) when it fails.
  template <class F, class... Ts> caf::actor supervised(std::string name, F fn, Ts... xs) {
    return keep(spawn_supervised_route(*sys_, io(), std::move(name), fn, xs...));
  }

  /// N identical stateless actors on CAF's scheduler, requests spread
  /// round-robin: CPU work in the gateway that uses every core.
  template <class F, class... Ts> caf::actor stateless(std::size_t n, F fn, Ts... xs) {
    return keep(spawn_stateless_pool(*sys_, io(), n, fn, xs...));
  }

  /// An actor on CAF's scheduler, for CPU work in the gateway.
  template <class F, class... Ts> caf::actor scheduled(F fn, Ts... xs) {
    return keep(sys_->spawn(fn, xs...));
  }

  /// A pool of blocking workers for the Thrift client type `Client`, with
  /// the options of the pool group `group` (named in the constructor).
  template <class Client> rpc::typed_pool<Client> pool(const std::string& group) {
    return pool<Client>(pool_options(group));
  }

  /// A pool of blocking workers for the Thrift client type `Client`.
  template <class Client> rpc::typed_pool<Client> pool(rpc::pool_options opts) {
    return rpc::typed_pool<Client>{generic_pool(std::move(opts))};
  }

  /// A pool that runs any job (rpc::call_atom, rpc::job), listed in the
  /// metrics and the start-up summary like those of pool().
  caf::actor generic_pool(rpc::pool_options opts);

  /// The live numbers of every pool made by pool(), in creation order.
  const std::vector<std::shared_ptr<const rpc::pool_stats>>& pools() const { return pool_stats_; }

  /// Adds an observer of connections and answered requests (metrics, logs).
  void observe(std::shared_ptr<http::exchange_observer> o) { server_->observe(std::move(o)); }

  /// The access log, or null if [log] access-log is "" (its lines() and
  /// dropped() are for metrics).
  const std::shared_ptr<access_log>& access_logger() const { return access_log_; }

  /// Throws std::invalid_argument for a malformed or conflicting pattern.
  void route(method m, std::string_view pattern, caf::actor target);
  /// A route served by per_thread() replicas.
  void route(method m, std::string_view pattern, std::vector<caf::actor> replicas);

  /// A WebSocket route: a GET upgrade on `pattern` becomes a connection
  /// whose actor is fn(self, ws_handle, const request& upgrade, xs...),
  /// hosted on the connection's IO thread, one per connection
  /// (actors/websocket.hpp). A plain GET there gets 426.
  template <class F, class... Ts> void websocket(std::string_view pattern, F fn, Ts... xs) {
    caf::actor_system* sys = &*sys_;
    websocket(pattern,
              ws_factory{[sys, fn, xs...](actor_host* host, ws_handle h, const request& upgrade) {
                // Started at once: it may have to announce itself (join a room)
                // before its client says anything.
                return spawn_hosted<caf::no_spawn_options>(*sys, host, fn, std::move(h), upgrade,
                                                           xs...);
              }});
  }
  /// The same with the factory spelled out.
  void websocket(std::string_view pattern, ws_factory make);

  /// The metrics of this gateway (nullptr with [http] metrics=false, and
  /// before run()). run() registers its route and observer.
  std::shared_ptr<const metrics::registry> metrics() const { return metrics_; }

  /// Listens, prints where, serves until SIGTERM/SIGINT, then drains the
  /// connections (http.shutdown-grace), ends the actors and returns the
  /// process's exit code.
  int run();

private:
  struct answer_count;

  caf::actor keep(caf::actor a);
  void add_health_route();
  /// [idl]: the routes of the IDL's service and its pool; false (with the
  /// problem on stderr) if the IDL cannot be served.
  bool serve_idl(const idl_settings& s);
  void add_metrics();
  /// On SIGHUP: the TLS pair from its files again, or the old one and why.
  void reload_tls();
  /// The stats object the next pool publishes to: `stats`, or a fresh one if
  /// it is null or another pool's; its name made unique among the pools.
  std::shared_ptr<rpc::pool_stats> list_pool(std::shared_ptr<rpc::pool_stats> stats);
  void describe_pool(const rpc::pool_options& opts);
  std::string startup_summary(std::uint16_t port);

  std::string program_;
  app_config cfg_;
  std::optional<int> exit_code_;
  gateway_settings settings_;
  std::optional<caf::actor_system> sys_;
  std::optional<http::server> server_;
  std::shared_ptr<http::route_table> routes_ = std::make_shared<http::route_table>();
  std::vector<caf::actor> actors_;
  std::vector<std::shared_ptr<const rpc::pool_stats>> pool_stats_;
  // For the start-up summary, taken from the options: pool_stats are filled
  // by the pool itself, on its own thread, some time after the spawn.
  std::vector<std::string> route_names_; // "GET /ping"
  std::vector<std::string> pool_lines_;
  std::vector<std::string> pool_names_; // "kv 2 workers over 127.0.0.1:9191"
  std::shared_ptr<access_log> access_log_;
  /// Set on the stop signal: /ready answers 503 through http.drain-delay.
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
  std::shared_ptr<answer_count> answered_;
  /// Every pattern route() added: the metrics' route labels.
  std::vector<std::string> patterns_;
  std::shared_ptr<metrics::registry> metrics_;
  /// Shared by every WebSocket route, for the metrics.
  std::shared_ptr<http::ws_stats> ws_stats_ = std::make_shared<http::ws_stats>();
};

} // namespace actorgate
