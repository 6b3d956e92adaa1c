// DNS discovery against a real DNS server: dnsmasq serving a hosts file the
// test rewrites (SIGHUP re-reads it), compute-backends on 127.0.0.2, .3 and
// .4 on one port, and the gateway resolving dns:backends.test:PORT every
// 300 ms. Calls spread over what the name resolves to; an address added
// gets traffic, one removed gets no new calls and no request fails meanwhile;
// an empty answer or a dead DNS server keeps the last set.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <future>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "actorgate/rpc/discovery.hpp"
#include "tests/support/exposition.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/wait.hpp"

using namespace actorgate;
using namespace actorgate::test;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

std::string hosts(const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& a : addresses)
    out += a + " backends.test\n";
  return out;
}

struct dns_server {
  dns_server(const temp_dir& dir, const std::vector<std::string>& addresses)
      : file(dir.write("hosts", hosts(addresses))), port(free_port()),
        proc(find_program("dnsmasq"), args(file, port), stderr_to::output) {}

  static std::vector<std::string> args(const std::string& file, std::uint16_t port) {
    std::vector<std::string> a{"--keep-in-foreground", "--conf-file=/dev/null",
                               "--port=" + std::to_string(port), "--listen-address=127.0.0.1",
                               "--bind-interfaces", "--no-resolv", "--no-hosts",
                               "--addn-hosts=" + file, "--pid-file=", "--log-facility=-",
                               // Authoritative for .test: a name it does not hold is
                               // NXDOMAIN (an empty answer), not REFUSED for want of
                               // an upstream server.
                               "--local=/test/"};
    if (::geteuid() == 0)
      a.push_back("--user=root"); // else it drops to "nobody", who may not read the file
    return a;
  }
  // Writes the hosts file and has dnsmasq read it again (it also empties
  // its cache).
  void serve(const std::vector<std::string>& addresses) {
    std::FILE* f = std::fopen(file.c_str(), "w");
    REQUIRE(f);
    auto text = hosts(addresses);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    proc.signal(SIGHUP);
  }
  std::string servers() const { return "127.0.0.1:" + std::to_string(port); }

  std::string file;
  std::uint16_t port;
  process proc;
};

// What the name resolves to through the server, as the test sees it.
std::vector<std::string> lookup(const dns_server& dns) {
  std::atomic<bool> stop{false};
  auto a = rpc::resolve_names({"backends.test"}, dns.servers(), 200ms, stop);
  return a.at(0).ok ? a[0].addresses : std::vector<std::string>{};
}

std::string series(const std::string& name, const std::string& address, std::uint16_t port) {
  return name + "{pool=\"backend\",endpoint=\"" + address + ":" + std::to_string(port) + "\"}";
}

// Calls the endpoint got, or nothing if the gateway has no such endpoint (now).
std::optional<long> calls_to(const series_values& s, const std::string& address,
                             std::uint16_t port) {
  auto i = s.find(series("actorgate_pool_endpoint_calls_total", address, port));
  if (i == s.end())
    return std::nullopt;
  return std::stol(i->second);
}

long number(const series_values& s, const std::string& key) {
  auto i = s.find(key);
  return i == s.end() ? -1 : std::stol(i->second);
}

// Sequential /echo calls until stopped, on a connection of its own.
struct load {
  explicit load(std::uint16_t port)
      : thread([this, port] {
          http_client c{port};
          while (!stop.load()) {
            auto r = c.get("/echo?msg=x");
            ++calls;
            if (r.status != 200)
              ++failed;
          }
        }) {}
  ~load() { finish(); }
  void finish() {
    stop.store(true);
    if (thread.joinable())
      thread.join();
  }
  std::atomic<bool> stop{false};
  std::atomic<long> calls{0}, failed{0};
  std::thread thread;
};

} // namespace

