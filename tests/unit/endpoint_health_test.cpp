#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "actorgate/rpc/endpoint_health.hpp"

using namespace actorgate::rpc;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

health_options options() {
  health_options o;
  o.eject_after = 3;
  o.backoff_initial = 50ms;
  o.backoff_max = 1000ms;
  return o;
}

// Ejects `ep` of `h` again through a failed probe, as the pool does.
milliseconds fail_probe(endpoint_health& h, std::size_t ep) {
  REQUIRE(h.begin_probe(ep));
  auto wait = h.failed(ep, true);
  REQUIRE(wait);
  return *wait;
}

} // namespace

TEST_CASE("an endpoint is ejected at its eject_after-th failure in a row") {
  endpoint_health h{2, options(), 1};
  CHECK(h.state(0) == endpoint_state::healthy);
  CHECK_FALSE(h.failed(0, false));
  CHECK_FALSE(h.failed(0, false));
  auto wait = h.failed(0, false);
  REQUIRE(wait);
  CHECK(h.state(0) == endpoint_state::ejected);
  CHECK(*wait >= 25ms);
  CHECK(*wait <= 50ms);
  CHECK(h.state(1) == endpoint_state::healthy);
  CHECK_FALSE(h.circuit_open());
}

TEST_CASE("a success in between starts the count of failures again") {
  endpoint_health h{1, options(), 1};
  auto t0 = endpoint_health::clock::time_point{} + 1s;
  CHECK_FALSE(h.failed(0, false));
  CHECK_FALSE(h.failed(0, false));
  h.succeeded(0, t0);
  CHECK(h.last_success(0) == t0);
  CHECK_FALSE(h.failed(0, false));
  CHECK_FALSE(h.failed(0, false));
  CHECK(h.state(0) == endpoint_state::healthy);
  CHECK(h.failed(0, false));
}

TEST_CASE("failures of calls that began before the ejection change nothing") {
  endpoint_health h{1, options(), 1};
  h.eject(0);
  CHECK_FALSE(h.failed(0, false));
  CHECK_FALSE(h.failed(0, false));
  CHECK_FALSE(h.failed(0, false));
  CHECK(h.state(0) == endpoint_state::ejected);
}

TEST_CASE("a probe goes only to an ejected endpoint, once") {
  endpoint_health h{2, options(), 1};
  CHECK_FALSE(h.begin_probe(0)); // healthy
  CHECK_FALSE(h.begin_probe(7)); // no such endpoint
  h.eject(0);
  CHECK(h.begin_probe(0));
  CHECK(h.state(0) == endpoint_state::probing);
  CHECK_FALSE(h.begin_probe(0)); // already on its way
}

TEST_CASE("a failed probe, or any failure while probing, ejects again") {
  endpoint_health h{1, options(), 1};
  h.eject(0);
  REQUIRE(h.begin_probe(0));
  CHECK(h.failed(0, true));
  CHECK(h.state(0) == endpoint_state::ejected);
  REQUIRE(h.begin_probe(0));
  CHECK(h.failed(0, false)); // a call begun earlier, failing now
  CHECK(h.state(0) == endpoint_state::ejected);
}

TEST_CASE("the wait before a probe doubles up to backoff_max, with jitter") {
  // Each wait is drawn from [backoff / 2, backoff]: 50, 100, ... 800, then
  // 1000 for good.
  for (std::uint32_t seed : {1u, 2u, 3u, 12345u, 4000000000u}) {
    CAPTURE(seed);
    endpoint_health h{1, options(), seed};
    std::vector<milliseconds> waits{h.eject(0)};
    for (int i = 0; i < 8; ++i)
      waits.push_back(fail_probe(h, 0));
    milliseconds backoff = 50ms;
    for (auto wait : waits) {
      CAPTURE(backoff.count());
      CHECK(wait >= backoff / 2);
      CHECK(wait <= backoff);
      backoff = std::min(backoff * 2, milliseconds(1000));
    }
  }
}

