// server: the HTTP/1.1 listener. Each connection is a session that reads one
// request at a time, sends it to the route's actor with a reply handle, and
// writes the answer (or 504 at the request's deadline).
//
//   actorgate::http::server srv{sys, opts};       // IO threads run from here on
//   auto ping = spawn_hosted(sys, srv.host(), ping_route);  // an actor on an IO thread
//   std::uint16_t port = srv.start(routes);       // listens
//   ...
//   auto cut = srv.shutdown(std::chrono::seconds(10));  // drain the connections
//   ... end the route actors ...
//   srv.stop();                                   // end the IO threads
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include <caf/fwd.hpp>

#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/http/exchange.hpp"
#include "actorgate/http/route_table.hpp"
#include "actorgate/http/server_options.hpp"

namespace actorgate::http {

class server {
public:
  /// Starts the IO threads (http.io-threads), which also host actors. With
  /// tls_cert and tls_key set, loads them first: throws std::runtime_error,
  /// naming the option and the file, if they cannot be served.
  server(caf::actor_system& sys, server_options opts);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// IO thread `i`'s actor host, for spawn_hosted().
  actor_host* host(std::size_t i = 0);

  /// Adds an observer of connections and exchanges; only before start().
  void observe(std::shared_ptr<exchange_observer> o);

  /// Binds and listens. Returns the bound port. Throws
  /// boost::system::system_error if the address cannot be bound.
  std::uint16_t start(std::shared_ptr<const route_table> routes);

  /// Loads the TLS certificate and key again (on SIGHUP): connections
  /// accepted from now on use the new pair, open ones keep theirs. Returns ""
  /// on success, else why (the old pair stays); "" without TLS.
  std::string reload_tls();

  /// Stops accepting, closes idle keep-alive connections and lets requests
  /// in flight be answered for up to `grace`. The IO threads go on running
  /// hosted actors until stop(). Returns how many connections were still
  /// open when the grace ran out.
  std::size_t shutdown(std::chrono::milliseconds grace);

  /// Ends the IO threads. Actors still hosted move to CAF's scheduler.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace actorgate::http
