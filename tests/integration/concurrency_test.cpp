#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/exposition.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wait.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;

namespace {

struct pool_counts {
  std::uint64_t calls = 0;
  std::uint64_t wakeups = 0;
};

// `clients` connections each making `per_client` calls of `target` one after
// the other; then the backend pool's counters.
pool_counts call_stream(std::uint16_t port, int clients, int per_client,
                        const std::string& target) {
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t)
    threads.emplace_back([&] {
      http_client c{port};
      for (int i = 0; i < per_client; ++i)
        if (c.get(target).status != 200)
          ++failed;
    });
  for (auto& t : threads)
    t.join();
  CHECK(failed.load() == 0);
  auto s = parse_exposition(http_get(port, "/metrics").body);
  return {std::stoull(s["actorgate_pool_calls_total{pool=\"backend\"}"]),
          std::stoull(s["actorgate_pool_worker_wakeups_total{pool=\"backend\"}"])};
}

} // namespace

TEST_CASE("500 concurrent requests over 50 connections each get their own answer") {
  backend_process backend;
  gateway_process gateway{backend.port};
  constexpr int connections = 50;
  constexpr int per_connection = 10;
  std::atomic<int> ok{0};
  std::atomic<int> wrong{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c)
    clients.emplace_back([&, c] {
      try {
        http_client client{gateway.port};
        for (int i = 0; i < per_connection; ++i) {
          // Mix routes so backend calls and actor-only answers interleave.
          std::string msg = "c" + std::to_string(c) + "-r" + std::to_string(i) + "-%C3%A9";
          auto r = client.get(i % 3 == 2 ? "/ping" : "/echo?msg=" + msg);
          std::string want = i % 3 == 2 ? "pong"
                                        : "{\"msg\":\"c" + std::to_string(c) + "-r" +
                                              std::to_string(i) + "-\xC3\xA9\"}";
          if (r.status == 200 && r.body == want)
            ++ok;
          else
            ++wrong;
        }
      } catch (const std::exception&) {
        ++failed;
      }
    });
  for (auto& t : clients)
    t.join();
  CHECK(wrong == 0);
  CHECK(failed == 0);
  CHECK(ok == connections * per_connection);
}

TEST_CASE("two IO threads: concurrent requests over many connections each get their own answer") {
  backend_process backend;
  gateway_process gateway{backend.port, {"--http.io-threads=2"}};
  std::vector<std::thread> clients;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 8; ++t)
    clients.emplace_back([&, t] {
      http_client c{gateway.port};
      for (int i = 0; i < 25; ++i) {
        auto msg = std::to_string(t) + "-" + std::to_string(i);
        auto r = c.get("/echo?msg=" + msg);
        if (r.status != 200 || r.body != "{\"msg\":\"" + msg + "\"}")
          ++wrong;
        if (c.get("/ping").body != "pong")
          ++wrong;
      }
    });
  for (auto& t : clients)
    t.join();
  CHECK(wrong.load() == 0);
  for (const char* path : {"/health", "/ready", "/metrics"})
    CHECK(http_get(gateway.port, path).status == 200);
}

TEST_CASE("short calls go from call to call on busy workers instead of waking one per call") {
  backend_process backend;
  // 50 ms: far above a call of 3 ms of backend CPU, so the pool lets calls
  // wait for a busy worker while one is busy.
  gateway_process chained{backend.port, {"--backend.chain-wait-us=50000"}};
  gateway_process eager{backend.port, {"--backend.chain-wait-us=0"}};
  constexpr int clients = 8, per_client = 30;
  auto a = call_stream(chained.port, clients, per_client, "/work?us=3000");
  auto b = call_stream(eager.port, clients, per_client, "/work?us=3000");
  CHECK(a.calls == clients * per_client);
  CHECK(b.calls == clients * per_client);
  MESSAGE("wake-ups for " << a.calls << " calls: " << a.wakeups << " chained, " << b.wakeups
                          << " with chain-wait-us=0");
  // Chained, a worker is woken only when none is busy: the calls, much
  // longer than the gateway's own work per request, keep one busy. Eagerly,
  // whenever a call arrives while a worker sleeps, which with 8 clients and
  // 8 workers is nearly always.
  CHECK(a.wakeups * 4 < b.wakeups);
  CHECK(b.wakeups * 2 > b.calls);
}