TEST_CASE("the jitter spreads the waits and the seed decides it") {
  std::vector<milliseconds> first, again, other;
  for (auto* out : {&first, &again}) {
    endpoint_health h{1, options(), 42};
    out->push_back(h.eject(0));
    for (int i = 0; i < 20; ++i)
      out->push_back(fail_probe(h, 0));
  }
  CHECK(first == again);
  // At the maximum, twenty draws from [500, 1000] are not all one value.
  bool spread = false;
  for (std::size_t i = 6; i < first.size(); ++i)
    spread = spread || first[i] != first[5];
  CHECK(spread);
}

TEST_CASE("a success makes an endpoint healthy and its next backoff the initial one") {
  endpoint_health h{1, options(), 7};
  h.eject(0);
  fail_probe(h, 0);
  fail_probe(h, 0); // backoff 200 ms now
  REQUIRE(h.begin_probe(0));
  h.succeeded(0, endpoint_health::clock::time_point{} + 5s);
  CHECK(h.state(0) == endpoint_state::healthy);
  auto wait = h.eject(0);
  CHECK(wait >= 25ms);
  CHECK(wait <= 50ms);
  // A call begun before the ejection that succeeds after it also counts.
  h.succeeded(0, endpoint_health::clock::time_point{} + 6s);
  CHECK(h.state(0) == endpoint_state::healthy);
}

TEST_CASE("the circuit is open while no endpoint is healthy") {
  endpoint_health h{2, options(), 1};
  CHECK_FALSE(h.circuit_open());
  h.eject(0);
  CHECK_FALSE(h.circuit_open());
  h.eject(1);
  CHECK(h.circuit_open());
  REQUIRE(h.begin_probe(1));
  CHECK(h.circuit_open()); // probing takes no calls either
  h.succeeded(1, endpoint_health::clock::time_point{} + 1s);
  CHECK_FALSE(h.circuit_open());
}

TEST_CASE("backoff_initial above backoff_max gives way to the max after the first") {
  auto o = options();
  o.backoff_initial = 400ms;
  o.backoff_max = 300ms;
  endpoint_health h{1, o, 3};
  auto first = h.eject(0);
  CHECK(first >= 200ms);
  CHECK(first <= 400ms);
  auto second = fail_probe(h, 0);
  CHECK(second >= 150ms);
  CHECK(second <= 300ms);
}

TEST_CASE("to_string names each state as the metrics label it") {
  CHECK(std::string(to_string(endpoint_state::healthy)) == "healthy");
  CHECK(std::string(to_string(endpoint_state::ejected)) == "ejected");
  CHECK(std::string(to_string(endpoint_state::probing)) == "probing");
}

// ---- health checks ----------------------------------------------------------

TEST_CASE("a refused check ejects a healthy endpoint at once") {
  endpoint_health h{2, options(), 1};
  auto wait = h.checked(0, check_result::refused);
  REQUIRE(wait);
  CHECK(*wait >= 25ms);
  CHECK(*wait <= 50ms);
  CHECK(h.state(0) == endpoint_state::ejected);
  CHECK_FALSE(h.circuit_open());
  CHECK(h.checked(1, check_result::refused));
  CHECK(h.circuit_open());
}

TEST_CASE("failed checks count toward eject_after, with failed calls") {
  endpoint_health h{1, options(), 1};
  SUBCASE("checks alone") {
    CHECK_FALSE(h.checked(0, check_result::failed));
    CHECK_FALSE(h.checked(0, check_result::failed));
    CHECK(h.checked(0, check_result::failed));
  }
  SUBCASE("a call then checks") {
    CHECK_FALSE(h.failed(0, false));
    CHECK_FALSE(h.checked(0, check_result::failed));
    CHECK(h.checked(0, check_result::failed));
  }
  SUBCASE("checks then a call") {
    CHECK_FALSE(h.checked(0, check_result::failed));
    CHECK_FALSE(h.checked(0, check_result::failed));
    CHECK(h.failed(0, false));
  }
  CHECK(h.state(0) == endpoint_state::ejected);
}

