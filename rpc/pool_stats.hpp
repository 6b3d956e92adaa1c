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
#include <mutex>
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
  /// Found by DNS discovery and gone from its answer since: it takes no
  /// calls, and its series leave the metrics until it comes back.
  std::atomic<bool> removed{false};
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
  /// Set before the pool starts; only DNS discovery appends to it after,
  /// under endpoints_mutex (an entry is never removed, see discovery.hpp).
  /// The pool reads it without the lock (it is the only writer); anyone
  /// else goes through each_endpoint().
  std::vector<std::unique_ptr<endpoint_stats>> endpoints;
  mutable std::mutex endpoints_mutex;
  /// Whether every endpoint is ejected (the pool fails calls at once).
  std::atomic<bool> circuit_open{false};
  /// The pool has dns: names (set before it starts).
  bool discovery = false;
  /// Endpoints DNS discovery has found that are in the answer now.
  std::atomic<std::size_t> discovered{0};
  /// Resolutions of a name that failed or came back empty.
  std::atomic<std::uint64_t> dns_failures{0};

  template <class F> void each_endpoint(F f) const {
    std::lock_guard<std::mutex> g{endpoints_mutex};
    for (const auto& e : endpoints)
      f(*e);
  }

  std::uint64_t errors_of(backend_errc e) const {
    return errors[static_cast<std::size_t>(e)].load(std::memory_order_relaxed);
  }
  void count_error(backend_errc e) {
    errors[static_cast<std::size_t>(e)].fetch_add(1, std::memory_order_relaxed);
  }
  /// True if at least one endpoint takes calls. A pool whose names have
  /// not resolved yet has none.
  bool ready() const {
    std::lock_guard<std::mutex> g{endpoints_mutex};
    for (const auto& e : endpoints)
      if (!e->removed.load(std::memory_order_relaxed) &&
          e->state.load(std::memory_order_relaxed) == endpoint_state::healthy)
        return true;
    return endpoints.empty() && !discovery;
  }
};

} // namespace actorgate::rpc
