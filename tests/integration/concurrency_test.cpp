#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;

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