TEST_CASE("dns: endpoints follow a name's A records, with no failed request") {
  if (find_program("dnsmasq").empty()) {
    MESSAGE("dnsmasq is not installed (Debian: dnsmasq-base): skipped");
    return;
  }
  temp_dir dir{"actorgate-dns"};
  dns_server dns{dir, {"127.0.0.2", "127.0.0.3"}};
  REQUIRE(wait_until([&] { return lookup(dns).size() == 2; }, 10s, 50ms));

  auto bport = free_port();
  auto backend_at = [bport](const std::string& a) {
    return std::vector<std::string>{"--compute-server.address=" + a,
                                    "--compute-server.port=" + std::to_string(bport)};
  };
  backend_process b2{backend_at("127.0.0.2")}, b3{backend_at("127.0.0.3")},
      b4{backend_at("127.0.0.4")};
  gateway_process gw{bport,
                     {"--backend.endpoints=dns:backends.test:" + std::to_string(bport),
                      "--backend.dns-servers=" + dns.servers(), "--backend.dns-refresh=300ms"}};
  auto metrics = [&] { return parse_exposition(http_get(gw.port, "/metrics").body); };

  // Resolved before the first call: calls spread over both addresses.
  http_client c{gw.port};
  for (int i = 0; i < 40; ++i)
    REQUIRE(c.get("/echo?msg=x").status == 200);
  auto s = metrics();
  CHECK(calls_to(s, "127.0.0.2", bport).value_or(0) >= 5);
  CHECK(calls_to(s, "127.0.0.3", bport).value_or(0) >= 5);
  CHECK_FALSE(calls_to(s, "127.0.0.4", bport));
  CHECK(number(s, "actorgate_pool_discovered_endpoints{pool=\"backend\"}") == 2);

  load busy{gw.port};

  // An address added: traffic within a few refreshes.
  auto t0 = steady_clock::now();
  dns.serve({"127.0.0.2", "127.0.0.3", "127.0.0.4"});
  CHECK(wait_until([&] { return calls_to(metrics(), "127.0.0.4", bport).value_or(0) > 0; }, 5s,
                   10ms));
  auto added_ms = duration_cast<milliseconds>(steady_clock::now() - t0).count();
  CHECK(number(metrics(), "actorgate_pool_discovered_endpoints{pool=\"backend\"}") == 3);

  // An address removed: its series go, and no new call reaches it. Its
  // backend is then stopped: a call still sent there would be refused and
  // retried, which the retry counter would show.
  auto t1 = steady_clock::now();
  dns.serve({"127.0.0.3", "127.0.0.4"});
  CHECK(wait_until([&] { return !calls_to(metrics(), "127.0.0.2", bport); }, 5s, 10ms));
  auto removed_ms = duration_cast<milliseconds>(steady_clock::now() - t1).count();
  auto retries_before = number(metrics(), "actorgate_pool_retries_total{pool=\"backend\"}");
  b2.proc.signal(SIGTERM);
  REQUIRE(b2.proc.wait(10s));
  auto calls_then = busy.calls.load();
  REQUIRE(wait_until([&] { return busy.calls.load() > calls_then + 50; }, 10s));
  s = metrics();
  CHECK(number(s, "actorgate_pool_retries_total{pool=\"backend\"}") == retries_before);
  CHECK(number(s, "actorgate_pool_discovered_endpoints{pool=\"backend\"}") == 2);

  // An empty answer (the name gone from the server), then no server at all:
  // the last good set stays, and calls go on.
  dns.serve({});
  REQUIRE(wait_until([&] { return lookup(dns).empty(); }, 5s, 50ms));
  auto failures = [&] {
    return number(metrics(), "actorgate_pool_dns_failures_total{pool=\"backend\"}");
  };
  CHECK(wait_until([&] { return failures() >= 2; }, 5s, 20ms));
  dns.proc.signal(SIGTERM);
  dns.proc.wait(5s);
  auto f = failures();
  CHECK(wait_until([&] { return failures() >= f + 2; }, 10s, 20ms));
  calls_then = busy.calls.load();
  REQUIRE(wait_until([&] { return busy.calls.load() > calls_then + 50; }, 10s));
  s = metrics();
  CHECK(number(s, "actorgate_pool_discovered_endpoints{pool=\"backend\"}") == 2);
  auto on3 = calls_to(s, "127.0.0.3", bport), on4 = calls_to(s, "127.0.0.4", bport);
  CHECK(on3);
  CHECK(on4);

  busy.finish();
  CHECK(busy.failed.load() == 0);
  CHECK(busy.calls.load() > 100);
  std::cout << "dns discovery: address added -> first call " << added_ms
            << " ms; address removed -> out of the pool " << removed_ms << " ms (refresh 300 ms); "
            << busy.calls.load() << " calls under load, " << busy.failed.load() << " failed\n";
}

