// Exchange observers see every connection and every answered request,
// routed or not, with the route pattern, status and bytes written.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/http/exchange.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/in_process_server.hpp"

using namespace actorgate;
using namespace actorgate::test;

namespace {

struct recorder final : http::exchange_observer {
  struct entry {
    std::string method, target, route;
    unsigned status;
    std::size_t bytes;
    bool timed;
  };
  std::atomic<int> opened{0}, closed{0}, routed{0};
  std::mutex mutex;
  std::vector<entry> entries;

  void on_connection_open() noexcept override { ++opened; }
  void on_connection_close() noexcept override { ++closed; }
  void on_request_routed() noexcept override { ++routed; }
  void on_exchange(const http::exchange& x) noexcept override {
    std::lock_guard<std::mutex> g{mutex};
    entries.push_back({std::string(x.method), std::string(x.target), std::string(x.route), x.status,
                       x.bytes_out, x.duration.count() > 0});
  }
};

caf::behavior user_route(caf::event_based_actor*) {
  return {[](handle_atom, const request& req, const reply_handle& h) {
    h.answer(response::text(200, req.path_param("id")));
  }};
}

} // namespace

TEST_CASE("exchange observers see connections and every answered request") {
  in_process_server fx;
  auto rec = std::make_shared<recorder>();
  fx.server.observe(rec);
  auto users = spawn_hosted(fx.sys, fx.server.host(), user_route);
  auto routes = std::make_shared<http::route_table>();
  routes->add(method::get, "/users/:id", users);
  auto port = fx.server.start(routes);
  {
    http_client c{port};
    CHECK(c.get("/users/7?x=1").status == 200);
    CHECK(c.get("/nowhere").status == 404);
  }
  using namespace std::string_literals;
  CHECK(raw_exchange(port, "GET / HTTP/1.1\r\nHost: a\r\nBad\0Header: x\r\n\r\n"s).find("400") !=
        std::string::npos);
  fx.finish({users});

  CHECK(rec->opened.load() == 2);
  CHECK(rec->closed.load() == 2);
  CHECK(rec->routed.load() == 1);
  std::lock_guard<std::mutex> g{rec->mutex};
  REQUIRE(rec->entries.size() == 3);
  auto& ok = rec->entries[0];
  CHECK(ok.method == "GET");
  CHECK(ok.target == "/users/7?x=1");
  CHECK(ok.route == "/users/:id");
  CHECK(ok.status == 200);
  CHECK(ok.bytes > 1); // the status line, headers and body "7"
  CHECK(ok.timed);
  auto& missing = rec->entries[1];
  CHECK(missing.route.empty());
  CHECK(missing.status == 404);
  CHECK(missing.target == "/nowhere");
  auto& bad = rec->entries[2];
  CHECK(bad.status == 400);
  CHECK(bad.method.empty()); // refused before the request line was parsed
}
