// The extension points through the whole pipeline, in-process: a real HTTP
// server, route actors of our own (hosted on the IO thread, scheduled, a
// stateless pool, per-thread replicas), path parameters, and a typed pool
// calling a real backend process. The examples ladder (examples/, tested in
// ladder_test.cpp) shows the same points as a user writes them.
#include <doctest/doctest.h>

#include <csignal>
#include <optional>
#include <set>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/after.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/errors.hpp"
#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/actors/stateless_pool.hpp"
#include "actorgate/http/server.hpp"
#include "actorgate/rpc/typed_pool.hpp"
#include "apps/work.hpp"
#include "compute/Compute.h"
#include "tests/support/http_client.hpp"
#include "tests/support/in_process_server.hpp"
#include "tests/support/process.hpp"

using namespace actorgate;
using namespace actorgate::test;
using compute::ComputeClient;

namespace {

caf::behavior echo_param_route(caf::event_based_actor* self, rpc::typed_pool<ComputeClient> pool) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    std::string msg = req.path_param("msg");
    pool.call(self, req,
              [msg](ComputeClient& c) {
                std::string r;
                c.echo(r, msg);
                return r;
              })
        .then([h](std::string& r) { h.answer(response::text(200, r)); },
              [h](caf::error& e) { h.answer(error_response(e)); });
  }};
}

caf::behavior work_route_typed(caf::event_based_actor* self, rpc::typed_pool<ComputeClient> pool) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto us = std::stoi(req.path_param("us"));
    pool.call(self, req, [us](ComputeClient& c) { return c.work(us); })
        .then([h](std::int64_t sum) { h.answer(response::text(200, std::to_string(sum))); },
              [h](caf::error& e) { h.answer(error_response(e)); });
  }};
}

// Answers with its path parameters; runs on CAF's scheduler.
caf::behavior show_params_route(caf::event_based_actor*) {
  return {[](handle_atom, const request& req, const reply_handle& h) {
    std::string out;
    for (const auto& [k, v] : req.path_params)
      out += k + "=" + v + ";";
    h.answer(response::text(200, out));
  }};
}

// Answers with its own actor id: which actor of a pool, or which replica, took it.
caf::behavior whoami_route(caf::event_based_actor* self) {
  return {[self](handle_atom, const request&, const reply_handle& h) {
    h.answer(response::text(200, std::to_string(self->id())));
  }};
}

} // namespace

TEST_CASE("a pool of stateless route actors spreads requests over its actors") {
  in_process_server fx;
  auto& sys = fx.sys;
  auto& server = fx.server;
  auto whoami = spawn_stateless_pool(sys, server.host(), 3, whoami_route);
  auto routes = std::make_shared<http::route_table>();
  routes->add(method::get, "/whoami", whoami);
  auto port = server.start(routes);
  http_client c{port};
  std::set<std::string> ids;
  for (int i = 0; i < 9; ++i) {
    auto r = c.get("/whoami");
    REQUIRE(r.status == 200);
    ids.insert(r.body);
  }
  CHECK(ids.size() == 3);
  fx.finish({whoami});
}

TEST_CASE("own route actors with path parameters and a typed pool through the pipeline") {
  std::optional<backend_process> backend{std::in_place};
  in_process_server fx;
  auto& sys = fx.sys;
  auto& server = fx.server;
  rpc::pool_options popts;
  popts.workers = 2;
  popts.endpoints.front().port = backend->port;
  auto pool = rpc::spawn_typed_pool<ComputeClient>(sys, popts, server.host());
  auto echo = spawn_hosted(sys, server.host(), echo_param_route, pool);
  auto work = spawn_hosted(sys, server.host(), work_route_typed, pool);
  auto show = sys.spawn(show_params_route);
  auto routes = std::make_shared<http::route_table>();
  routes->add(method::get, "/echo/:msg", echo);
  routes->add(method::get, "/work/:us", work);
  routes->add(method::get, "/users/:id/files/*path", show);
  auto port = server.start(routes);
  REQUIRE(port != 0);

  http_client c{port};
  auto r = c.get("/echo/hello%20w%C3%B6rld");
  CHECK(r.status == 200);
  CHECK(r.body == "hello w\xC3\xB6rld");
  r = c.get("/work/1234");
  CHECK(r.status == 200);
  CHECK(r.body == std::to_string(compute::work_checksum(1234)));
  r = c.get("/users/42/files/a/b%2Fc/d");
  CHECK(r.status == 200);
  CHECK(r.body == "id=42;path=a/b/c/d;");
  CHECK(c.get("/echo/").status == 404); // a parameter needs a segment
  auto wrong = c.request("POST", "/echo/x");
  CHECK(wrong.status == 405);
  CHECK(wrong.header("allow") == "GET, HEAD");
  // Nor can an encoded slash carry a dot segment into a parameter or wildcard.
  CHECK(http_get(port, "/users/1/files/..%2F..%2Fsecret").status == 400);
  CHECK(http_get(port, "/echo/..%2Fx").status == 400);
  CHECK(c.get("/users/1/../files/x").status == 400); // the connection closes after it

  SUBCASE("a typed pool maps a dead backend to 503") {
    backend->proc.signal(SIGKILL);
    backend->proc.wait(std::chrono::seconds(5));
    backend.reset();
    auto down = http_get(port, "/echo/x");
    CHECK(down.status == 503);
    CHECK(down.header("content-type") == "application/json");
  }

  fx.finish({echo, work, show, pool.actor()});
}

TEST_CASE("per-thread route replicas: each IO thread's sessions reach the replica on that thread") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  http::server_options opts;
  opts.port = 0;
  opts.io_threads = 2;
  http::server server{sys, opts};
  std::vector<caf::actor> replicas{spawn_hosted(sys, server.host(0), whoami_route),
                                   spawn_hosted(sys, server.host(1), whoami_route)};
  auto routes = std::make_shared<http::route_table>();
  routes->add(method::get, "/whoami", replicas);
  auto port = server.start(routes);
  // Connections alternate between the IO threads; each keeps its replica.
  std::set<std::string> seen;
  for (int conn = 0; conn < 4; ++conn) {
    http_client c{port};
    auto first = c.get("/whoami").body;
    for (int i = 0; i < 3; ++i)
      CHECK(c.get("/whoami").body == first);
    seen.insert(first);
  }
  CHECK(seen ==
        std::set<std::string>{std::to_string(replicas[0].id()), std::to_string(replicas[1].id())});
  server.shutdown(std::chrono::milliseconds(500));
  for (auto& a : replicas)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  server.stop();
}
