#include "actorgate/rpc/endpoint_health.hpp"

#include <algorithm>

namespace actorgate::rpc {

endpoint_health::endpoint_health(std::size_t endpoints, const health_options& opts,
                                 std::uint32_t seed)
    : opts_(opts), endpoints_(endpoints), rng_(seed) {}

bool endpoint_health::circuit_open() const {
  return active_count() > 0 &&
         std::none_of(endpoints_.begin(), endpoints_.end(), [](const endpoint& e) {
           return e.active && e.state == endpoint_state::healthy;
         });
}

void endpoint_health::add() {
  endpoints_.emplace_back();
}

void endpoint_health::set_active(std::size_t ep, bool on) {
  auto& e = endpoints_[ep];
  if (on && !e.active)
    e = endpoint{};
  e.active = on;
}

std::size_t endpoint_health::active_count() const {
  return static_cast<std::size_t>(std::count_if(endpoints_.begin(), endpoints_.end(),
                                                [](const endpoint& e) { return e.active; }));
}

void endpoint_health::succeeded(std::size_t ep, clock::time_point at) {
  auto& e = endpoints_[ep];
  e.state = endpoint_state::healthy;
  e.failures = 0;
  e.failed_checks = 0;
  e.backoff = std::chrono::milliseconds{0};
  e.last_success = at;
}

std::optional<std::chrono::milliseconds> endpoint_health::failed(std::size_t ep, bool probe) {
  auto& e = endpoints_[ep];
  // A call that began before its endpoint was ejected may fail after: it
  // says nothing new.
  if (probe || e.state == endpoint_state::probing ||
      (e.state == endpoint_state::healthy && ++e.failures + e.failed_checks >= opts_.eject_after))
    return eject(ep);
  return std::nullopt;
}

std::chrono::milliseconds endpoint_health::eject(std::size_t ep) {
  auto& e = endpoints_[ep];
  e.state = endpoint_state::ejected;
  e.failures = 0;
  e.failed_checks = 0;
  e.backoff =
      e.backoff.count() == 0 ? opts_.backoff_initial : std::min(e.backoff * 2, opts_.backoff_max);
  std::uniform_int_distribution<long> spread(e.backoff.count() / 2, e.backoff.count());
  return std::chrono::milliseconds(spread(rng_));
}

bool endpoint_health::begin_probe(std::size_t ep) {
  if (ep >= endpoints_.size() || !endpoints_[ep].active ||
      endpoints_[ep].state != endpoint_state::ejected)
    return false;
  endpoints_[ep].state = endpoint_state::probing;
  return true;
}

bool endpoint_health::check_due(std::size_t ep, clock::time_point now,
                                clock::duration interval) const {
  const auto& e = endpoints_[ep];
  if (!e.active || e.state == endpoint_state::probing)
    return false;
  return e.state != endpoint_state::healthy || e.last_success == clock::time_point{} ||
         now - e.last_success >= interval;
}

std::optional<std::chrono::milliseconds> endpoint_health::checked(std::size_t ep, check_result r) {
  auto& e = endpoints_[ep];
  if (r == check_result::connected) {
    if (e.state == endpoint_state::healthy) {
      e.failed_checks = 0;
    } else {
      e.state = endpoint_state::healthy;
      e.failures = 0;
      e.failed_checks = 0;
      e.backoff = std::chrono::milliseconds{0};
    }
    return std::nullopt;
  }
  // An ejected endpoint is already out, and its probes go on.
  if (e.state != endpoint_state::healthy)
    return std::nullopt;
  if (r == check_result::refused || e.failures + ++e.failed_checks >= opts_.eject_after)
    return eject(ep);
  return std::nullopt;
}

} // namespace actorgate::rpc
