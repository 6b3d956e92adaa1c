// The examples ladder (examples/, docs/extending.md) through the whole
// pipeline: each example's gateway as a real process, its backends as real
// processes, real HTTP on 127.0.0.1 with ephemeral ports. One or two test
// cases per rung, in the ladder's order.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/exposition.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;

namespace {

// One of the examples' executables, configured by its command line alone,
// on an ephemeral port; at the end SIGTERM must make it exit 0.
struct running {
  running(std::string binary, std::vector<std::string> args)
      : name(std::move(binary)), proc(name, with_no_config_file(std::move(args))),
        port(proc.wait_for_port()) {
    if (port == 0)
      throw std::runtime_error(name + " did not start: " + proc.output());
  }
  ~running() { stop_and_check(proc, name.c_str()); }

  void kill() {
    proc.signal(SIGKILL);
    proc.wait(5s);
  }

  std::string name;
  process proc;
  std::uint16_t port;

private:
  static std::vector<std::string> with_no_config_file(std::vector<std::string> args) {
    args.insert(args.begin(), "--config-file=/dev/null");
    return args;
  }
};

// A backend serving its server group `group` ("greet-server") on a free port.
running backend(const std::string& binary, const std::string& group) {
  return {binary, {"--" + group + ".port=0"}};
}

// A gateway on a free port, with `args` (its pools' ports, sizes).
running gateway(const std::string& binary, std::vector<std::string> args = {}) {
  args.insert(args.begin(), "--http.port=0");
  return {binary, std::move(args)};
}

// "--greet.port=N": the pool group `group` pointed at `b`.
std::string pool_at(const std::string& group, const running& b) {
  return "--" + group + ".port=" + std::to_string(b.port);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("ladder 0 no code: actorgate-server serves the shop's IDL from the file alone") {
  auto shop = backend(ACTORGATE_SHOP_BACKEND_BIN, "shop-server");
  auto gw =
      gateway(gateway_binary(), {"--idl.file=" ACTORGATE_SOURCE_DIR "/examples/shop/shop.thrift",
                                 "--idl.port=" + std::to_string(shop.port)});
  http_client c{gw.port};
  auto r = c.send("POST", "/rpc/add_item", R"({"item":{"name":"tea","price_cents":350}})");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"id":1,"name":"tea","price_cents":350,"tags":[]})");
  r = c.send("POST", "/rpc/get_item", R"({"id":1})");
  CHECK(r.body == R"({"id":1,"name":"tea","price_cents":350,"tags":[]})");
  r = c.get("/rpc/items/1"); // (http.get = "/items/{id}")
  CHECK(r.body == R"({"id":1,"name":"tea","price_cents":350,"tags":[]})");
  r = c.get("/rpc/items/9");
  CHECK(r.status == 404); // NoSuchItem (http.status = "404")
  CHECK(r.body == R"({"detail":{"id":9},"error":"NoSuchItem","status":404})");
  r = c.send("POST", "/rpc/list_items", R"({"limit":"ten"})");
  CHECK(r.status == 400);
  CHECK(r.body ==
        R"({"error":"limit: expected an integer from -2147483648 to 2147483647","status":400})");
  CHECK(c.send("POST", "/rpc/remove_item", R"({"id":1})").status == 204);
  CHECK(c.get("/rpc/openapi.json").status == 200);
}

TEST_CASE("ladder 1 hello: one route answered by an actor on the IO thread") {
  auto gw = gateway(ACTORGATE_HELLO_GATEWAY_BIN);
  http_client c{gw.port};
  auto r = c.get("/hello/world");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "text/plain; charset=utf-8");
  CHECK(r.body == "hello world");
  CHECK(c.get("/hello/w%C3%B6rld").body == "hello w\xC3\xB6rld"); // decoded once
  CHECK(c.get("/hello/").status == 404);                          // a parameter needs a segment
  CHECK(c.request("POST", "/hello/x").status == 405);
  CHECK(c.get("/health").status == 200); // what every gateway adds by itself
}

