// The metrics renderer: the text format's escaping, histograms, the HTTP
// observer's labels and counts, and the pools' families.
#include <doctest/doctest.h>

#include <string>

#include "actorgate/metrics/http_metrics.hpp"
#include "actorgate/metrics/pool_metrics.hpp"
#include "actorgate/metrics/process_metrics.hpp"
#include "actorgate/metrics/registry.hpp"
#include "tests/support/exposition.hpp"

using namespace actorgate;
using namespace actorgate::metrics;
using actorgate::test::count_series;
using actorgate::test::parse_exposition;
using namespace std::chrono_literals;

namespace {

http::exchange answered(std::string_view method, std::string_view route, unsigned status,
                        std::chrono::steady_clock::duration took, std::size_t bytes = 100) {
  http::exchange x;
  x.method = method;
  x.target = "/whatever";
  x.route = route;
  x.status = status;
  x.duration = took;
  x.bytes_out = bytes;
  return x;
}

std::string render(const http_metrics& m) {
  text_writer w;
  m.render(w);
  return w.take();
}

} // namespace

TEST_CASE("metrics: label values escape backslash quote and newline") {
  CHECK(escape_label_value("plain /a/:b") == "plain /a/:b");
  CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  text_writer w;
  w.family("x_total", metric_type::counter, "Help with \\ and\nnewline and \"quotes\".");
  w.sample("x_total", {{"path", "C:\\dir\n\"q\""}, {"k", ""}}, std::uint64_t{3});
  w.sample("y", {}, 0.25);
  CHECK(w.text() == "# HELP x_total Help with \\\\ and\\nnewline and \"quotes\".\n"
                    "# TYPE x_total counter\n"
                    "x_total{path=\"C:\\\\dir\\n\\\"q\\\"\",k=\"\"} 3\n"
                    "y 0.25\n");
}

TEST_CASE("metrics: histogram buckets are cumulative and count equals the +Inf bucket") {
  http_metrics m{{"/ping"}};
  for (auto d : {50us, 100us, 300us, 300us, 2000us})
    m.on_exchange(answered("GET", "/ping", 200, d));
  m.on_exchange(answered("GET", "/ping", 200, 20s)); // above every bound
  auto s = parse_exposition(render(m));
  auto bucket = [&](const char* le) {
    return s["actorgate_http_request_duration_seconds_bucket{route=\"/ping\",le=\"" +
             std::string(le) + "\"}"];
  };
  CHECK(bucket("0.0001") == "2"); // 50us and exactly 100us: le means <=
  CHECK(bucket("0.00025") == "2");
  CHECK(bucket("0.0005") == "4");
  CHECK(bucket("0.001") == "4");
  CHECK(bucket("0.0025") == "5");
  CHECK(bucket("10") == "5");
  CHECK(bucket("+Inf") == "6");
  CHECK(s["actorgate_http_request_duration_seconds_count{route=\"/ping\"}"] == "6");
  CHECK(s["actorgate_http_request_duration_seconds_sum{route=\"/ping\"}"] == "20.00275");
  // Every registered route and the unrouted one have a histogram from the
  // start; "other" only once a pattern nobody listed comes.
  CHECK(s["actorgate_http_request_duration_seconds_count{route=\"none\"}"] == "0");
  CHECK(s.count("actorgate_http_request_duration_seconds_count{route=\"other\"}") == 0);
}

