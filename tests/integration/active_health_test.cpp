// Active health checks: with no traffic at all, ejection, the circuit and
// GET /ready follow a backend that dies and one that comes back, against the
// real gateway and backend processes; and a check is a connect closed at once
// that takes no worker.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actorgate/rpc/typed_pool.hpp"
#include "compute/Compute.h"
#include "tests/support/exposition.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wait.hpp"

using namespace actorgate;
using namespace actorgate::test;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

// Polls GET /ready every 5 ms until it answers `status`; how long that took,
// or nullopt if it did not within `limit`.
std::optional<milliseconds> ready_turns(http_client& c, unsigned status, milliseconds limit) {
  auto start = steady_clock::now();
  while (elapsed_since(start) < limit) {
    if (c.get("/ready").status == status)
      return elapsed_since(start);
    std::this_thread::sleep_for(5ms);
  }
  return std::nullopt;
}

std::string endpoint_series(const std::string& name, std::uint16_t port) {
  return name + "{pool=\"backend\",endpoint=\"127.0.0.1:" + std::to_string(port) + "\"}";
}

// A loopback listener that never accepts on its own: the test looks at what
// the pool's checks left in its accept queue.
class listener {
public:
  listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 64) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~listener() { ::close(fd_); }
  bool pending() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
  }
  int accept_now() { return pending() ? ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC) : -1; }
  std::uint16_t port = 0;

private:
  int fd_ = -1;
};

struct pool_in_process {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::shared_ptr<rpc::pool_stats> stats = std::make_shared<rpc::pool_stats>();
  rpc::typed_pool<compute::ComputeClient> pool;

  pool_in_process(std::uint16_t port, milliseconds interval) {
    rpc::pool_options opts;
    opts.workers = 2;
    opts.endpoints.front().port = port;
    opts.health.check_interval = interval;
    opts.stats = stats;
    pool = rpc::spawn_typed_pool<compute::ComputeClient>(sys, opts);
  }
  ~pool_in_process() { caf::anon_send_exit(pool.actor(), caf::exit_reason::user_shutdown); }
};

} // namespace

TEST_CASE("with no traffic, /ready follows a killed backend and its return within three "
          "health intervals") {
  std::optional<backend_process> backend{std::in_place};
  const auto port = backend->port;
  // Probes come back only after 30 to 60 s: what brings the endpoint back
  // within the test can only be a check.
  gateway_process gateway{port,
                          {"--backend.health-interval=200ms", "--backend.backoff-initial=60s",
                           "--backend.backoff-max=60s"}};
  http_client c{gateway.port};
  REQUIRE(c.get("/ready").status == 200);
  // A few checks go by: they take no worker and count no call.
  std::this_thread::sleep_for(300ms);
  auto before = parse_exposition(c.get("/metrics").body);
  CHECK(before["actorgate_pool_worker_wakeups_total{pool=\"backend\"}"] == "0");
  CHECK(before["actorgate_pool_calls_total{pool=\"backend\"}"] == "0");
  CHECK(before[endpoint_series("actorgate_pool_endpoint_health_check_failures_total", port)] ==
        "0");

  backend->proc.signal(SIGKILL);
  REQUIRE(backend->proc.wait(5s));
  auto to_503 = ready_turns(c, 503, 5s);
  REQUIRE(to_503);
  MESSAGE("backend killed -> /ready 503 after " << to_503->count() << " ms");
  CHECK(*to_503 < 600ms);
  auto ready = c.get("/ready");
  CHECK(ready.body == R"({"pools":{"backend":"every endpoint ejected"},"status":"not ready"})");
  auto down = parse_exposition(c.get("/metrics").body);
  CHECK(down["actorgate_pool_circuit_open{pool=\"backend\"}"] == "1");
  CHECK(down[endpoint_series("actorgate_pool_endpoint_health_check_failures_total", port)] != "0");
  backend.reset();

  backend.emplace(std::vector<std::string>{"--compute-server.port=" + std::to_string(port)});
  REQUIRE(backend->port == port);
  auto to_200 = ready_turns(c, 200, 5s);
  REQUIRE(to_200);
  MESSAGE("backend back -> /ready 200 after " << to_200->count() << " ms");
  CHECK(*to_200 < 600ms);
  CHECK(c.get("/echo?msg=back").status == 200);
  auto up = parse_exposition(c.get("/metrics").body);
  CHECK(up["actorgate_pool_circuit_open{pool=\"backend\"}"] == "0");
  // No probe ran (they were 30 s away): only the echo woke a worker.
  CHECK(up["actorgate_pool_worker_wakeups_total{pool=\"backend\"}"] == "1");
}

