// /metrics through the whole pipeline: the real backend and gateway, exact
// counts after known traffic, promtool's verdict on the real output, and a
// real Prometheus server scraping the gateway.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/actors/routes.hpp"
#include "actorgate/metrics/registry.hpp"
#include "tests/support/exposition.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/in_process_server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wait.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;

namespace {

series_values scrape(http_client& c, const std::string& path = "/metrics") {
  auto r = c.get(path);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  return parse_exposition(r.body);
}

std::string requests(const std::string& route, const std::string& method, const std::string& code) {
  return "actorgate_http_requests_total{route=\"" + route + "\",method=\"" + method + "\",code=\"" +
         code + "\"}";
}

// A program the tests need from a Debian package: missing is a failure.
std::string required_program(const char* name, const char* package) {
  auto path = find_program(name);
  if (path.empty()) {
    auto why = std::string(name) + " is not installed: install the Debian package '" + package +
               "' (scripts/setup.sh does)";
    FAIL(why);
  }
  return path;
}

} // namespace

TEST_CASE("metrics: exact counts by route method and status class through the pipeline") {
  backend_process backend;
  // The deadline is long enough that a first call, which connects its
  // worker, meets it on a loaded machine under a sanitizer (300 ms did not).
  gateway_process gateway{backend.port, {"--http.request-timeout=800ms"}};
  http_client c{gateway.port};
  for (int i = 0; i < 3; ++i)
    REQUIRE(c.get("/ping").status == 200);
  REQUIRE(c.get("/echo?msg=a").status == 200);
  REQUIRE(c.get("/echo?msg=b").status == 200);
  REQUIRE(c.get("/echo").status == 400);
  REQUIRE(c.get("/nope").status == 404);
  REQUIRE(c.request("POST", "/ping").status == 405);
  REQUIRE(c.request("HEAD", "/ping").status == 200);
  // 1 s of backend CPU (the most /work takes) against an 800 ms deadline.
  REQUIRE(c.get("/work?us=1000000").status == 504);

  // The worker counts the timed-out call once its socket gives up, at about
  // the same moment as the 504: wait for it.
  series_values s;
  int scrapes = 0;
  for (auto until = std::chrono::steady_clock::now() + 5s;;) {
    s = scrape(c);
    ++scrapes;
    if ((s["actorgate_pool_calls_total{pool=\"backend\"}"] == "3" &&
         s["actorgate_pool_busy_workers{pool=\"backend\"}"] == "0") ||
        std::chrono::steady_clock::now() > until)
      break;
    std::this_thread::sleep_for(20ms);
  }
  CHECK(s[requests("/ping", "GET", "2xx")] == "3");
  CHECK(s[requests("/ping", "HEAD", "2xx")] == "1");
  CHECK(s[requests("/echo", "GET", "2xx")] == "2");
  CHECK(s[requests("/echo", "GET", "4xx")] == "1");
  CHECK(s[requests("/work", "GET", "5xx")] == "1");
  CHECK(s[requests("none", "GET", "4xx")] == "1");  // unknown path
  CHECK(s[requests("none", "POST", "4xx")] == "1"); // wrong method: no route took it
  // Every scrape but the one being answered.
  auto earlier = scrapes - 1;
  if (earlier > 0)
    CHECK(s[requests("/metrics", "GET", "2xx")] == std::to_string(earlier));
  CHECK(count_series(s, "actorgate_http_requests_total") == (earlier > 0 ? 8u : 7u));

  CHECK(s["actorgate_http_request_duration_seconds_count{route=\"/ping\"}"] == "4");
  CHECK(s["actorgate_http_request_duration_seconds_count{route=\"/echo\"}"] == "3");
  CHECK(s["actorgate_http_request_duration_seconds_count{route=\"none\"}"] == "2");
  // The 504 came at the 800 ms deadline.
  CHECK(s["actorgate_http_request_duration_seconds_bucket{route=\"/work\",le=\"0.5\"}"] == "0");
  CHECK(s["actorgate_http_request_duration_seconds_bucket{route=\"/work\",le=\"2.5\"}"] == "1");
  CHECK(std::stod(s["actorgate_http_request_duration_seconds_sum{route=\"/work\"}"]) >= 0.8);

  CHECK(s["actorgate_http_open_connections"] == "1");
  CHECK(s["actorgate_http_in_flight_requests"] == "1"); // this scrape
  CHECK(s["actorgate_http_refused_connections_total"] == "0");
  CHECK(std::stoull(s["actorgate_http_response_bytes_total"]) > 10 * 100);

  CHECK(s["actorgate_pool_workers{pool=\"backend\"}"] == "8");
  CHECK(s["actorgate_pool_queue_limit{pool=\"backend\"}"] == "256");
  CHECK(s["actorgate_pool_queue_depth{pool=\"backend\"}"] == "0");
  CHECK(s["actorgate_pool_busy_workers{pool=\"backend\"}"] == "0");
  CHECK(s["actorgate_pool_calls_total{pool=\"backend\"}"] == "3");
  // One after the other: each found every worker asleep.
  CHECK(s["actorgate_pool_worker_wakeups_total{pool=\"backend\"}"] == "3");
  CHECK(s["actorgate_pool_retries_total{pool=\"backend\"}"] == "0");
  CHECK(s["actorgate_pool_errors_total{pool=\"backend\",kind=\"timeout\"}"] == "1");
  CHECK(s["actorgate_pool_errors_total{pool=\"backend\",kind=\"overloaded\"}"] == "0");
  CHECK(s["actorgate_pool_circuit_open{pool=\"backend\"}"] == "0");
  auto endpoint = "pool=\"backend\",endpoint=\"127.0.0.1:" + std::to_string(backend.port) + "\"";
  CHECK(s["actorgate_pool_endpoint_state{" + endpoint + ",state=\"healthy\"}"] == "1");
  CHECK(s["actorgate_pool_endpoint_state{" + endpoint + ",state=\"ejected\"}"] == "0");

  CHECK(s["actorgate_build_info{version=\"" ACTORGATE_VERSION "\"}"] == "1");
  CHECK(std::stoull(s["actorgate_process_resident_memory_bytes"]) > 1'000'000);
  CHECK(std::stoull(s["actorgate_process_open_fds"]) >= 5); // listener, client, 8 workers' sockets
  CHECK(std::stoull(s["actorgate_process_threads"]) >= 9);  // IO thread + 8 workers
  CHECK(std::stod(s["actorgate_process_uptime_seconds"]) < 120);

  // Counters carry on from here.
  auto again = scrape(c);
  CHECK(again[requests("/metrics", "GET", "2xx")] == std::to_string(scrapes));
  CHECK(again[requests("/ping", "GET", "2xx")] == "3");
}