TEST_CASE("dns: a pool whose name never resolved answers 503 until it does") {
  if (find_program("dnsmasq").empty()) {
    MESSAGE("dnsmasq is not installed (Debian: dnsmasq-base): skipped");
    return;
  }
  temp_dir dir{"actorgate-dns"};
  dns_server dns{dir, {}};
  backend_process backend{std::vector<std::string>{"--compute-server.address=127.0.0.2"}};
  REQUIRE(wait_until([&] { return !dns.proc.output().empty() || dns.proc.running(); }));
  gateway_process gw{backend.port,
                     {"--backend.endpoints=dns:backends.test:" + std::to_string(backend.port),
                      "--backend.dns-servers=" + dns.servers(), "--backend.dns-refresh=200ms"}};
  http_client c{gw.port};
  CHECK(c.get("/echo?msg=x").status == 503);
  CHECK(http_get(gw.port, "/ready").status == 503);
  dns.serve({"127.0.0.2"});
  CHECK(wait_until([&] { return c.get("/echo?msg=x").status == 200; }, 5s, 20ms));
  CHECK(http_get(gw.port, "/ready").status == 200);
}

namespace {

// Established TCP connections to `address`:`port` (IPv4), from any process
// here: the gateway's to its backend.
int connections_to(const std::string& address, std::uint16_t port) {
  in_addr a{};
  ::inet_pton(AF_INET, address.c_str(), &a);
  char want[32];
  std::snprintf(want, sizeof want, "%08X:%04X", a.s_addr, port);
  std::ifstream tcp{"/proc/net/tcp"};
  std::string line;
  std::getline(tcp, line); // the header
  int n = 0;
  while (std::getline(tcp, line)) {
    std::istringstream in{line};
    std::string slot, local, remote, state;
    in >> slot >> local >> remote >> state;
    if (remote == want && state == "01")
      ++n;
  }
  return n;
}

} // namespace

TEST_CASE("dns: a call in flight to a removed address finishes there; then its connections "
          "close") {
  if (find_program("dnsmasq").empty()) {
    MESSAGE("dnsmasq is not installed (Debian: dnsmasq-base): skipped");
    return;
  }
  temp_dir dir{"actorgate-dns"};
  dns_server dns{dir, {"127.0.0.2"}};
  REQUIRE(wait_until([&] { return lookup(dns).size() == 1; }, 10s, 50ms));
  auto bport = free_port();
  auto backend_at = [bport](const std::string& a) {
    return std::vector<std::string>{"--compute-server.address=" + a,
                                    "--compute-server.port=" + std::to_string(bport)};
  };
  backend_process b2{backend_at("127.0.0.2")}, b3{backend_at("127.0.0.3")};
  gateway_process gw{bport,
                     {"--backend.endpoints=dns:backends.test:" + std::to_string(bport),
                      "--backend.dns-servers=" + dns.servers(), "--backend.dns-refresh=200ms"}};
  auto metrics = [&] { return parse_exposition(http_get(gw.port, "/metrics").body); };
  {
    http_client warm{gw.port};
    REQUIRE(warm.get("/echo?msg=x").status == 200);
  }
  REQUIRE(connections_to("127.0.0.2", bport) >= 1);

  // 800 ms of work on 127.0.0.2, which leaves DNS meanwhile.
  auto slow = std::async(std::launch::async, [&] {
    http_client c{gw.port};
    return c.get("/work?us=800000").status;
  });
  std::this_thread::sleep_for(100ms);
  dns.serve({"127.0.0.3"});
  REQUIRE(wait_until([&] { return !calls_to(metrics(), "127.0.0.2", bport); }, 5s, 10ms));
  CHECK(slow.get() == 200);
  auto s = metrics();
  // Cut short, the call would have been retried on 127.0.0.3 (it is
  // idempotent): it was not.
  CHECK(number(s, "actorgate_pool_retries_total{pool=\"backend\"}") == 0);
  CHECK(number(s, "actorgate_pool_errors_total{pool=\"backend\",kind=\"transport\"}") == 0);
  // Idle workers look once a second.
  auto t = steady_clock::now();
  CHECK(wait_until([&] { return connections_to("127.0.0.2", bport) == 0; }, 5s, 20ms));
  std::cout << "dns discovery: connections to a removed address closed "
            << duration_cast<milliseconds>(steady_clock::now() - t).count()
            << " ms after its last call ended\n";
  http_client c{gw.port};
  CHECK(c.get("/echo?msg=x").status == 200);
  CHECK(calls_to(metrics(), "127.0.0.3", bport).value_or(0) >= 1);
}
