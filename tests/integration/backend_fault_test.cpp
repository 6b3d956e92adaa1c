// The backend goes away and comes back; the gateway answers fast meanwhile
// and recovers without a restart.
#include <doctest/doctest.h>

#include <csignal>
#include <optional>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wait.hpp"

using namespace actorgate::test;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {} // namespace

TEST_CASE("backend down -> 502/503 within a second and back up -> 200 without a restart") {
  std::optional<backend_process> backend{std::in_place};
  const auto backend_port = backend->port;
  gateway_process gateway{backend_port};
  http_client c{gateway.port};
  REQUIRE(c.get("/echo?msg=up").status == 200);

  backend->proc.signal(SIGKILL);
  REQUIRE(backend->proc.wait(5s));
  backend.reset();

  for (int i = 0; i < 20; ++i) {
    auto start = steady_clock::now();
    auto r = c.get("/echo?msg=down");
    auto took = elapsed_since(start);
    CHECK((r.status == 502 || r.status == 503));
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.body.find("\"error\":") != std::string::npos);
    CHECK(took < 1000ms);
    // Light requests go on being served while the backend is gone.
    CHECK(c.get("/ping").body == "pong");
  }

  backend.emplace(
      std::vector<std::string>{"--compute-server.port=" + std::to_string(backend_port)});
  REQUIRE(backend->port == backend_port);
  auto start = steady_clock::now();
  unsigned status = 0;
  while (elapsed_since(start) < 5s) {
    status = c.get("/echo?msg=back").status;
    if (status == 200)
      break;
    std::this_thread::sleep_for(20ms);
  }
  CHECK(status == 200);
  MESSAGE("recovered " << elapsed_since(start).count() << " ms after the backend returned");
  // Every worker reconnects: a burst larger than the pool succeeds.
  for (int i = 0; i < 40; ++i)
    CHECK(c.get("/echo?msg=n" + std::to_string(i)).status == 200);
}

TEST_CASE("no backend at all from the start -> 503 fast /ping fine") {
  // A port with nothing listening: bind and release one.
  std::uint16_t dead_port;
  {
    backend_process b;
    dead_port = b.port;
    b.proc.signal(SIGKILL);
    b.proc.wait(5s);
  }
  gateway_process gateway{dead_port};
  http_client c{gateway.port};
  for (int i = 0; i < 10; ++i) {
    auto start = steady_clock::now();
    auto r = c.get("/work?us=10");
    CHECK(r.status == 503);
    CHECK(elapsed_since(start) < 1000ms);
  }
  CHECK(c.get("/ping").status == 200);
}