TEST_CASE("metrics: open and refused connections") {
  backend_process backend;
  gateway_process gateway{backend.port, {"--http.max-connections=2"}};
  http_client c{gateway.port};
  REQUIRE(c.get("/ping").status == 200); // c's connection is accepted and served
  raw_connection idle{gateway.port};
  // The second is open; wait until the gateway has it, then a third is refused.
  wait_until([&] { return scrape(c)["actorgate_http_open_connections"] == "2"; }, 5s, 10ms);
  CHECK(raw_exchange(gateway.port, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n", 2s).empty());
  auto s = scrape(c);
  CHECK(s["actorgate_http_open_connections"] == "2");
  CHECK(s["actorgate_http_refused_connections_total"] == "1");
}

TEST_CASE("a burst of connections waiting at once: each is served up to max-connections, the "
          "rest are refused and counted") {
  backend_process backend;
  gateway_process gateway{backend.port, {"--http.max-connections=100"}};
  http_client c{gateway.port};
  REQUIRE(c.get("/ping").status == 200);
  // Stopped, the gateway accepts nothing: the 300 connections complete in
  // the kernel's backlog and wait there together, so that it takes them as
  // one burst when it goes on.
  gateway.proc.signal(SIGSTOP);
  std::vector<std::unique_ptr<raw_connection>> burst;
  for (int i = 0; i < 300; ++i)
    burst.push_back(std::make_unique<raw_connection>(gateway.port));
  gateway.proc.signal(SIGCONT);
  CHECK(wait_until([&] { return scrape(c)["actorgate_http_refused_connections_total"] == "201"; },
                   10s, 10ms));
  int served = 0, refused = 0;
  for (auto& b : burst) {
    std::string answer;
    try {
      b->send("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      answer = b->read_all(5s);
    } catch (const std::exception&) { // reset: refused
    }
    if (answer.rfind("HTTP/1.1 200", 0) == 0)
      ++served;
    else if (answer.empty())
      ++refused;
  }
  CHECK(served == 99); // c holds the hundredth
  CHECK(refused == 201);
  CHECK(scrape(c)["actorgate_http_refused_connections_total"] == "201");
}

TEST_CASE("metrics: switched off or moved by the config") {
  backend_process backend;
  SUBCASE("metrics=false: no route") {
    gateway_process gateway{backend.port, {"--http.metrics=false"}};
    CHECK(http_get(gateway.port, "/metrics").status == 404);
  }
  SUBCASE("another path") {
    gateway_process gateway{backend.port, {"--http.metrics-path=/internal/prom"}};
    CHECK(http_get(gateway.port, "/metrics").status == 404);
    http_client c{gateway.port};
    auto s = scrape(c, "/internal/prom");
    CHECK(s.count("actorgate_http_request_duration_seconds_count{route=\"/internal/prom\"}") == 1);
  }
  SUBCASE("a path that clashes with a route stops the gateway with exit code 2") {
    process p{gateway_binary(),
              {"--config-file=/dev/null", "--http.port=0", "--http.metrics-path=/ping"},
              stderr_to::output};
    CHECK(p.wait(10s) == 2);
    p.wait_for_eof(5s);
    CHECK(p.output().find("http.metrics-path") != std::string::npos);
  }
}

TEST_CASE("metrics: promtool check metrics accepts the real output") {
  auto promtool = required_program("promtool", "prometheus");
  backend_process backend;
  gateway_process gateway{backend.port};
  http_client c{gateway.port};
  c.get("/ping");
  c.get("/echo?msg=x");
  c.get("/work?us=nope");
  c.get("/nope");
  c.request("DELETE", "/ping");
  c.get("/metrics");
  auto body = c.get("/metrics").body;
  temp_dir dir{"actorgate-promtool"};
  auto file = dir.write("metrics.txt", body);
  auto r = run_command(promtool, {"check", "metrics"}, file);
  INFO("promtool said: " << r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.empty()); // no lint warnings either
}

TEST_CASE("metrics: a real Prometheus scrapes the gateway") {
  auto prometheus = required_program("prometheus", "prometheus");
  backend_process backend;
  gateway_process gateway{backend.port};
  {
    http_client c{gateway.port};
    for (int i = 0; i < 5; ++i)
      REQUIRE(c.get("/ping").status == 200);
  }
  temp_dir dir{"actorgate-prometheus"};
  auto target = "127.0.0.1:" + std::to_string(gateway.port);
  auto config = dir.write("prometheus.yml", "global:\n"
                                            "  scrape_interval: 1s\n"
                                            "  evaluation_interval: 1s\n"
                                            "scrape_configs:\n"
                                            "  - job_name: actorgate\n"
                                            "    metrics_path: /metrics\n"
                                            "    static_configs:\n"
                                            "      - targets: ['" +
                                                target + "']\n");
  auto port = free_port();
  process prom{prometheus,
               {"--config.file=" + config, "--storage.tsdb.path=" + dir.path() + "/data",
                "--web.listen-address=127.0.0.1:" + std::to_string(port)},
               stderr_to::output};

  // /api/v1/query?query=actorgate_http_requests_total{route="/ping"}
  const std::string query = "/api/v1/query?query=actorgate_http_requests_total"
                            "%7Broute%3D%22%2Fping%22%7D";
  nlohmann::json result;
  auto until = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < until && prom.running()) {
    try {
      auto r = http_get(port, query);
      if (r.status == 200) {
        auto j = nlohmann::json::parse(r.body);
        if (j["status"] == "success" && !j["data"]["result"].empty()) {
          result = j["data"]["result"];
          break;
        }
      }
    } catch (const std::exception&) {
      // Not listening yet.
    }
    std::this_thread::sleep_for(200ms);
  }
  INFO("prometheus output: " << prom.output());
  REQUIRE_MESSAGE(!result.is_null(), "no series arrived within 30 s");
  REQUIRE(result.size() == 1);
  const auto& series = result[0];
  CHECK(series["metric"]["__name__"] == "actorgate_http_requests_total");
  CHECK(series["metric"]["job"] == "actorgate");
  CHECK(series["metric"]["instance"] == target);
  CHECK(series["metric"]["method"] == "GET");
  CHECK(series["metric"]["code"] == "2xx");
  CHECK(series["value"][1] == "5");

  // Prometheus found nothing to complain about in the scrape.
  auto targets = nlohmann::json::parse(http_get(port, "/api/v1/targets").body);
  const auto& active = targets["data"]["activeTargets"];
  REQUIRE(active.size() == 1);
  CHECK(active[0]["health"] == "up");
  CHECK(active[0]["lastError"] == "");

  prom.signal(SIGTERM);
  CHECK(prom.wait(15s) == 0);
}

TEST_CASE("metrics: a server wired by hand with metrics::registry") {
  in_process_server fx;
  auto reg = std::make_shared<actorgate::metrics::registry>(
      std::vector<std::string>{"/hello", "/metrics"}, actorgate::metrics::pool_list{});
  fx.server.observe(reg->observer());
  auto hello = spawn_hosted(fx.sys, fx.server.host(), actorgate::ping_route);
  auto metrics = spawn_hosted(fx.sys, fx.server.host(), actorgate::metrics::metrics_route,
                              std::shared_ptr<const actorgate::metrics::registry>(reg));
  auto routes = std::make_shared<actorgate::http::route_table>();
  routes->add(actorgate::method::get, "/hello", hello);
  routes->add(actorgate::method::get, "/metrics", metrics);
  auto port = fx.server.start(routes);
  {
    http_client c{port};
    CHECK(c.get("/hello").status == 200);
    auto s = scrape(c);
    CHECK(s[requests("/hello", "GET", "2xx")] == "1");
    CHECK(s["actorgate_http_in_flight_requests"] == "1");
    CHECK(count_series(s, "actorgate_pool_workers") == 0); // no pools, the family alone
  }
  fx.finish({hello, metrics});
}
