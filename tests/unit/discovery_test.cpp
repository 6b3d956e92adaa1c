// DNS discovery's pure parts: the dns:NAME:PORT and dns-servers syntax, the
// config's split of endpoints, the set difference that becomes endpoint
// changes, and the health record of an endpoint that leaves and comes back.
#include <doctest/doctest.h>

#include <atomic>
#include <optional>
#include <sstream>

#include "actorgate/gateway/app_config.hpp"
#include "actorgate/rpc/discovery.hpp"
#include "actorgate/rpc/endpoint_health.hpp"
#include "apps/shipped_config.hpp"

using namespace actorgate::rpc;

namespace {

endpoint at(const std::string& host, std::uint16_t port = 9090) {
  endpoint e;
  e.host = host;
  e.port = port;
  return e;
}

struct shipped : actorgate::app_config {
  shipped() : actorgate::app_config(compute::shipped_groups()) {}
};

} // namespace

TEST_CASE("discovery: dns:NAME:PORT items") {
  std::string name;
  std::uint16_t port = 0;
  CHECK(parse_dns_item("dns:backends.local:9090", name, port));
  CHECK(name == "backends.local");
  CHECK(port == 9090);
  CHECK_FALSE(parse_dns_item("backends.local:9090", name, port));
  CHECK_FALSE(parse_dns_item("dns:backends.local", name, port));
  CHECK_FALSE(parse_dns_item("dns::9090", name, port));
  CHECK_FALSE(parse_dns_item("dns:a:0", name, port));
  CHECK_FALSE(parse_dns_item("dns:a:65536", name, port));
  CHECK_FALSE(parse_dns_item("dns:a:b:9090", name, port));
  CHECK_FALSE(parse_dns_item("dns:a b:9090", name, port));
}

TEST_CASE("discovery: dns-servers are ip:port items") {
  CHECK(parse_dns_servers(""));
  CHECK(parse_dns_servers("127.0.0.1:53"));
  CHECK(parse_dns_servers("10.0.0.2:53, 10.0.0.3:5353"));
  CHECK(parse_dns_servers("[::1]:53,127.0.0.1:53"));
  CHECK_FALSE(parse_dns_servers("127.0.0.1"));
  CHECK_FALSE(parse_dns_servers("ns.example:53"));
  CHECK_FALSE(parse_dns_servers("127.0.0.1:0"));
  CHECK_FALSE(parse_dns_servers("::1:53"));
  CHECK_FALSE(parse_dns_servers("127.0.0.1:53,"));
}

TEST_CASE("discovery: the config splits endpoints into listed ones and names") {
  shipped cfg;
  std::ostringstream err;
  auto rc = cfg.load({"--config-file=/dev/null",
                      "--backend.endpoints=dns:backends.local:9091, 10.0.0.5:9090",
                      "--backend.dns-refresh=300ms", "--backend.dns-servers=127.0.0.1:5353",
                      "--backend.call-timeout=750ms"},
                     "test", err);
  INFO(err.str());
  REQUIRE_FALSE(rc);
  auto p = cfg.pool("backend");
  REQUIRE(p.endpoints.size() == 1);
  CHECK(p.endpoints[0].host == "10.0.0.5");
  REQUIRE(p.discover.size() == 1);
  CHECK(p.discover[0].host == "backends.local");
  CHECK(p.discover[0].port == 9091);
  CHECK(p.discover[0].call_timeout == std::chrono::milliseconds(750));
  CHECK(p.dns_refresh == std::chrono::milliseconds(300));
  CHECK(p.dns_servers == "127.0.0.1:5353");

  for (auto bad : {"--backend.endpoints=dns:backends.local", "--backend.dns-servers=localhost:53",
                   "--backend.dns-refresh=0"}) {
    shipped c;
    std::ostringstream e;
    CHECK(c.load({"--config-file=/dev/null", bad}, "test", e) == std::optional<int>{2});
  }
}

TEST_CASE("discovery: new addresses are added, gone ones removed, returning ones reactivated") {
  // 0 listed, 1 and 2 discovered and active, 3 discovered and removed.
  std::vector<endpoint> known{at("10.0.0.5"), at("127.0.0.2"), at("127.0.0.3"), at("127.0.0.4")};
  std::vector<bool> active{true, true, true, false};
  std::vector<bool> discovered{false, true, true, true};

  auto same = diff_endpoints(known, active, discovered, {at("127.0.0.2"), at("127.0.0.3")});
  CHECK(same.empty());

  auto c = diff_endpoints(known, active, discovered,
                          {at("127.0.0.3"), at("127.0.0.4"), at("127.0.0.9"), at("127.0.0.9")});
  REQUIRE(c.added.size() == 1); // once, however often it is in the answer
  CHECK(c.added[0].host == "127.0.0.9");
  CHECK(c.reactivated == std::vector<std::size_t>{3});
  CHECK(c.removed == std::vector<std::size_t>{1});

  // The port is part of the address.
  auto other_port = diff_endpoints(known, active, discovered,
                                   {at("127.0.0.2"), at("127.0.0.3"), at("127.0.0.3", 9091)});
  REQUIRE(other_port.added.size() == 1);
  CHECK(other_port.added[0].port == 9091);

  // A listed endpoint is never removed nor added twice.
  auto listed = diff_endpoints(known, active, discovered, {at("10.0.0.5")});
  CHECK(listed.added.empty());
  CHECK(listed.removed == std::vector<std::size_t>{1, 2});
}

TEST_CASE("discovery: an endpoint that leaves takes nothing; it comes back healthy") {
  health_options o;
  o.eject_after = 1;
  endpoint_health h{1, o, 1};
  h.add();
  CHECK(h.size() == 2);
  CHECK(h.active_count() == 2);
  REQUIRE(h.failed(1, false)); // ejected
  h.set_active(1, false);
  CHECK(h.active_count() == 1);
  CHECK_FALSE(h.begin_probe(1)); // no probe of an endpoint that left
  CHECK_FALSE(h.check_due(1, endpoint_health::clock::now(), std::chrono::seconds(1)));
  // Only the active endpoints count for the circuit.
  REQUIRE(h.failed(0, false));
  CHECK(h.circuit_open());
  h.set_active(1, true);
  CHECK(h.state(1) == endpoint_state::healthy);
  CHECK_FALSE(h.circuit_open());
  // None active (a pool whose names never resolved): no circuit to speak of;
  // the pool itself fails its calls.
  endpoint_health none{0, o, 1};
  CHECK_FALSE(none.circuit_open());
  CHECK(none.active_count() == 0);
}

TEST_CASE("discovery: a name that does not resolve is an error, not an empty set") {
  std::atomic<bool> stop{false};
  // 127.0.0.1:9 (discard) answers nothing: the tries time out.
  auto a = resolve_names({"nothing.invalid"}, "127.0.0.1:9", std::chrono::milliseconds(100), stop);
  REQUIRE(a.size() == 1);
  CHECK_FALSE(a[0].ok);
  CHECK(a[0].addresses.empty());
  CHECK_FALSE(a[0].error.empty());
  // A numeric name needs no server.
  auto n = resolve_names({"127.0.0.7"}, "127.0.0.1:9", std::chrono::milliseconds(100), stop);
  REQUIRE(n.size() == 1);
  CHECK(n[0].ok);
  CHECK(n[0].addresses == std::vector<std::string>{"127.0.0.7"});
}