TEST_CASE("metrics: requests by route pattern method and status class with bounded labels") {
  http_metrics m{{"/users/:id", "/ping", "/users/:id"}};
  m.on_exchange(answered("GET", "/users/:id", 200, 1ms));
  m.on_exchange(answered("GET", "/users/:id", 204, 1ms));
  m.on_exchange(answered("HEAD", "/users/:id", 404, 1ms));
  m.on_exchange(answered("BREW", "", 501, 1ms));     // unknown method, no route
  m.on_exchange(answered("", "", 400, 1ms));         // request line never parsed
  m.on_exchange(answered("GET", "/nope", 200, 1ms)); // a pattern nobody listed
  m.on_exchange(answered("GET", "/ping", 0, 1ms));   // impossible status: clamped
  auto s = parse_exposition(render(m));
  CHECK(s["actorgate_http_requests_total{route=\"/users/:id\",method=\"GET\",code=\"2xx\"}"] ==
        "2");
  CHECK(s["actorgate_http_requests_total{route=\"/users/:id\",method=\"HEAD\",code=\"4xx\"}"] ==
        "1");
  CHECK(s["actorgate_http_requests_total{route=\"none\",method=\"other\",code=\"5xx\"}"] == "1");
  CHECK(s["actorgate_http_requests_total{route=\"none\",method=\"other\",code=\"4xx\"}"] == "1");
  CHECK(s["actorgate_http_requests_total{route=\"other\",method=\"GET\",code=\"2xx\"}"] == "1");
  CHECK(s["actorgate_http_requests_total{route=\"/ping\",method=\"GET\",code=\"1xx\"}"] == "1");
  CHECK(s["actorgate_http_response_bytes_total"] == "700");
  // Zero combinations are left out; a pattern listed twice is one label.
  CHECK(count_series(s, "actorgate_http_requests_total") == 6);
  CHECK(s["actorgate_http_request_duration_seconds_count{route=\"/users/:id\"}"] == "3");
}

TEST_CASE("metrics: connections and requests in flight") {
  http_metrics m{{"/a"}};
  m.on_connection_open();
  m.on_connection_open();
  m.on_connection_close();
  m.on_connection_refused();
  m.on_request_routed();
  m.on_request_routed();
  m.on_exchange(answered("GET", "/a", 200, 1ms));
  m.on_exchange(answered("GET", "", 404, 1ms)); // unrouted: was never in flight
  auto s = parse_exposition(render(m));
  CHECK(s["actorgate_http_open_connections"] == "1");
  CHECK(s["actorgate_http_in_flight_requests"] == "1");
  CHECK(s["actorgate_http_refused_connections_total"] == "1");
}

TEST_CASE("metrics: counters never go down between scrapes") {
  auto pool = std::make_shared<rpc::pool_stats>();
  pool->name = "backend";
  registry reg{{"/a", "/b"}, {pool}};
  auto obs = reg.observer();
  auto before = parse_exposition(reg.render());
  for (int i = 0; i < 5; ++i) {
    obs->on_exchange(answered(i % 2 ? "GET" : "POST", i % 3 ? "/a" : "/b", 200 + 100 * i, 3ms));
    pool->calls.fetch_add(1);
    pool->count_error(backend_errc::timeout);
  }
  auto after = parse_exposition(reg.render());
  auto is_counter = [](const std::string& series) {
    auto name = series.substr(0, series.find('{'));
    return name.size() > 6 &&
           (name.compare(name.size() - 6, 6, "_total") == 0 ||
            name.find("_bucket") != std::string::npos || name.find("_count") != std::string::npos ||
            name.find("_sum") != std::string::npos);
  };
  std::size_t grew = 0;
  for (const auto& [series, value] : before) {
    if (!is_counter(series))
      continue;
    REQUIRE(after.count(series) == 1);
    CHECK_MESSAGE(std::stod(after[series]) >= std::stod(value), series);
    grew += std::stod(after[series]) > std::stod(value);
  }
  CHECK(grew > 10);
  CHECK(after["actorgate_pool_calls_total{pool=\"backend\"}"] == "5");
  CHECK(after["actorgate_pool_errors_total{pool=\"backend\",kind=\"timeout\"}"] == "5");
}

