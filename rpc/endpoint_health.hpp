// endpoint_health: what a pool knows of its endpoints' health, and the policy
// that follows from it, with no actor and no Thrift in it: the pool reports
// how calls ended and does what the answers say (send a probe later, publish
// the state). Time is passed in, so that tests are deterministic.
//
// An endpoint whose calls fail `eject_after` times in a row is ejected: it
// takes no calls until a probe (a connect, made by the pool) gets through.
// The wait before a probe starts at backoff_initial and doubles after each
// failed probe, up to backoff_max; each wait is drawn from [backoff / 2,
// backoff], so that gateways (and pools) that saw a backend fail together do
// not all come back to it in the same millisecond. While no endpoint is
// healthy the circuit is open: the pool fails calls at once instead of
// letting each wait for a connect timeout.
//
//   endpoint_health h{2, opts, seed};
//   if (auto wait = h.failed(ep, false)) send a probe of ep after *wait;
//   ... after the wait: if (h.begin_probe(ep)) send the probe;
//   h.succeeded(ep, now);  // a call or the probe got through
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace actorgate::rpc {

enum class endpoint_state : std::uint8_t {
  /// Takes calls.
  healthy,
  /// Failed too often in a row; takes no calls until its probe time.
  ejected,
  /// Ejected, and one probe call is on its way.
  probing,
};

/// "healthy", "ejected", "probing": also the metrics' state label.
inline const char* to_string(endpoint_state s) {
  switch (s) {
  case endpoint_state::healthy:
    return "healthy";
  case endpoint_state::ejected:
    return "ejected";
  case endpoint_state::probing:
    return "probing";
  }
  return "unknown";
}

struct health_options {
  /// Consecutive failed calls (refused or broken connection, call timeout)
  /// that eject an endpoint.
  std::size_t eject_after = 3;
  /// First wait before an ejected endpoint is probed; doubles up to
  /// backoff_max after each failed probe, with jitter.
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{1000};
};

class endpoint_health {
public:
  using clock = std::chrono::steady_clock;

  endpoint_health() = default;
  /// Every endpoint starts healthy. `seed` seeds the jitter.
  endpoint_health(std::size_t endpoints, const health_options& opts, std::uint32_t seed);

  std::size_t size() const { return endpoints_.size(); }
  endpoint_state state(std::size_t ep) const { return endpoints_[ep].state; }
  /// True while no endpoint is healthy (and there is one).
  bool circuit_open() const;
  /// When a call or probe on `ep` last got through; the clock's epoch if none has.
  clock::time_point last_success(std::size_t ep) const { return endpoints_[ep].last_success; }

  /// A call or probe on `ep` got through, at `at`: the endpoint is healthy,
  /// whatever it was, and its next ejection starts from backoff_initial.
  void succeeded(std::size_t ep, clock::time_point at);
  /// A call or probe on `ep` failed in a way that speaks of the endpoint (a
  /// refused or broken connection, its call timeout). A probe's failure, or
  /// any while the endpoint is probed, ejects it again; a healthy endpoint is
  /// ejected at its eject_after-th in a row; one already ejected is left as
  /// it is. The wait before the probe if it was ejected now.
  std::optional<std::chrono::milliseconds> failed(std::size_t ep, bool probe);
  /// Ejects `ep` now, whatever its state (a probe that never got to run):
  /// the wait before its probe, the backoff doubled from the last ejection.
  std::chrono::milliseconds eject(std::size_t ep);
  /// The wait before a probe of `ep` is over: true if the probe should go
  /// (the endpoint is now probing), false if it came back meanwhile or is
  /// already being probed.
  bool begin_probe(std::size_t ep);

private:
  struct endpoint {
    endpoint_state state = endpoint_state::healthy;
    std::size_t failures = 0; // in a row
    std::chrono::milliseconds backoff{0};
    clock::time_point last_success{};
  };
  health_options opts_;
  std::vector<endpoint> endpoints_;
  std::minstd_rand rng_;
};

} // namespace actorgate::rpc
