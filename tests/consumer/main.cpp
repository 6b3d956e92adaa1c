// A user's own gateway, built against the installed actorgate package: one
// route with a path parameter, answered by an actor hosted on the IO thread.
// It serves one request to itself over loopback and exits 0 if the answer
// is right.
#include <iostream>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>

#include <actorgate/actors/atoms.hpp>
#include <actorgate/actors/hosted_actor.hpp>
#include <actorgate/http/server.hpp>

using namespace actorgate;

caf::behavior hello_route(caf::event_based_actor*) {
  return {[](handle_atom, const request& req, const reply_handle& h) {
    h.answer(response::text(200, "hello " + req.path_param("name")));
  }};
}

int main() {
  // [wiring]
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  http::server_options opts;
  opts.port = 0;
  http::server server{sys, opts};
  auto hello = spawn_hosted(sys, server.host(), hello_route);
  auto routes = std::make_shared<http::route_table>();
  routes->add(method::get, "/hello/:name", hello);
  auto port = server.start(routes);
  // [/wiring]

  namespace beast = boost::beast;
  boost::asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  beast::http::request<beast::http::empty_body> req{beast::http::verb::get, "/hello/world", 11};
  req.set(beast::http::field::host, "127.0.0.1");
  beast::http::write(stream, req);
  beast::flat_buffer buf;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(stream, buf, res);
  std::cout << res.result_int() << " " << res.body() << std::endl;

  server.shutdown(std::chrono::milliseconds(100));
  caf::anon_send_exit(hello, caf::exit_reason::user_shutdown);
  server.stop();
  return res.result_int() == 200 && res.body() == "hello world" ? 0 : 1;
}