TEST_CASE("metrics: pools and their endpoints") {
  auto p = std::make_shared<rpc::pool_stats>();
  p->name = "kv";
  p->workers = 4;
  p->queue_limit = 32;
  p->busy = 3;
  p->queued = 7;
  p->calls = 100;
  p->count_error(backend_errc::overloaded);
  p->count_error(backend_errc::exhausted);
  p->count_error(backend_errc::exhausted);
  p->circuit_open = true;
  for (auto [addr, state] : {std::pair{"10.0.0.1:9090", rpc::endpoint_state::healthy},
                             std::pair{"10.0.0.2:9090", rpc::endpoint_state::probing}}) {
    auto e = std::make_unique<rpc::endpoint_stats>();
    e->address = addr;
    e->state = state;
    e->calls = 60;
    e->failures = 2;
    e->outstanding = 1;
    p->endpoints.push_back(std::move(e));
  }
  text_writer w;
  render_pools(w, {p});
  auto s = parse_exposition(w.text());
  CHECK(s["actorgate_pool_workers{pool=\"kv\"}"] == "4");
  CHECK(s["actorgate_pool_busy_workers{pool=\"kv\"}"] == "3");
  CHECK(s["actorgate_pool_queue_depth{pool=\"kv\"}"] == "7");
  CHECK(s["actorgate_pool_queue_limit{pool=\"kv\"}"] == "32");
  CHECK(s["actorgate_pool_calls_total{pool=\"kv\"}"] == "100");
  CHECK(s["actorgate_pool_circuit_open{pool=\"kv\"}"] == "1");
  CHECK(s["actorgate_pool_errors_total{pool=\"kv\",kind=\"overloaded\"}"] == "1");
  CHECK(s["actorgate_pool_errors_total{pool=\"kv\",kind=\"exhausted\"}"] == "2");
  CHECK(s["actorgate_pool_errors_total{pool=\"kv\",kind=\"shutting_down\"}"] == "0");
  const std::string e1 = "pool=\"kv\",endpoint=\"10.0.0.1:9090\"";
  const std::string e2 = "pool=\"kv\",endpoint=\"10.0.0.2:9090\"";
  CHECK(s["actorgate_pool_endpoint_state{" + e1 + ",state=\"healthy\"}"] == "1");
  CHECK(s["actorgate_pool_endpoint_state{" + e1 + ",state=\"ejected\"}"] == "0");
  CHECK(s["actorgate_pool_endpoint_state{" + e2 + ",state=\"probing\"}"] == "1");
  CHECK(s["actorgate_pool_endpoint_state{" + e2 + ",state=\"healthy\"}"] == "0");
  CHECK(s["actorgate_pool_endpoint_calls_total{" + e2 + "}"] == "60");
  CHECK(s["actorgate_pool_endpoint_failures_total{" + e2 + "}"] == "2");
  CHECK(s["actorgate_pool_endpoint_outstanding_calls{" + e1 + "}"] == "1");
  CHECK(count_series(s, "actorgate_pool_errors_total") == 8); // every kind, zeros too
}

TEST_CASE("metrics: an endpoint DNS discovery removed has no series; the pool counts what it "
          "found") {
  auto p = std::make_shared<rpc::pool_stats>();
  p->name = "backend";
  p->discovery = true;
  p->discovered = 1;
  p->dns_failures = 3;
  for (auto addr : {"127.0.0.2:9090", "127.0.0.3:9090"}) {
    auto e = std::make_unique<rpc::endpoint_stats>();
    e->address = addr;
    p->endpoints.push_back(std::move(e));
  }
  p->endpoints[0]->removed = true;
  text_writer w;
  render_pools(w, {p});
  auto s = parse_exposition(w.text());
  CHECK(s["actorgate_pool_discovered_endpoints{pool=\"backend\"}"] == "1");
  CHECK(s["actorgate_pool_dns_failures_total{pool=\"backend\"}"] == "3");
  CHECK(count_series(s, "actorgate_pool_endpoint_calls_total") == 1);
  CHECK(s.count(
            "actorgate_pool_endpoint_calls_total{pool=\"backend\",endpoint=\"127.0.0.3:9090\"}") ==
        1);
  CHECK(count_series(s, "actorgate_pool_endpoint_state") == 3); // one endpoint's states
  // Ready with the one that is in; not ready with none (nothing resolved).
  CHECK(p->ready());
  p->endpoints[1]->removed = true;
  CHECK_FALSE(p->ready());
  p->endpoints.clear();
  CHECK_FALSE(p->ready());
}

TEST_CASE("metrics: the process and the build") {
  auto p = read_process();
  REQUIRE(p);
  CHECK(p->resident_bytes > 1024 * 1024);
  CHECK(p->open_fds >= 3);
  CHECK(p->threads >= 1);
  CHECK(p->uptime >= 0);
  CHECK(p->uptime < 3600);
  CHECK(p->start_time > 1.6e9);
  text_writer w;
  render_process(w);
  auto s = parse_exposition(w.text());
  CHECK(s["actorgate_build_info{version=\"" + std::string(build_version()) + "\"}"] == "1");
  CHECK(build_version() == ACTORGATE_EXPECTED_VERSION);
  CHECK(s.count("actorgate_process_open_fds") == 1);
}
