// greet-gateway, rung 3 of the examples ladder: a route that calls a Thrift
// backend. The call is a function of the generated client and runs on one of
// the pool's blocking workers, never on the route actor's thread; the actor
// goes on serving other requests meanwhile and answers when the result (or
// an error) comes back. The call is a read, so the pool may repeat it on
// another endpoint if a connection breaks under it.
#include "actorgate/actors/json.hpp"
#include "actorgate/gateway/gateway.hpp"
#include "greet/Greeter.h"

using namespace actorgate;
using greet::GreeterClient;

// [greet-route]
// GET /greet/:name -> {"greeting":"hello NAME"}, from the Greeter backend
caf::behavior greet_route(caf::event_based_actor* self, rpc::typed_pool<GreeterClient> greeter) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    greeter
        .call(self, req, rpc::idempotent,
              [name = req.path_param("name")](GreeterClient& c) {
                std::string greeting; // runs on a worker thread, bounded by req.deadline
                c.greet(greeting, name);
                return greeting;
              })
        .answer(h, [](std::string& greeting) {
          return response::json(200, {{"greeting", greeting}});
        }); // an error answers with its status instead: 503, 504, 502
  }};
}
// [/greet-route]

// [greet-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "greet-gateway", {"greet"}}; // [greet]: the pool's options
  if (auto rc = gw.exit_code())
    return *rc;
  auto greeter = gw.pool<GreeterClient>("greet");
  gw.route(method::get, "/greet/:name", gw.per_thread(greet_route, greeter));
  return gw.run();
}
// [/greet-main]