namespace {

// How long an /echo takes, through a gateway with `chain_wait_us`, while a
// call of 1 s of backend CPU, begun `after` earlier, runs on another
// connection. Short calls first, so that the pool knows their pace.
std::chrono::steady_clock::duration echo_beside_slow_call(const std::string& chain_wait_us,
                                                          std::chrono::milliseconds after) {
  backend_process backend;
  // Timeouts far above the slow call's 1 s: under sanitizers and a loaded
  // machine its CPU second can take many seconds of wall time.
  gateway_process gateway{backend.port,
                          {"--backend.chain-wait-us=" + chain_wait_us, "--http.request-timeout=60s",
                           "--backend.call-timeout=60s"}};
  http_client c{gateway.port};
  for (int i = 0; i < 20; ++i)
    REQUIRE(c.get("/echo?msg=warm").status == 200);
  std::thread slow([&] {
    CHECK(http_client{gateway.port}.request("GET", "/work?us=1000000", 60s).status == 200);
  });
  std::this_thread::sleep_for(after);
  auto t0 = std::chrono::steady_clock::now();
  auto r = c.get("/echo?msg=quick");
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(r.status == 200);
  slow.join();
  MESSAGE("the echo took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                           << " ms");
  return took;
}

} // namespace

TEST_CASE("a short call does not wait for a worker whose call has run long") {
  // The slow call has run 100 ms, far past chain-wait (1 ms): its worker is
  // not counted on, and the echo goes to a sleeping worker at once. Behind
  // the slow call it would take the rest of its second.
  CHECK(echo_beside_slow_call("1000", 100ms) < 500ms);
}

TEST_CASE("a call waiting for a worker whose call turns out long goes to a sleeping one") {
  // The slow call began 10 ms before the echo, well within chain-wait
  // (50 ms): at the pace of the warm-up the echo waits for its worker, until
  // the pool looks again 50 ms later and sees that call has run too long.
  CHECK(echo_beside_slow_call("50000", 10ms) < 500ms);
}

namespace {

// The gateway's /metrics series the tests below watch, read afresh each time
// (~0 for a series not there).
struct gateway_metrics {
  std::uint16_t port;

