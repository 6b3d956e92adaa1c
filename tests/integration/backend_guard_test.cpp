// The backend protects its memory and its per-connection threads from
// hostile or idle clients; the gateway copes with connections the backend
// closed.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <string>

#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"

using namespace actorgate::test;
using namespace std::chrono_literals;

namespace {

long peak_rss_kb(pid_t pid) {
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0)
      return std::stol(line.substr(6));
  return -1;
}

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// A framed TBinaryProtocol call of echo whose string field declares `len`
// bytes but carries none.
std::string hostile_echo(std::uint32_t len) {
  std::string msg = be32(0x80010001) + be32(4) + "echo" + be32(1); // CALL "echo" seqid 1
  msg += std::string("\x0b\x00\x01", 3) + be32(len);               // field 1: string, length
  return be32(static_cast<std::uint32_t>(msg.size())) + msg;
}

// A well-formed framed call of echo(payload).
std::string echo_call(const std::string& payload) {
  std::string msg = be32(0x80010001) + be32(4) + "echo" + be32(1);
  msg += std::string("\x0b\x00\x01", 3) + be32(static_cast<std::uint32_t>(payload.size()));
  msg += payload + std::string(1, '\0'); // field stop
  return be32(static_cast<std::uint32_t>(msg.size())) + msg;
}

} // namespace

TEST_CASE("a declared 2 GiB string does not make the backend allocate it") {
  backend_process backend;
  gateway_process gateway{backend.port};
  auto before = peak_rss_kb(backend.proc.pid());
  REQUIRE(before > 0);
  for (int i = 0; i < 4; ++i)
    raw_exchange(backend.port, hostile_echo(0x7fffffff), 2s);
  auto after = peak_rss_kb(backend.proc.pid());
  MESSAGE("backend peak RSS " << before << " kB -> " << after << " kB");
  CHECK(after - before < 100 * 1024);
  CHECK(http_get(gateway.port, "/echo?msg=still-fine").status == 200);
}

TEST_CASE("a frame over the backend's max-frame-bytes closes that connection only") {
  backend_process backend{{"--compute-server.max-frame-bytes=4096"}};
  gateway_process gateway{backend.port};
  REQUIRE(http_get(gateway.port, "/echo?msg=before").status == 200);
  auto before = peak_rss_kb(backend.proc.pid());
  // A frame announcing 1 GiB, and one just over the limit with a real call.
  auto got = raw_exchange(backend.port, be32(1u << 30) + "xxxx", 2s);
  CHECK(got.empty()); // closed without an answer
  CHECK(raw_exchange(backend.port, echo_call(std::string(5000, 'a')), 2s).empty());
  // The same call within the limit is answered (the reply carries the text).
  CHECK(raw_exchange(backend.port, echo_call(std::string(3000, 'a')), 2s)
            .find(std::string(3000, 'a')) != std::string::npos);
  auto after = peak_rss_kb(backend.proc.pid());
  CHECK(after - before < 100 * 1024);
  CHECK(http_get(gateway.port, "/echo?msg=after").status == 200);
  // Within the limit, a long message is served.
  CHECK(http_get(gateway.port, "/echo?msg=" + std::string(3000, 'b')).status == 200);
}

TEST_CASE("the backend closes idle connections and the gateway reconnects without an error") {
  backend_process backend{{"--compute-server.recv-timeout=200ms"}};
  gateway_process gateway{backend.port};
  // A raw client that connects and says nothing is dropped.
  auto start = std::chrono::steady_clock::now();
  auto got = raw_exchange(backend.port, "", 3s);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(got.empty());
  CHECK(took < 2s);
  // The gateway's pooled connections were closed by the backend meanwhile:
  // the next calls notice and reconnect instead of failing.
  http_client c{gateway.port};
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 10; ++i)
      CHECK(c.get("/echo?msg=r" + std::to_string(round)).status == 200);
    std::this_thread::sleep_for(400ms);
  }
}

TEST_CASE("a request whose body is still arriving at SIGTERM is answered") {
  backend_process backend;
  gateway_process gateway{backend.port, {"--http.shutdown-grace=5s"}};
  raw_connection conn{gateway.port};
  conn.send("POST /ping HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
  std::this_thread::sleep_for(100ms);
  gateway.proc.signal(SIGTERM);
  std::this_thread::sleep_for(200ms);
  conn.send("world");
  auto answer = conn.read_all(3s);
  CHECK(answer.rfind("HTTP/1.1 405", 0) == 0);
  CHECK(answer.find("Connection: close") != std::string::npos);
  auto rc = gateway.proc.wait(10s);
  REQUIRE(rc.has_value());
  CHECK(*rc == 0);
}
