// pool_stats: a pool's live numbers, written by the pool and its workers with
// relaxed atomics and read by anyone (metrics, /ready, the admin page) without
// a lock. Give a pool one through pool_options::stats to watch it.
//
//   auto stats = std::make_shared<rpc::pool_stats>();
//   opts.stats = stats;
//   auto pool = rpc::spawn_typed_pool<Client>(sys, opts, host);
//   ... stats->busy.load(), stats->errors_of(backend_errc::timeout) ...
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actorgate/actors/errors.hpp"
#include "actorgate/rpc/endpoint_health.hpp"

namespace actorgate::rpc {

struct endpoint_stats {
  /// "host:port"
  std::string address;
  std::atomic<endpoint_state> state{endpoint_state::healthy};
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> failures{0};
  /// Health checks (a connect, closed at once) that did not connect.
  std::atomic<std::uint64_t> failed_checks{0};
  /// Calls on their way to this endpoint now.
  std::atomic<std::size_t> outstanding{0};
};

struct pool_stats {
  /// The pool's config group, e.g. "backend".
  std::string name;
  std::size_t workers = 0;
  std::size_t queue_limit = 0;
  std::atomic<std::size_t> busy{0};
  std::atomic<std::size_t> queued{0};
  /// Calls answered, with a result or an error.
  std::atomic<std::uint64_t> calls{0};
  /// Extra attempts made for failed calls (see retry_options).
  std::atomic<std::uint64_t> retries{0};
  /// Calls (retries and probes included) handed to a sleeping worker rather
  /// than taken by a worker straight after its previous call (see
  /// pool_options::chain_wait).
  std::atomic<std::uint64_t> wakeups{0};
  /// Indexed by backend_errc (index 0 unused).
  std::array<std::atomic<std::uint64_t>, 16> errors{};
  /// Set before the pool starts; the vector itself never changes after.
  std::vector<std::unique_ptr<endpoint_stats>> endpoints;
  /// Whether every endpoint is ejected (the pool fails calls at once).
  std::atomic<bool> circuit_open{false};

  std::uint64_t errors_of(backend_errc e) const {
    return errors[static_cast<std::size_t>(e)].load(std::memory_order_relaxed);
  }
  void count_error(backend_errc e) {
    errors[static_cast<std::size_t>(e)].fetch_add(1, std::memory_order_relaxed);
  }
  /// True if at least one endpoint takes calls.
  bool ready() const {
    for (const auto& e : endpoints)
      if (e->state.load(std::memory_order_relaxed) == endpoint_state::healthy)
        return true;
    return endpoints.empty();
  }
};

} // namespace actorgate::rpc