  std::uint64_t read(const std::string& series) const {
    auto v = scrape_series(port, series);
    return v ? std::stoull(*v) : ~std::uint64_t{0};
  }
  std::uint64_t busy() const { return read("actorgate_pool_busy_workers{pool=\"backend\"}"); }
  std::uint64_t depth() const { return read("actorgate_pool_queue_depth{pool=\"backend\"}"); }
  std::uint64_t calls() const { return read("actorgate_pool_calls_total{pool=\"backend\"}"); }
  std::uint64_t errors(const std::string& kind) const {
    return read("actorgate_pool_errors_total{pool=\"backend\",kind=\"" + kind + "\"}");
  }
  // The access log's and the metrics' view of a client that left: 499.
  std::uint64_t work_4xx() const {
    return read("actorgate_http_requests_total{route=\"/work\",method=\"GET\",code=\"4xx\"}");
  }
};

// One worker, so that calls wait behind long ones. A 200 ms read timeout
// makes the session look at its client every 200 ms instead of every second;
// the other timeouts are far above anything here (see echo_beside_slow_call).
std::vector<std::string> one_watchful_worker(std::vector<std::string> more = {}) {
  more.insert(more.begin(), {"--backend.pool-size=1", "--http.read-timeout=200ms",
                             "--http.request-timeout=60s", "--backend.call-timeout=60s"});
  return more;
}

// Where the call is when its client leaves: still queued (the pool drops
// it), or started for the busy worker in the ready list (the worker does).
enum class leave_while { queued, ready };

struct abandon_outcome {
  std::chrono::milliseconds gap; // from the long calls' end to the short call's
  bool dropped_at_once = false;  // counted within 700 ms of the first long call's end
};

// One worker with two calls of 1 s of backend CPU, one running, one waiting;
// behind them a call of 1 s whose client leaves; then a short call.
abandon_outcome abandon_behind_long_calls(leave_while when) {
  backend_process backend;
  gateway_process gateway{backend.port, one_watchful_worker()};
  gateway_metrics metrics{gateway.port};
  using clock = std::chrono::steady_clock;
  std::vector<clock::time_point> done(2);
  std::atomic<int> finished{0};
  std::vector<std::thread> long_calls;
  auto long_call = [&](std::size_t i) {
    long_calls.emplace_back([&, i] {
      CHECK(http_client{gateway.port}.request("GET", "/work?us=1000000", 60s).status == 200);
      done[i] = clock::now();
      ++finished;
    });
  };
  long_call(0);
  CHECK(wait_until([&] { return metrics.busy() == 1; }, 10s));
  long_call(1);
  CHECK(wait_until([&] { return metrics.depth() == 1; }, 10s));
  auto leaving = std::make_unique<raw_connection>(gateway.port);
  leaving->send("GET /work?us=1000000 HTTP/1.1\r\nHost: t\r\n\r\n");
  CHECK(wait_until([&] { return metrics.depth() == 2; }, 10s));
  abandon_outcome out;
  if (when == leave_while::ready) {
    // Once the first ends, the worker goes on with the second and the pool
    // starts the third for it.
    CHECK(wait_until([&] { return finished > 0; }, 30s));
    leaving.reset();
  } else {
    leaving.reset();
    CHECK(wait_until([&] { return finished > 0; }, 30s));
    // The pool drops it as it would have started it, a second before the
    // worker would take it.
    out.dropped_at_once = wait_until([&] { return metrics.errors("abandoned") == 1; }, 700ms);
  }
  // Behind the abandoned call: were that one run, this would wait for it.
  auto r = http_client{gateway.port}.request("GET", "/work?us=1000", 60s);
  auto last_done = clock::now();
  CHECK(r.status == 200);
  for (auto& t : long_calls)
    t.join();
  out.gap =
      std::chrono::duration_cast<std::chrono::milliseconds>(last_done - std::max(done[0], done[1]));
  MESSAGE("the short call ended " << out.gap.count() << " ms after the long ones");
  CHECK(metrics.errors("abandoned") == 1);
  CHECK(metrics.calls() == 4);
  CHECK(metrics.work_4xx() == 1);
  return out;
}

} // namespace

TEST_CASE("a queued call whose client has left is dropped unrun") {
  auto out = abandon_behind_long_calls(leave_while::queued);
  CHECK(out.dropped_at_once);
  CHECK(out.gap < 700ms);
}

TEST_CASE("a call in the ready list whose client has left is dropped unrun by its worker") {
  CHECK(abandon_behind_long_calls(leave_while::ready).gap < 700ms);
}

TEST_CASE("a client that half-closes after pipelining its requests still gets every answer") {
  backend_process backend;
  // The session looks at its client every 200 ms, well within the call.
  gateway_process gateway{backend.port, {"--http.read-timeout=200ms"}};
  raw_connection c{gateway.port};
  c.send("GET /work?us=500000 HTTP/1.1\r\nHost: t\r\n\r\n"
         "GET /ping HTTP/1.1\r\nHost: t\r\n\r\n");
  c.finish_sending();
  auto got = c.read_all(20s);
  CHECK(got.find("HTTP/1.1 200 OK\r\n") == 0);
  CHECK(got.find("checksum") != std::string::npos);
  CHECK(got.find("pong") != std::string::npos);
}

TEST_CASE("a full queue makes room by dropping a call whose client has left") {
  backend_process backend;
  // Room for one waiting call, which goes to the ready list.
  gateway_process gateway{backend.port, one_watchful_worker({"--backend.queue-size=1"})};
  gateway_metrics metrics{gateway.port};
  std::thread running([&] {
    CHECK(http_client{gateway.port}.request("GET", "/work?us=1000000", 60s).status == 200);
  });
  CHECK(wait_until([&] { return metrics.busy() == 1; }, 10s));
  {
    raw_connection leaving{gateway.port};
    leaving.send("GET /work?us=1000 HTTP/1.1\r\nHost: t\r\n\r\n");
    CHECK(wait_until([&] { return metrics.depth() == 1; }, 10s));
  }
  // The session has seen it leave once it logs the 499.
  CHECK(wait_until([&] { return metrics.work_4xx() == 1; }, 10s));
  // The queue is full, but of a call nobody waits for: this one takes its place.
  CHECK(http_client{gateway.port}.request("GET", "/work?us=1000", 60s).status == 200);
  running.join();
  CHECK(metrics.errors("abandoned") == 1);
  CHECK(metrics.errors("overloaded") == 0);
}
