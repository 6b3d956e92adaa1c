// server: the HTTP/1.1 listener. Each connection is a session that reads one
// request at a time, sends it to the route's actor with a reply handle, and
// writes the answer (or 504 at the request's deadline).
//
//   actorgate::http::server srv{opts, routes};
//   std::uint16_t port = srv.start();           // IO threads run from here on
//   ...
//   auto cut = srv.shutdown(std::chrono::seconds(10));  // drain, then stop
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "http/route_table.hpp"
#include "http/server_options.hpp"

namespace actorgate::http {

class server {
public:
  server(server_options opts, std::shared_ptr<const route_table> routes);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds, listens and starts the IO threads. Returns the bound port.
  /// Throws boost::system::system_error if the address cannot be bound.
  std::uint16_t start();

  /// Stops accepting, closes idle keep-alive connections, lets requests in
  /// flight be answered for up to `grace`, then stops the IO threads.
  /// Returns how many connections were still open when the grace ran out.
  std::size_t shutdown(std::chrono::milliseconds grace);

  /// Open connections right now.
  std::size_t connections() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace actorgate::http