TEST_CASE("ladder 2 params: typed path and query parameters, a JSON body, 400 naming the culprit") {
  auto gw = gateway(ACTORGATE_PARAMS_GATEWAY_BIN);
  http_client c{gw.port};
  auto r = c.get("/countdown/10?step=3");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.body == R"({"from":10,"numbers":[10,7,4,1],"step":3})");
  CHECK(c.get("/countdown/3").body == R"({"from":3,"numbers":[3,2,1],"step":1})"); // fallback

  auto sum = c.send("POST", "/sum", R"({"numbers":[1,2,3.5],"scale":2})");
  CHECK(sum.status == 200);
  CHECK(sum.body == R"({"sum":13.0})");
  CHECK(c.send("POST", "/sum", R"({"numbers":[]})").body == R"({"sum":0.0})");

  // Bad input: 400 with a JSON error naming the parameter or member.
  auto bad = [&](const std::string& method, const std::string& target, const std::string& body,
                 const std::string& named) {
    auto b = method == "GET" ? c.get(target) : c.send(method, target, body);
    CHECK(b.status == 400);
    CHECK(b.header("content-type") == "application/json");
    CHECK_MESSAGE(contains(b.body, named), b.body);
  };
  bad("GET", "/countdown/ten", "", "path parameter 'from' must be an integer");
  bad("GET", "/countdown/99999999999", "", "path parameter 'from'");
  bad("GET", "/countdown/10?step=x", "", "query parameter 'step' must be an integer");
  bad("GET", "/countdown/1001", "", "'from' must be 0 to 1000");
  bad("GET", "/countdown/10?step=0", "", "'step' at least 1");
  bad("POST", "/sum", "{", "not valid JSON");
  bad("POST", "/sum", "[1]", "must be a JSON object");
  bad("POST", "/sum", R"({"scale":2})", "numbers: missing");
  bad("POST", "/sum", R"({"numbers":[1,"2"]})", "numbers[1]: expected a number");
  bad("POST", "/sum", R"({"numbers":[1],"scale":"x"})", "scale: expected a number");
  bad("POST", "/sum", R"({"numbers":[1],"colour":"red"})", "colour: unknown field");
}

TEST_CASE("ladder 3 thrift_call: a route calling a Thrift backend through a pool") {
  auto greeter = backend(ACTORGATE_GREET_BACKEND_BIN, "greet-server");
  auto gw =
      gateway(ACTORGATE_GREET_GATEWAY_BIN, {pool_at("greet", greeter), "--greet.pool-size=2"});
  http_client c{gw.port};
  auto r = c.get("/greet/bob");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.body == R"({"greeting":"hello bob"})");
  CHECK(c.get("/greet/%22quoted%22").body == R"({"greeting":"hello \"quoted\""})");

  auto m = parse_exposition(c.get("/metrics").body);
  CHECK(m["actorgate_pool_workers{pool=\"greet\"}"] == "2");
  CHECK(m["actorgate_pool_calls_total{pool=\"greet\"}"] == "2");

  greeter.kill(); // the backend gone: 503, at once, as JSON
  auto down = c.get("/greet/bob");
  CHECK(down.status == 503);
  CHECK(down.header("content-type") == "application/json");
}

TEST_CASE("ladder 3 thrift_call: an idempotent call is retried on the other endpoint") {
  auto a = backend(ACTORGATE_GREET_BACKEND_BIN, "greet-server");
  auto b = backend(ACTORGATE_GREET_BACKEND_BIN, "greet-server");
  auto gw =
      gateway(ACTORGATE_GREET_GATEWAY_BIN,
              {"--greet.endpoints=127.0.0.1:" + std::to_string(a.port) +
                   ",127.0.0.1:" + std::to_string(b.port),
               "--greet.balance=round-robin", "--greet.pool-size=1", "--greet.call-timeout=300ms"});
  http_client c{gw.port};
  for (int i = 0; i < 2; ++i) // one call to each
    CHECK(c.get("/greet/x").status == 200);
  // Stopped, `a` reads calls and never answers: a call sent to it runs out
  // of its call timeout after it may have reached the backend, so only an
  // idempotent call may be repeated. The client never sees the failure.
  a.proc.signal(SIGSTOP);
  for (int i = 0; i < 3; ++i) {
    auto r = c.get("/greet/y");
    CHECK(r.status == 200);
    CHECK(r.body == R"({"greeting":"hello y"})");
  }
  auto m = parse_exposition(c.get("/metrics").body);
  CHECK(std::stoi(m["actorgate_pool_retries_total{pool=\"greet\"}"]) >= 1);
  a.proc.signal(SIGCONT);
}

