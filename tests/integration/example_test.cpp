// The kv example (examples/kv) through the whole pipeline: its own
// Thrift backend and the Compute backend as real processes, its gateway
// as a real process, real HTTP.
#include <doctest/doctest.h>

#include <csignal>
#include <string>

#include "tests/support/exposition.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;

TEST_CASE("kv example: own service, path parameters, state, fan-out") {
  backend_process compute;
  process kv_backend{ACTORGATE_KV_BACKEND_BIN,
                     {"--config-file=/dev/null", "--kv-server.port=0", "--kv-server.threads=8"}};
  auto kv_port = kv_backend.wait_for_port();
  REQUIRE(kv_port != 0);
  process gateway{ACTORGATE_KV_GATEWAY_BIN,
                  {"--config-file=/dev/null", "--http.port=0",
                   "--backend.port=" + std::to_string(compute.port), "--backend.pool-size=2",
                   "--kv.port=" + std::to_string(kv_port), "--kv.pool-size=2"}};
  auto port = gateway.wait_for_port();
  REQUIRE(port != 0);

  http_client c{port};
  auto missing = c.get("/kv/colour");
  CHECK(missing.status == 404);
  CHECK(missing.header("content-type") == "application/json");
  CHECK(missing.body == R"x({"error":"NotFound(key=colour)","status":404})x"); // map_exception

  auto put = c.request("PUT", "/kv/colour"); // empty body: stores ""
  CHECK(put.status == 200);
  CHECK(put.body == R"({"stored":"colour"})");
  auto got = c.get("/kv/colour");
  CHECK(got.status == 200);
  CHECK(got.body == R"({"key":"colour","value":""})"); // members in name order

  auto tokens = c.get("/tokens?text=The+Quick,+brown%21fox");
  CHECK(tokens.status == 200);
  CHECK(tokens.body == R"(["the","quick","brown","fox"])");
  CHECK(c.get("/tokens").status == 400);

  CHECK(c.get("/visits/home").body == R"({"visits":1})");
  CHECK(c.get("/visits/home").body == R"({"visits":2})");
  CHECK(c.get("/visits/about").body == R"({"visits":1})");

  auto summary = c.get("/summary/colour");
  CHECK(summary.status == 200);
  CHECK(summary.body == R"({"echo":"colour","key":"colour","value":""})");
  auto none = c.get("/summary/nothing");
  CHECK(none.body == R"({"echo":"nothing","key":"nothing","value":null})");

  CHECK(c.request("DELETE", "/kv/colour").status == 405);

  // A gateway of one's own gets /metrics too: its routes and both pools.
  auto m = parse_exposition(c.get("/metrics").body);
  CHECK(m["actorgate_http_requests_total{route=\"/visits/:page\",method=\"GET\",code=\"2xx\"}"] ==
        "3");
  CHECK(m["actorgate_http_requests_total{route=\"/kv/:key\",method=\"PUT\",code=\"2xx\"}"] == "1");
  CHECK(m["actorgate_pool_workers{pool=\"kv\"}"] == "2");
  CHECK(m["actorgate_pool_workers{pool=\"backend\"}"] == "2");
  CHECK(m["actorgate_pool_calls_total{pool=\"kv\"}"] == "6"); // get, put, get, tokens, 2 summaries

  // One backend down: the fan-out answers once, with the error.
  kv_backend.signal(SIGKILL);
  kv_backend.wait(5s);
  auto half = http_get(port, "/summary/colour");
  CHECK(half.status == 503);
  CHECK(http_get(port, "/visits/home").body == R"({"visits":3})");

  gateway.signal(SIGTERM);
  auto rc = gateway.wait(10s);
  REQUIRE(rc.has_value());
  CHECK(*rc == 0);
}