TEST_CASE("health checks are on by default: /ready follows a killed backend within three "
          "seconds") {
  std::optional<backend_process> backend{std::in_place};
  gateway_process gateway{backend->port};
  http_client c{gateway.port};
  REQUIRE(c.get("/ready").status == 200);
  backend->proc.signal(SIGKILL);
  REQUIRE(backend->proc.wait(5s));
  backend.reset();
  auto to_503 = ready_turns(c, 503, 5s);
  REQUIRE(to_503);
  MESSAGE("default interval: backend killed -> /ready 503 after " << to_503->count() << " ms");
  CHECK(*to_503 < 3000ms);
}

TEST_CASE("checks hold no backend thread: a pool as large as the backend's threads goes on "
          "serving") {
  backend_process backend{{"--compute-server.threads=2"}};
  gateway_process gateway{backend.port,
                          {"--backend.pool-size=2", "--backend.health-interval=50ms",
                           "--backend.call-timeout=2s", "--backend.retries=0"}};
  // Both workers' connections open, each holding one of the two backend
  // threads; then checks go on while the pool is idle.
  std::vector<std::thread> both;
  for (int i = 0; i < 2; ++i)
    both.emplace_back([&] { CHECK(http_get(gateway.port, "/work?us=100000").status == 200); });
  for (auto& t : both)
    t.join();
  std::this_thread::sleep_for(500ms);
  http_client c{gateway.port};
  CHECK(c.get("/ready").status == 200);
  for (int i = 0; i < 10; ++i) {
    auto start = steady_clock::now();
    CHECK(c.get("/echo?msg=x").status == 200);
    CHECK(elapsed_since(start) < 500ms);
  }
  auto s = parse_exposition(c.get("/metrics").body);
  CHECK(s["actorgate_pool_errors_total{pool=\"backend\",kind=\"exhausted\"}"] == "0");
  CHECK(s[endpoint_series("actorgate_pool_endpoint_health_check_failures_total", backend.port)] ==
        "0");
}

TEST_CASE("a pool's check is a connect closed at once, made without a worker") {
  listener l;
  pool_in_process fx{l.port, 20ms};
  // The first round goes at once, then one every 20 ms.
  REQUIRE(wait_until([&] { return l.pending(); }));
  std::this_thread::sleep_for(100ms);
  int seen = 0;
  for (int c; (c = l.accept_now()) >= 0; ++seen) {
    // Closed by the pool already: EOF at once, no byte sent.
    char byte;
    pollfd p{c, POLLIN, 0};
    CHECK(::poll(&p, 1, 1000) == 1);
    CHECK(::recv(c, &byte, 1, 0) == 0);
    ::close(c);
  }
  MESSAGE(seen << " checks in about 100 ms at a 20 ms interval");
  CHECK(seen >= 3);
  CHECK(fx.stats->wakeups.load() == 0);
  CHECK(fx.stats->endpoints[0]->calls.load() == 0);
  CHECK(fx.stats->endpoints[0]->state.load() == rpc::endpoint_state::healthy);
}

TEST_CASE("health-interval 0 turns the checks off") {
  listener l;
  SUBCASE("off") {
    pool_in_process fx{l.port, 0ms};
    std::this_thread::sleep_for(100ms);
    CHECK_FALSE(l.pending());
  }
  SUBCASE("on, for comparison") {
    pool_in_process fx{l.port, 20ms};
    CHECK(wait_until([&] { return l.pending(); }, 1000ms));
  }
}

TEST_CASE("a refused check ejects at once and opens the circuit, in process") {
  std::uint16_t dead;
  {
    listener l;
    dead = l.port;
  }
  pool_in_process fx{dead, 50ms};
  auto start = steady_clock::now();
  REQUIRE(wait_until([&] { return fx.stats->circuit_open.load(); }, 2000ms));
  MESSAGE("ejected " << elapsed_since(start).count() << " ms after the pool started");
  CHECK(fx.stats->endpoints[0]->state.load() != rpc::endpoint_state::healthy);
  CHECK(fx.stats->endpoints[0]->failed_checks.load() >= 1);
  CHECK_FALSE(fx.stats->ready());
}