TEST_CASE("ladder 4 shop: a struct, a list, a declared exception, 201 204 404 and 400s") {
  auto shop = backend(ACTORGATE_SHOP_BACKEND_BIN, "shop-server");
  auto gw = gateway(ACTORGATE_SHOP_GATEWAY_BIN, {pool_at("shop", shop), "--shop.pool-size=2"});
  http_client c{gw.port};

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
  CHECK(contains(bad("GET", "/items/x", ""), "path parameter 'id'"));
  CHECK(contains(bad("GET", "/items?limit=9999999999", ""), "query parameter 'limit'"));
  CHECK(contains(bad("POST", "/items", "{"), "not valid JSON"));
  CHECK(contains(bad("POST", "/items", "[]"), "must be a JSON object"));
  CHECK(contains(bad("POST", "/items", R"({"name":"x"})"), "price_cents: missing"));
  CHECK(contains(bad("POST", "/items", R"({"name":"x","price_cents":3000000000})"),
                 "price_cents: expected an integer"));
  CHECK(contains(bad("POST", "/items", R"({"name":"x","price_cents":1,"tags":["a",2]})"),
                 "tags[1]: expected a string"));
  CHECK(contains(bad("POST", "/items", R"({"name":"x","price_cents":1,"colour":"red"})"),
                 "colour: unknown field"));

  auto removed = c.request("DELETE", "/items/1");
  CHECK(removed.status == 204);
  CHECK(removed.body.empty());
  CHECK(removed.headers.count("content-length") == 0);
  CHECK(c.request("DELETE", "/items/1").status == 404);
  CHECK(c.get("/items/1").status == 404);
  CHECK(c.request("PUT", "/items/2").status == 405);
}

