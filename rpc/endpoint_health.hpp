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
// Calls alone cannot tell a dead backend from an idle one: with no traffic an
// endpoint would stay "healthy" (and /ready 200) for ever after its backend
// died. So the pool also checks its endpoints every health interval, with a
// connect it closes at once (a check; see check_due and checked below).
//
//   endpoint_health h{2, opts, seed};
//   if (auto wait = h.failed(ep, false)) send a probe of ep after *wait;
//   ... after the wait: if (h.begin_probe(ep)) send the probe;
//   h.succeeded(ep, now);  // a call or the probe got through
//   if (h.check_due(ep, now, interval)) check ep; then
//   if (auto wait = h.checked(ep, result)) send a probe of ep after *wait;
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

/// What a health check (a TCP connect, closed at once) found.
enum class check_result : std::uint8_t {
  /// The connect got through.
  connected,
  /// Refused at every address (or no route to it): nothing listens there now.
  refused,
  /// Timed out, or the name did not resolve: it may be a passing fault.
  failed,
};

struct health_options {
  /// Consecutive failed calls (refused or broken connection, call timeout)
  /// that eject an endpoint.
  std::size_t eject_after = 3;
  /// First wait before an ejected endpoint is probed; doubles up to
  /// backoff_max after each failed probe, with jitter.
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{1000};
  /// How often the pool checks each endpoint with a connect it closes at
  /// once, so that ejection, the circuit and /ready follow a backend that
  /// died or came back while no call went to it. Zero: no checks.
  std::chrono::milliseconds check_interval{1000};
};

class endpoint_health {
public:
  using clock = std::chrono::steady_clock;

  endpoint_health() = default;
  /// Every endpoint starts healthy. `seed` seeds the jitter.
  endpoint_health(std::size_t endpoints, const health_options& opts, std::uint32_t seed);

  std::size_t size() const { return endpoints_.size(); }
  endpoint_state state(std::size_t ep) const { return endpoints_[ep].state; }
  /// True while no active endpoint is healthy (and there is an active one).
  bool circuit_open() const;

  /// A new endpoint (found by DNS discovery): healthy and active.
  void add();
  /// Takes `ep` out (false: no calls, checks or probes) or back in (true:
  /// healthy, with a clean record, as a new endpoint would be: whatever it
  /// did before it left says little of the backend there now).
  void set_active(std::size_t ep, bool on);
  bool active(std::size_t ep) const { return endpoints_[ep].active; }
  std::size_t active_count() const;
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

  /// Whether `ep` should be checked at `now`, checks being `interval` apart:
  /// not while a probe is on its way (it asks the same question), nor while
  /// healthy with a call that got through less than `interval` ago (calls
  /// speak for it, and a check would only add a connection to a busy
  /// backend).
  bool check_due(std::size_t ep, clock::time_point now, clock::duration interval) const;
  /// A health check of `ep` ended with `r`. The wait before the probe if
  /// `ep` was ejected now.
  ///
  /// A refused connect ejects a healthy endpoint at once: the OS says that
  /// nothing listens there, so no call can get through until something does,
  /// and a check or probe that connects brings it back. A check that failed
  /// otherwise (a timeout may be one lost SYN) counts toward eject_after, as
  /// a failed call does: the endpoint is ejected when its failed calls and
  /// failed checks in a row reach eject_after. A check that connects brings
  /// an ejected (or probing) endpoint back, and ends the run of failed checks
  /// of a healthy one, but not of failed calls: a hung backend still accepts
  /// connections while its calls time out. It leaves last_success as it is,
  /// since no call was served.
  std::optional<std::chrono::milliseconds> checked(std::size_t ep, check_result r);

private:
  struct endpoint {
    endpoint_state state = endpoint_state::healthy;
    std::size_t failures = 0;      // calls, in a row
    std::size_t failed_checks = 0; // in a row
    std::chrono::milliseconds backoff{0};
    clock::time_point last_success{};
    bool active = true;
  };
  health_options opts_;
  std::vector<endpoint> endpoints_;
  std::minstd_rand rng_;
};

} // namespace actorgate::rpc
