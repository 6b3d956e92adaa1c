// Deadlines and the pool's bounded queue, through the whole pipeline.
#include <doctest/doctest.h>

#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/actors/reply_handle.hpp"
#include "actorgate/actors/request.hpp"
#include "actorgate/actors/response.hpp"
#include "actorgate/http/route_table.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/in_process_server.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;
using namespace std::chrono;
using namespace std::chrono_literals;

TEST_CASE("a request past its deadline gets 504 and the gateway goes on") {
  backend_process backend;
  // Not much shorter: the /echo below, which may connect a worker, must meet
  // it on a loaded machine under a sanitizer.
  gateway_process gateway{backend.port, {"--http.request-timeout=600ms"}};
  http_client c{gateway.port};
  auto start = steady_clock::now();
  auto r = c.get("/work?us=1000000");
  auto took = duration_cast<milliseconds>(steady_clock::now() - start);
  CHECK(r.status == 504);
  CHECK(r.header("content-type") == "application/json");
  CHECK(took >= 550ms);
  // The 504 itself says the deadline, not the end of the call, answered;
  // this bound only says it came in good time, with room for a slow machine.
  CHECK(took < 1500ms);
  CHECK(c.get("/ping").status == 200);
  // The worker's call was cut at the deadline too: the pool serves again.
  auto after = c.get("/echo?msg=after");
  CHECK(after.status == 200);
}

TEST_CASE("a full pool queue answers 503 with Retry-After at once") {
  backend_process backend;
  gateway_process gateway{backend.port,
                          {"--backend.pool-size=1", "--backend.queue-size=1",
                           "--http.request-timeout=30s", "--backend.call-timeout=30s"}};
  // One call runs, one waits in the queue, the third finds the queue full.
  std::vector<std::future<http_reply>> slow;
  for (int i = 0; i < 2; ++i) {
    slow.push_back(
        std::async(std::launch::async, [&] { return http_get(gateway.port, "/work?us=400000"); }));
    std::this_thread::sleep_for(50ms);
  }
  auto start = steady_clock::now();
  auto r = http_get(gateway.port, "/work?us=10");
  auto took = duration_cast<milliseconds>(steady_clock::now() - start);
  CHECK(r.status == 503);
  CHECK(r.header("retry-after") == "1");
  CHECK(took < 200ms);
  for (auto& f : slow)
    CHECK(f.get().status == 200);
  CHECK(http_get(gateway.port, "/work?us=10").status == 200);
}

