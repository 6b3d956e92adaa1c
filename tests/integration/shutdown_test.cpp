// SIGTERM: stop accepting, finish what is in flight, exit 0.
#include <doctest/doctest.h>

#include <csignal>
#include <future>
#include <memory>
#include <vector>

#include "apps/work.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;

TEST_CASE("SIGTERM during in-flight requests: they complete the gateway exits 0") {
  backend_process backend;
  gateway_process gateway{backend.port, {"--http.shutdown-grace=5s"}};
  http_client idle{gateway.port};
  REQUIRE(idle.get("/ping").status == 200);

  std::vector<std::future<http_reply>> inflight;
  for (int i = 0; i < 4; ++i)
    inflight.push_back(
        std::async(std::launch::async, [&] { return http_get(gateway.port, "/work?us=400000"); }));
  std::this_thread::sleep_for(150ms);
  gateway.proc.signal(SIGTERM);

  for (auto& f : inflight) {
    auto r = f.get();
    CHECK(r.status == 200);
    CHECK(r.body == "{\"checksum\":" + std::to_string(compute::work_checksum(400000)) + "}");
    CHECK_FALSE(r.keep_alive); // the answer announces the close
  }
  auto rc = gateway.proc.wait(10s);
  REQUIRE(rc.has_value());
  CHECK(*rc == 0);
  CHECK(gateway.proc.output().find("draining") != std::string::npos);
  // The listener is gone.
  CHECK_THROWS(http_get(gateway.port, "/ping"));
}

TEST_CASE("SIGTERM on an idle gateway and backend: both exit 0 promptly") {
  backend_process backend;
  gateway_process gateway{backend.port};
  REQUIRE(http_get(gateway.port, "/echo?msg=x").status == 200);
  gateway.proc.signal(SIGTERM);
  backend.proc.signal(SIGTERM);
  auto g = gateway.proc.wait(5s);
  auto b = backend.proc.wait(5s);
  REQUIRE(g.has_value());
  REQUIRE(b.has_value());
  CHECK(*g == 0);
  CHECK(*b == 0);
}

TEST_CASE("a bad option stops the gateway with exit code 2") {
  process p{gateway_binary(), {"--config-file=/dev/null", "--http.port=70000"}};
  auto rc = p.wait(10s);
  REQUIRE(rc.has_value());
  CHECK(*rc == 2);
  process b{backend_binary(), {"--config-file=/dev/null", "--compute-server.threads=0"}};
  auto brc = b.wait(10s);
  REQUIRE(brc.has_value());
  CHECK(*brc == 2);
}

TEST_CASE("SIGTERM just as idle connections time out: the gateway exits 0") {
  // The drain and the idle timeout meet on the same connections: a
  // connection's watchdog may have closed its socket just before the drain
  // cancels the read that waits on it.
  backend_process backend;
  for (auto after : {180ms, 195ms, 200ms, 205ms, 210ms, 220ms}) {
    CAPTURE(after.count());
    gateway_process gateway{backend.port, {"--http.idle-timeout=200ms"}};
    std::vector<std::unique_ptr<raw_connection>> idle;
    for (int i = 0; i < 300; ++i)
      idle.push_back(std::make_unique<raw_connection>(gateway.port));
    std::this_thread::sleep_for(after);
    gateway.proc.signal(SIGTERM);
    auto rc = gateway.proc.wait(10s);
    REQUIRE(rc.has_value());
    CHECK(*rc == 0);
  }
}
