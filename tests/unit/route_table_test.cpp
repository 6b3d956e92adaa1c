#include <doctest/doctest.h>

#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <vector>

#include "actors/routes.hpp"
#include "http/route_table.hpp"

using namespace actorgate;
using http::route_table;

TEST_CASE("route table: exact paths 404 405 with Allow HEAD falls back to GET") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto a = sys.spawn(ping_route);
  auto b = sys.spawn(ping_route);
  route_table t;
  t.add(method::get, "/ping", a);
  t.add(method::post, "/ping", b);
  t.add(method::put, "/items", b);

  auto m = t.find(method::get, "/ping");
  REQUIRE(m.actor != nullptr);
  CHECK(*m.actor == a);
  CHECK(*t.find(method::post, "/ping").actor == b);

  SUBCASE("HEAD uses the GET route") {
    auto h = t.find(method::head, "/ping");
    REQUIRE(h.actor != nullptr);
    CHECK(*h.actor == a);
  }
  SUBCASE("unknown path") {
    auto n = t.find(method::get, "/pong");
    CHECK(n.actor == nullptr);
    CHECK_FALSE(n.path_known);
  }
  SUBCASE("paths match exactly") {
    CHECK(t.find(method::get, "/ping/").actor == nullptr);
    CHECK(t.find(method::get, "/PING").actor == nullptr);
    CHECK(t.find(method::get, "/pin").actor == nullptr);
  }
  SUBCASE("known path, wrong method lists the allowed ones") {
    auto n = t.find(method::del, "/ping");
    CHECK(n.actor == nullptr);
    CHECK(n.path_known);
    CHECK(n.allow == "GET, HEAD, POST");
    CHECK(t.find(method::get, "/items").allow == "PUT");
  }
  for (auto& x : std::vector<caf::actor>{a, b})
    caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
}

TEST_CASE("route table rejects malformed and duplicate routes") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto a = sys.spawn(ping_route);
  route_table t;
  t.add(method::get, "/x", a);
  CHECK_THROWS_AS(t.add(method::get, "/x", a), std::invalid_argument);
  CHECK_THROWS_AS(t.add(method::get, "x", a), std::invalid_argument);
  CHECK_THROWS_AS(t.add(method::get, "", a), std::invalid_argument);
  CHECK_THROWS_AS(t.add(method::other, "/y", a), std::invalid_argument);
  CHECK_THROWS_AS(t.add(method::get, "/z", caf::actor{}), std::invalid_argument);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}