TEST_CASE("kv example: a backend that answers with an exception gives 502") {
  // The kv pool pointed at the Compute backend: every kv call is an unknown
  // method there, answered with a Thrift application exception.
  backend_process compute;
  process gateway{ACTORGATE_KV_GATEWAY_BIN,
                  {"--config-file=/dev/null", "--http.port=0",
                   "--backend.port=" + std::to_string(compute.port), "--backend.pool-size=1",
                   "--kv.port=" + std::to_string(compute.port), "--kv.pool-size=1"}};
  auto port = gateway.wait_for_port();
  REQUIRE(port != 0);
  http_client c{port};
  for (int i = 0; i < 3; ++i) {
    auto r = c.get("/kv/x");
    CHECK(r.status == 502);
    CHECK(r.body.find("exception") != std::string::npos);
  }
  // The connection stayed in step: the same worker serves the next call.
  CHECK(c.get("/tokens?text=a").status == 502);
  gateway.signal(SIGTERM);
  auto rc = gateway.wait(10s);
  REQUIRE(rc.has_value());
  CHECK(*rc == 0);
}

TEST_CASE("shop example: a struct, a list, a declared exception, 201 204 404 and 400s") {
  process shop_backend{ACTORGATE_SHOP_BACKEND_BIN,
                       {"--config-file=/dev/null", "--shop-server.port=0"}};
  auto shop_port = shop_backend.wait_for_port();
  REQUIRE(shop_port != 0);
  process gateway{ACTORGATE_SHOP_GATEWAY_BIN,
                  {"--config-file=/dev/null", "--http.port=0",
                   "--shop.port=" + std::to_string(shop_port), "--shop.pool-size=2"}};
  auto port = gateway.wait_for_port();
  REQUIRE(port != 0);
  http_client c{port};

  auto made = c.send("POST", "/items", R"({"name":"tea","price_cents":350,"tags":["green"]})");
  CHECK(made.status == 201);
  CHECK(made.header("location") == "/items/1");
  CHECK(made.body == R"({"id":1,"name":"tea","price_cents":350,"tags":["green"]})");
  CHECK(c.send("POST", "/items", R"({"name":"cup","price_cents":900})").status == 201);

  auto got = c.get("/items/1");
  CHECK(got.status == 200);
  CHECK(got.body == made.body);
  auto all = c.get("/items?limit=5");
  CHECK(all.status == 200);
  CHECK(all.body == R"([{"id":1,"name":"tea","price_cents":350,"tags":["green"]},)"
                    R"({"id":2,"name":"cup","price_cents":900,"tags":[]}])");
  CHECK(c.get("/items?limit=1").body.find("cup") == std::string::npos);

  // The declared exception, mapped once for the pool.
  auto missing = c.get("/items/9");
  CHECK(missing.status == 404);
  CHECK(missing.body == R"x({"error":"NoSuchItem(id=9)","status":404})x");

  // Bad input: 400 naming the culprit, before any backend call.
  auto bad = [&](const std::string& method, const std::string& target, const std::string& body) {
    auto r = method == "GET" ? c.get(target) : c.send(method, target, body);
    CHECK(r.status == 400);
    return r.body;
  };
  CHECK(bad("GET", "/items/x", "").find("path parameter 'id'") != std::string::npos);
  CHECK(bad("GET", "/items?limit=9999999999", "").find("query parameter 'limit'") !=
        std::string::npos);
  CHECK(bad("POST", "/items", "{").find("not valid JSON") != std::string::npos);
  CHECK(bad("POST", "/items", "[]").find("must be a JSON object") != std::string::npos);
  CHECK(bad("POST", "/items", R"({"name":"x"})").find("price_cents: missing") != std::string::npos);
  CHECK(bad("POST", "/items", R"({"name":"x","price_cents":3000000000})")
            .find("price_cents: expected an integer") != std::string::npos);
  CHECK(bad("POST", "/items", R"({"name":"x","price_cents":1,"tags":["a",2]})")
            .find("tags[1]: expected a string") != std::string::npos);
  CHECK(bad("POST", "/items", R"({"name":"x","price_cents":1,"colour":"red"})")
            .find("colour: unknown field") != std::string::npos);

  auto removed = c.request("DELETE", "/items/1");
  CHECK(removed.status == 204);
  CHECK(removed.body.empty());
  CHECK(removed.headers.count("content-length") == 0);
  CHECK(c.request("DELETE", "/items/1").status == 404);
  CHECK(c.get("/items/1").status == 404);
  CHECK(c.request("PUT", "/items/2").status == 405);

  gateway.signal(SIGTERM);
  CHECK(gateway.wait(10s) == 0);
}