TEST_CASE("a low open-file limit caps the connections and the gateway goes on serving") {
  backend_process backend;
  // prlimit execs the gateway with at most 256 open files.
  process gw{"/usr/bin/prlimit",
             {"--nofile=256:256", gateway_binary(), "--config-file=/dev/null", "--http.port=0",
              "--backend.port=" + std::to_string(backend.port), "--backend.pool-size=2"},
             stderr_to::output};
  auto port = gw.wait_for_port();
  REQUIRE(port != 0);
  CHECK(gw.output().find("does not fit the open-file limit (256); serving at most 128") !=
        std::string::npos);
  std::vector<std::unique_ptr<raw_connection>> conns;
  for (int i = 0; i < 200; ++i)
    conns.push_back(std::make_unique<raw_connection>(port));
  std::this_thread::sleep_for(200ms);
  for (auto& c : conns) {
    try {
      c->send("GET /ping HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    } catch (const std::exception&) {
      // a connection closed at accept may already have been reset
    }
  }
  int answered = 0, refused = 0;
  for (auto& c : conns) {
    auto got = c->read_all(2s);
    if (got.rfind("HTTP/1.1 200", 0) == 0)
      ++answered;
    else if (got.empty())
      ++refused;
  }
  CHECK(answered == 128);
  CHECK(refused == 72);
  conns.clear();
  // Nothing leaked: with every connection closed, new ones are served.
  std::this_thread::sleep_for(200ms);
  for (int i = 0; i < 5; ++i)
    CHECK(http_get(port, "/ping").body == "pong");
  stop_and_check(gw, "actorgate-server");
}

TEST_CASE("a client sending its header one byte at a time is cut off at the read timeout") {
  backend_process backend;
  gateway_process gateway{backend.port, {"--http.read-timeout=600ms", "--http.idle-timeout=5s"}};
  raw_connection slow{gateway.port};
  const std::string request = "GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(100, 'z');
  auto start = steady_clock::now();
  bool cut = false;
  for (char ch : request) {
    try {
      slow.send(std::string(1, ch));
    } catch (const std::exception&) {
      cut = true;
      break;
    }
    // Others are served while the slow one trickles in.
    if (ch == 'z')
      CHECK(http_get(gateway.port, "/ping").status == 200);
    std::this_thread::sleep_for(20ms);
    if (steady_clock::now() - start > 3s)
      break;
  }
  auto rest = slow.read_all(2s); // returns at the close
  auto took = duration_cast<milliseconds>(steady_clock::now() - start);
  CHECK((cut || rest.empty() || rest.rfind("HTTP/1.1 408", 0) == 0));
  CHECK(took < 3s);
  MESSAGE("slow client cut after " << took.count() << " ms");
}

TEST_CASE("an idle keep-alive connection is closed after the idle timeout") {
  backend_process backend;
  gateway_process gateway{backend.port, {"--http.idle-timeout=300ms"}};
  raw_connection c{gateway.port};
  c.send("GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
  auto start = steady_clock::now();
  auto got = c.read_all(3s); // the answer, then the close after 300 ms idle
  auto took = duration_cast<milliseconds>(steady_clock::now() - start);
  CHECK(got.rfind("HTTP/1.1 200", 0) == 0);
  CHECK(took >= 250ms);
  CHECK(took < 2s);
}

TEST_CASE("a client that stops reading its answers is cut off at the write timeout") {
  backend_process backend;
  gateway_process gateway{backend.port, {"--http.admin-path=/admin", "--http.write-timeout=300ms"}};
  // 2000 pipelined requests for the 12 KB admin page: 24 MB of answers,
  // far beyond what the socket buffers hold for a client that reads nothing.
  const int requests = 2000;
  std::string pipeline;
  for (int i = 0; i < requests; ++i)
    pipeline += "GET /admin HTTP/1.1\r\nHost: x\r\n\r\n";
  raw_connection stalled{gateway.port};
  stalled.send(pipeline);
  // The gateway's write stalls, times out, and the connection closes, all
  // while the client reads nothing.
  CHECK(stalled.wait_closed(4s));
  CHECK(http_get(gateway.port, "/ping").status == 200);
  auto got = stalled.read_all(5s); // what the buffers held
  std::size_t answers = 0;
  for (auto at = got.find("HTTP/1.1 200"); at != std::string::npos;
       at = got.find("HTTP/1.1 200", at + 1))
    ++answers;
  CHECK(answers > 0);
  CHECK(answers < requests);
  MESSAGE(answers << " answers of " << requests << " reached the stalled client");
}

TEST_CASE("the session's own deadline holds on a keep-alive connection after an idle wait") {
  // A route actor that keeps every handle and never answers: only the
  // session's watchdog can give the 504.
  auto opts = in_process_server::defaults();
  opts.request_timeout = 800ms;
  opts.read_timeout = 500ms; // the watchdog's step: shorter than the deadline
  in_process_server fx{opts};
  auto held = std::make_shared<std::vector<actorgate::reply_handle>>();
  auto silent = actorgate::spawn_hosted(fx.sys, fx.server.host(), [held](caf::event_based_actor*) {
    return caf::behavior{[held](actorgate::handle_atom, const actorgate::request&,
                                const actorgate::reply_handle& h) { held->push_back(h); }};
  });
  auto quick = actorgate::spawn_hosted(fx.sys, fx.server.host(), [](caf::event_based_actor*) {
    return caf::behavior{
        [](actorgate::handle_atom, const actorgate::request&, const actorgate::reply_handle& h) {
          h.answer(actorgate::response::text(200, "quick"));
        }};
  });
  auto routes = std::make_shared<actorgate::http::route_table>();
  routes->add(actorgate::method::get, "/silent", silent);
  routes->add(actorgate::method::get, "/quick", quick);
  auto port = fx.server.start(routes);
  {
    http_client c{port};
    auto times_out = [&] {
      auto start = steady_clock::now();
      auto r = c.get("/silent");
      auto took = duration_cast<milliseconds>(steady_clock::now() - start);
      CHECK(r.status == 504);
      CHECK(r.body.find("deadline passed before the answer") != std::string::npos);
      CHECK(took >= 750ms);
      CHECK(took < 2s);
    };
    for (int i = 0; i < 3; ++i)
      CHECK(c.get("/quick").body == "quick");
    // Longer than a step: the watchdog wakes while the connection is idle and
    // waits for the whole idle timeout; the request must bring it forward.
    std::this_thread::sleep_for(700ms);
    times_out();
    // The same connection goes on, and so does its next deadline.
    CHECK(c.get("/quick").body == "quick");
    times_out();
  }
  fx.finish({silent, quick});
}
