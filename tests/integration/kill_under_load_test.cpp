// The backend is killed (SIGKILL) in the middle of load and restarted: every
// request gets an answer (200 with its own body, or 502/503/504), none is
// lost or wrong, and 200s come back within two seconds of the restart.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;
using namespace std::chrono;
using namespace std::chrono_literals;

TEST_CASE("backend killed under load: 0 wrong, 0 lost, back within 2 s") {
  std::optional<backend_process> backend{std::in_place};
  const auto backend_port = backend->port;
  gateway_process gateway{backend_port};

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed_fast{0}, wrong{0}, lost{0};
  std::mutex first_ok_mutex;
  std::optional<steady_clock::time_point> first_ok_after_restart;
  std::atomic<bool> restarted{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 12; ++t)
    clients.emplace_back([&, t] {
      std::optional<http_client> c;
      for (int i = 0; !stop; ++i) {
        std::string msg = "t" + std::to_string(t) + "-" + std::to_string(i);
        try {
          if (!c)
            c.emplace(gateway.port);
          auto r = c->get("/echo?msg=" + msg);
          if (r.status == 200 && r.body == "{\"msg\":\"" + msg + "\"}") {
            ++ok;
            if (restarted) {
              std::lock_guard<std::mutex> g{first_ok_mutex};
              if (!first_ok_after_restart)
                first_ok_after_restart = steady_clock::now();
            }
          } else if ((r.status == 502 || r.status == 503 || r.status == 504) &&
                     r.body.find("\"error\":") != std::string::npos) {
            ++failed_fast;
          } else {
            ++wrong;
          }
        } catch (const std::exception&) {
          ++lost;
          c.reset();
        }
      }
    });

  std::this_thread::sleep_for(700ms);
  int before_kill = ok;
  backend->proc.signal(SIGKILL);
  REQUIRE(backend->proc.wait(5s));
  backend.reset();
  std::this_thread::sleep_for(700ms);
  backend.emplace(
      std::vector<std::string>{"--compute-server.port=" + std::to_string(backend_port)});
  auto restart = steady_clock::now();
  restarted = true;
  std::this_thread::sleep_for(2500ms);
  stop = true;
  for (auto& c : clients)
    c.join();

  MESSAGE("ok " << ok.load() << " (before the kill " << before_kill << "), 502/503/504 "
                << failed_fast.load() << ", wrong " << wrong.load() << ", lost " << lost.load());
  CHECK(before_kill > 0);
  CHECK(failed_fast > 0); // the outage was seen
  CHECK(wrong == 0);
  CHECK(lost == 0);
  REQUIRE(first_ok_after_restart.has_value());
  auto back_after = duration_cast<milliseconds>(*first_ok_after_restart - restart);
  MESSAGE("first 200 " << back_after.count() << " ms after the restart");
  CHECK(back_after < 2000ms);
}
