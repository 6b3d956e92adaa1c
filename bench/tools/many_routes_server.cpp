// many-routes-server: the gateway's own /ping behind a route table of N other
// routes, to measure what the size of the table costs a request. It registers
// GET /r0/:id .. /r<N-1>/:id (each answered by one hosted actor that is never
// asked in the benchmark) and then GET /ping (ping_route, one replica per IO
// thread, as in actorgate-server), so /ping is the last route added and its
// first segment sits among N + 1 literals at the table's root.
//
//   many-routes-server --routes=1000 [any actorgate-server option, e.g.
//                      --config-file=bench/bench.ini --idl.file=]
//
// --routes is this tool's own option (default 10); it is taken out of argv
// before the gateway reads the rest.
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "actorgate/actors/routes.hpp"
#include "actorgate/gateway/gateway.hpp"

using namespace actorgate;

namespace {

caf::behavior item_route(caf::event_based_actor*) {
  return {[](handle_atom, const request& req, const reply_handle& h) {
    h.answer(response::text(200, "item " + req.path_param("id")));
  }};
}

} // namespace

int main(int argc, char** argv) {
  long routes = 10;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string_view a{argv[i]};
    if (i > 0 && a.substr(0, 9) == "--routes=") {
      char* end = nullptr;
      routes = std::strtol(argv[i] + 9, &end, 10);
      if (*end != '\0' || routes < 0 || routes > 1'000'000) {
        std::cerr << "many-routes-server: --routes must be a number from 0 to 1000000\n";
        return 2;
      }
      continue;
    }
    rest.push_back(argv[i]);
  }
  rest.push_back(nullptr);
  gateway gw{static_cast<int>(rest.size() - 1), rest.data(), "many-routes-server"};
  if (auto rc = gw.exit_code())
    return *rc;
  auto items = gw.hosted(item_route); // one actor for all of them: they are never called
  for (long i = 0; i < routes; ++i)
    gw.route(method::get, "/r" + std::to_string(i) + "/:id", items);
  gw.route(method::get, "/ping", gw.per_thread(ping_route));
  std::cerr << "many-routes-server: " << routes << " routes besides /ping\n";
  return gw.run();
}
