#include <doctest/doctest.h>

#include <stdexcept>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/send.hpp>
#include <vector>

#include "actorgate/actors/routes.hpp"
#include "actorgate/http/route_table.hpp"

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

namespace {

std::string param(const route_table::match& m, const std::string& name) {
  for (const auto& [k, v] : m.params)
    if (k == name)
      return v;
  return "<none>";
}

} // namespace

TEST_CASE("route patterns: parameters and wildcards") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto user = sys.spawn(ping_route);
  auto me = sys.spawn(ping_route);
  auto post = sys.spawn(ping_route);
  auto files = sys.spawn(ping_route);
  auto root = sys.spawn(ping_route);
  route_table t;
  t.add(method::get, "/users/:id", user);
  t.add(method::del, "/users/me", me);
  t.add(method::get, "/users/:uid/posts/:post", post);
  t.add(method::get, "/files/*path", files);
  t.add(method::get, "/", root);

  auto m = t.find(method::get, "/users/42");
  REQUIRE(m.actor != nullptr);
  CHECK(*m.actor == user);
  CHECK(param(m, "id") == "42");

  m = t.find(method::get, "/users/7/posts/99");
  REQUIRE(m.actor != nullptr);
  CHECK(*m.actor == post);
  CHECK(param(m, "uid") == "7");
  CHECK(param(m, "post") == "99");

  SUBCASE("a literal beats a parameter, per method") {
    CHECK(*t.find(method::del, "/users/me").actor == me);
    auto g = t.find(method::get, "/users/me"); // no GET on the literal: the parameter route
    REQUIRE(g.actor != nullptr);
    CHECK(*g.actor == user);
    CHECK(param(g, "id") == "me");
  }
  SUBCASE("405 lists the methods of every pattern the path matches") {
    auto d = t.find(method::del, "/users/42");
    CHECK(d.actor == nullptr);
    CHECK(d.path_known);
    CHECK(d.allow == "GET, HEAD");
    auto p = t.find(method::post, "/users/me");
    CHECK(p.allow == "GET, HEAD, DELETE");
  }
  SUBCASE("a wildcard takes the rest of the path") {
    auto f = t.find(method::get, std::vector<std::string>{"files", "a", "b/c", "d"});
    REQUIRE(f.actor != nullptr);
    CHECK(param(f, "path") == "a/b/c/d");
    auto empty = t.find(method::get, "/files/");
    REQUIRE(empty.actor != nullptr);
    CHECK(param(empty, "path") == "");
    CHECK(t.find(method::get, "/files").actor == nullptr);
  }
  SUBCASE("parameters need a non-empty segment and shapes must match exactly") {
    CHECK(t.find(method::get, "/users/").actor == nullptr);
    CHECK(t.find(method::get, "/users").actor == nullptr);
    CHECK(t.find(method::get, "/users/1/posts").actor == nullptr);
    CHECK(t.find(method::get, "/users/1/posts/2/x").actor == nullptr);
  }
  SUBCASE("the root") {
    REQUIRE(t.find(method::get, "/").actor != nullptr);
    CHECK(*t.find(method::get, "/").actor == root);
  }
  for (auto& x : std::vector<caf::actor>{user, me, post, files, root})
    caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
}

TEST_CASE("route patterns: malformed and conflicting patterns are rejected at start-up") {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto a = sys.spawn(ping_route);
  route_table t;
  t.add(method::get, "/a/:x", a);
  t.add(method::post, "/a/:y", a); // another method: fine
  t.add(method::get, "/a/b", a);   // a literal beside a parameter: fine
  t.add(method::get, "/a/:x/*rest", a);
  for (const char* bad : {"/a//b", "/a/:", "/a/*", "/a/*rest/b", "/a/:x/:x", "/a/b:c", "/a/..",
                          "/a/:x-y", "relative", ""}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(t.add(method::get, bad, a), std::invalid_argument);
  }
  try {
    t.add(method::get, "/a/:other", a);
    FAIL("a conflicting pattern was accepted");
  } catch (const std::invalid_argument& e) {
    std::string what = e.what();
    CHECK(what.find("/a/:other") != std::string::npos);
    CHECK(what.find("conflicts") != std::string::npos);
  }
  CHECK_THROWS_AS(t.add(method::get, "/a/:x/*other", a), std::invalid_argument);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}