TEST_CASE("ladder 5 fanout: two backends asked at once, one answer joining both") {
  auto greeter = backend(ACTORGATE_GREET_BACKEND_BIN, "greet-server");
  auto shop = backend(ACTORGATE_SHOP_BACKEND_BIN, "shop-server");
  { // Stock the shop through its own gateway (rung 4).
    auto shop_gw = gateway(ACTORGATE_SHOP_GATEWAY_BIN, {pool_at("shop", shop)});
    http_client c{shop_gw.port};
    for (const char* name : {"tea", "cup", "pot", "tray"})
      REQUIRE(
          c.send("POST", "/items", std::string(R"({"name":")") + name + R"(","price_cents":100})")
              .status == 201);
  }
  auto gw = gateway(ACTORGATE_FANOUT_GATEWAY_BIN, {pool_at("greet", greeter), "--greet.pool-size=2",
                                                   pool_at("shop", shop), "--shop.pool-size=2"});
  http_client c{gw.port};
  auto r = c.get("/home/ann");
  CHECK(r.status == 200);
  CHECK(r.body == R"({"greeting":"hello ann","items":[)"
                  R"({"id":1,"name":"tea","price_cents":100,"tags":[]},)"
                  R"({"id":2,"name":"cup","price_cents":100,"tags":[]},)"
                  R"({"id":3,"name":"pot","price_cents":100,"tags":[]}]})");

  // A gateway of one's own gets /metrics too: its route and both pools.
  auto m = parse_exposition(c.get("/metrics").body);
  CHECK(m["actorgate_http_requests_total{route=\"/home/:name\",method=\"GET\",code=\"2xx\"}"] ==
        "1");
  CHECK(m["actorgate_pool_workers{pool=\"greet\"}"] == "2");
  CHECK(m["actorgate_pool_calls_total{pool=\"greet\"}"] == "1");
  CHECK(m["actorgate_pool_calls_total{pool=\"shop\"}"] == "1");

  // One backend down: one answer, the error; the other call's result is dropped.
  shop.kill();
  auto half = c.get("/home/ann");
  CHECK(half.status == 503);
  CHECK(half.header("content-type") == "application/json");
  CHECK(c.get("/home/bob").status == 503); // and the connection goes on
}

TEST_CASE("ladder 6 stateful: state in a supervised actor, replaced fresh when it fails") {
  auto gw = gateway(ACTORGATE_STATEFUL_GATEWAY_BIN);
  http_client c{gw.port};
  CHECK(c.get("/visits/home").body == R"({"page":"home","visits":1})");
  CHECK(c.get("/visits/home").body == R"({"page":"home","visits":2})");
  CHECK(c.get("/visits/about").body == R"({"page":"about","visits":1})");
  CHECK(c.get("/visits/home?fail=maybe").status == 400); // a bad value is not a failure
  CHECK(c.get("/visits/home").body == R"({"page":"home","visits":3})");

  auto boom = c.get("/visits/home?fail=true");
  CHECK(boom.status == 500);
  CHECK(boom.header("content-type") == "application/json");
  CHECK(c.get("/health").status == 200); // other routes never notice
  // The next request reaches a fresh actor with fresh state.
  CHECK(c.get("/visits/home").body == R"({"page":"home","visits":1})");
  for (int i = 0; i < 3; ++i)
    CHECK(c.get("/visits/x?fail=1").status == 500);
  CHECK(c.get("/visits/home").body == R"({"page":"home","visits":1})");
}

TEST_CASE("ladder 7 cpu_work: /ping answers at once while primes are counted on the scheduler") {
  auto gw = gateway(ACTORGATE_CPU_WORK_GATEWAY_BIN, {"--http.request-timeout=30s"});
  http_client c{gw.port};
  CHECK(c.get("/primes?below=100").body == R"({"below":100,"primes":25})");
  CHECK(c.get("/primes?below=x").status == 400);
  CHECK(c.get("/primes?below=100000001").status == 400);

  // Two counts of a second or more each, one per scheduler actor, while
  // /ping is asked on another connection every 20 ms.
  std::atomic<int> counted{0};
  std::string counts[2];
  auto count = [&](std::string& out) {
    http_client heavy{gw.port};
    out = heavy.request("GET", "/primes?below=4000000", 30s).body;
    ++counted;
  };
  auto started = std::chrono::steady_clock::now();
  std::thread first{count, std::ref(counts[0])}, second{count, std::ref(counts[1])};
  std::this_thread::sleep_for(100ms); // both counts under way
  std::chrono::steady_clock::duration slowest{};
  int pings = 0;
  while (counted < 2) {
    auto t0 = std::chrono::steady_clock::now();
    CHECK(c.get("/ping").body == "pong");
    slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
    ++pings;
    std::this_thread::sleep_for(20ms);
  }
  first.join();
  second.join();
  for (const auto& body : counts)
    CHECK(body == R"({"below":4000000,"primes":283146})");
  auto counting = std::chrono::steady_clock::now() - started;
  INFO("pings: ", pings, ", slowest ",
       std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count(),
       " ms, counting took ",
       std::chrono::duration_cast<std::chrono::milliseconds>(counting).count(), " ms");
  CHECK(pings >= 3);             // the counts did run for a while ...
  CHECK(slowest < counting / 4); // ... and no ping waited for them
  CHECK(slowest < 250ms);
}

TEST_CASE("ladder 8 own_backend: your own backend, called twice in sequence") {
  auto kv = backend(ACTORGATE_KV_BACKEND_BIN, "kv-server");
  auto gw = gateway(ACTORGATE_KV_GATEWAY_BIN, {pool_at("kv", kv), "--kv.pool-size=2"});
  http_client c{gw.port};
  // Nothing stored: the first call's declared exception answers 404, and
  // the second call is never made.
  auto missing = c.get("/kv/doc/words");
  CHECK(missing.status == 404);
  CHECK(missing.body == R"x({"error":"NotFound(key=doc)","status":404})x");
  auto m = parse_exposition(c.get("/metrics").body);
  CHECK(m["actorgate_pool_calls_total{pool=\"kv\"}"] == "1");

  auto put = c.send("PUT", "/kv/doc", "The Quick, brown\nfox!");
  CHECK(put.status == 204);
  auto words = c.get("/kv/doc/words");
  CHECK(words.status == 200);
  CHECK(words.body == R"({"key":"doc","words":["the","quick","brown","fox"]})");
  m = parse_exposition(c.get("/metrics").body);
  CHECK(m["actorgate_pool_calls_total{pool=\"kv\"}"] == "4"); // get, put, get, tokenize
  CHECK(c.request("DELETE", "/kv/doc").status == 405);

  kv.kill();
  CHECK(c.get("/kv/doc/words").status == 503);
}

TEST_CASE("ladder 8 own_backend: a backend that answers with an exception gives 502") {
  // The kv pool pointed at the Greeter backend: every kv call is an unknown
  // method there, answered with a Thrift application exception.
  auto greeter = backend(ACTORGATE_GREET_BACKEND_BIN, "greet-server");
  auto gw = gateway(ACTORGATE_KV_GATEWAY_BIN, {pool_at("kv", greeter), "--kv.pool-size=1"});
  http_client c{gw.port};
  for (int i = 0; i < 3; ++i) {
    auto r = c.get("/kv/x/words");
    CHECK(r.status == 502);
    CHECK(contains(r.body, "exception"));
  }
  // The connection stayed in step: the same worker serves the next call.
  CHECK(c.send("PUT", "/kv/x", "a").status == 502);
}