TEST_CASE("a check that connects ends a run of failed checks but not of failed calls") {
  endpoint_health h{1, options(), 1};
  SUBCASE("failed checks, then one that connects: the count starts again") {
    CHECK_FALSE(h.checked(0, check_result::failed));
    CHECK_FALSE(h.checked(0, check_result::failed));
    CHECK_FALSE(h.checked(0, check_result::connected));
    CHECK_FALSE(h.checked(0, check_result::failed));
    CHECK_FALSE(h.checked(0, check_result::failed));
    CHECK(h.state(0) == endpoint_state::healthy);
  }
  SUBCASE("calls that time out on a backend that still accepts connections") {
    CHECK_FALSE(h.failed(0, false));
    CHECK_FALSE(h.checked(0, check_result::connected));
    CHECK_FALSE(h.failed(0, false));
    CHECK_FALSE(h.checked(0, check_result::connected));
    CHECK(h.failed(0, false));
    CHECK(h.state(0) == endpoint_state::ejected);
  }
  SUBCASE("a call that gets through ends both runs") {
    CHECK_FALSE(h.failed(0, false));
    CHECK_FALSE(h.checked(0, check_result::failed));
    h.succeeded(0, endpoint_health::clock::time_point{} + 1s);
    CHECK_FALSE(h.failed(0, false));
    CHECK_FALSE(h.checked(0, check_result::failed));
    CHECK(h.state(0) == endpoint_state::healthy);
  }
}

TEST_CASE("a check that connects brings an ejected or probing endpoint back") {
  endpoint_health h{1, options(), 1};
  auto t0 = endpoint_health::clock::time_point{} + 1s;
  h.succeeded(0, t0);
  h.eject(0);
  fail_probe(h, 0); // backoff 100 ms now
  CHECK(h.circuit_open());
  CHECK_FALSE(h.checked(0, check_result::connected));
  CHECK(h.state(0) == endpoint_state::healthy);
  CHECK_FALSE(h.circuit_open());
  // No call was served: the last success is still the call's.
  CHECK(h.last_success(0) == t0);
  // Its next ejection starts from backoff_initial again.
  auto wait = h.eject(0);
  CHECK(wait >= 25ms);
  CHECK(wait <= 50ms);
  REQUIRE(h.begin_probe(0));
  CHECK_FALSE(h.checked(0, check_result::connected));
  CHECK(h.state(0) == endpoint_state::healthy);
}

TEST_CASE("a failed check of an endpoint already out changes nothing") {
  endpoint_health h{1, options(), 1};
  h.eject(0);
  CHECK_FALSE(h.checked(0, check_result::refused));
  CHECK_FALSE(h.checked(0, check_result::failed));
  CHECK(h.state(0) == endpoint_state::ejected);
  REQUIRE(h.begin_probe(0));
  CHECK_FALSE(h.checked(0, check_result::refused));
  CHECK(h.state(0) == endpoint_state::probing);
}

TEST_CASE("a check is due unless a probe is on its way or a call just got through") {
  endpoint_health h{2, options(), 1};
  auto t0 = endpoint_health::clock::time_point{} + 10s;
  // Never called: checked.
  CHECK(h.check_due(0, t0, 1s));
  h.succeeded(0, t0);
  CHECK_FALSE(h.check_due(0, t0 + 999ms, 1s));
  CHECK(h.check_due(0, t0 + 1s, 1s));
  // Ejected: checked whatever its last success, so that it can come back.
  h.eject(0);
  CHECK(h.check_due(0, t0 + 1ms, 1s));
  REQUIRE(h.begin_probe(0));
  CHECK_FALSE(h.check_due(0, t0 + 5s, 1s));
  CHECK(h.check_due(1, t0, 1s));
}
