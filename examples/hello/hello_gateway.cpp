// hello-gateway, rung 1 of the examples ladder: the smallest gateway. One
// route, GET /hello/:name, answered by an actor hosted on the HTTP IO thread,
// which gets the request as a message and answers through its reply handle.
#include "actorgate/gateway/gateway.hpp"

using namespace actorgate;

// [hello-route]
// GET /hello/:name -> 200 "hello NAME"
caf::behavior hello_route(caf::event_based_actor*) {
  return {[](handle_atom, const request& req, const reply_handle& h) {
    h.answer(response::text(200, "hello " + req.path_param("name")));
  }};
}
// [/hello-route]

// [hello-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "hello-gateway"};
  if (auto rc = gw.exit_code())
    return *rc; // --help, or a bad option
  gw.route(method::get, "/hello/:name", gw.hosted(hello_route));
  return gw.run(); // until SIGTERM or SIGINT
}
// [/hello-main]
