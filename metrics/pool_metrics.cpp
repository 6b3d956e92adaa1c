#include "actorgate/metrics/pool_metrics.hpp"

#include <array>
#include <cstdint>

namespace actorgate::metrics {

namespace {

constexpr auto relaxed = std::memory_order_relaxed;

constexpr std::array<backend_errc, 8> error_kinds{
    backend_errc::overloaded, backend_errc::unavailable, backend_errc::timeout,
    backend_errc::transport,  backend_errc::application, backend_errc::shutting_down,
    backend_errc::exhausted,  backend_errc::abandoned,
};

constexpr std::array<rpc::endpoint_state, 3> endpoint_states{
    rpc::endpoint_state::healthy, rpc::endpoint_state::ejected, rpc::endpoint_state::probing};

std::uint64_t u64(std::size_t v) {
  return static_cast<std::uint64_t>(v);
}

// One family over every pool: `value` reads one pool's number.
template <class F>
void per_pool(text_writer& w, const pool_list& pools, const char* name, metric_type t,
              const char* help, F value) {
  w.family(name, t, help);
  for (const auto& p : pools)
    w.sample(name, {{"pool", p->name}}, value(*p));
}

// One family over every endpoint of every pool.
template <class F>
void per_endpoint(text_writer& w, const pool_list& pools, const char* name, metric_type t,
                  const char* help, F value) {
  w.family(name, t, help);
  for (const auto& p : pools)
    p->each_endpoint([&](const rpc::endpoint_stats& e) {
      if (!e.removed.load(relaxed))
        w.sample(name, {{"pool", p->name}, {"endpoint", e.address}}, value(e));
    });
}

} // namespace

const char* kind_label(backend_errc e) {
  switch (e) {
  case backend_errc::overloaded:
    return "overloaded";
  case backend_errc::unavailable:
    return "unavailable";
  case backend_errc::timeout:
    return "timeout";
  case backend_errc::transport:
    return "transport";
  case backend_errc::application:
    return "application";
  case backend_errc::shutting_down:
    return "shutting_down";
  case backend_errc::abandoned:
    return "abandoned";
  case backend_errc::exhausted:
    return "exhausted";
  }
  return "other";
}

void render_pools(text_writer& w, const pool_list& pools) {
  using rpc::endpoint_stats;
  using rpc::pool_stats;
  per_pool(w, pools, "actorgate_pool_workers", metric_type::gauge,
           "Blocking workers of the pool (backend connections).",
           [](const pool_stats& p) { return u64(p.workers); });
  per_pool(w, pools, "actorgate_pool_busy_workers", metric_type::gauge,
           "Workers running a call now.",
           [](const pool_stats& p) { return u64(p.busy.load(relaxed)); });
  per_pool(w, pools, "actorgate_pool_queue_depth", metric_type::gauge,
           "Calls waiting for a free worker now.",
           [](const pool_stats& p) { return u64(p.queued.load(relaxed)); });
  per_pool(w, pools, "actorgate_pool_queue_limit", metric_type::gauge,
           "Calls that may wait; beyond it a call fails as overloaded (503).",
           [](const pool_stats& p) { return u64(p.queue_limit); });
  per_pool(w, pools, "actorgate_pool_calls_total", metric_type::counter,
           "Calls answered, with a result or an error.",
           [](const pool_stats& p) { return p.calls.load(relaxed); });
  per_pool(w, pools, "actorgate_pool_retries_total", metric_type::counter,
           "Extra attempts made for failed calls that were safe to repeat.",
           [](const pool_stats& p) { return p.retries.load(relaxed); });
  per_pool(w, pools, "actorgate_pool_worker_wakeups_total", metric_type::counter,
           "Calls (retries and probes included) handed to a sleeping worker rather than taken "
           "by a worker straight after its previous call.",
           [](const pool_stats& p) { return p.wakeups.load(relaxed); });

  // Every kind, zeros included: rate() needs the series before the first error.
  w.family("actorgate_pool_errors_total", metric_type::counter, "Calls that failed, by kind.");
  for (const auto& p : pools)
    for (auto k : error_kinds)
      w.sample("actorgate_pool_errors_total", {{"pool", p->name}, {"kind", kind_label(k)}},
               p->errors_of(k));

  per_pool(w, pools, "actorgate_pool_discovered_endpoints", metric_type::gauge,
           "Endpoints found by DNS discovery (dns: items of endpoints) in its last good answer; "
           "0 for a pool without dns: items.",
           [](const pool_stats& p) { return u64(p.discovered.load(relaxed)); });
  per_pool(w, pools, "actorgate_pool_dns_failures_total", metric_type::counter,
           "Resolutions of a dns: name that failed or came back empty (the pool then keeps the "
           "last good addresses).",
           [](const pool_stats& p) { return p.dns_failures.load(relaxed); });
  per_pool(w, pools, "actorgate_pool_circuit_open", metric_type::gauge,
           "1 while every endpoint is ejected and the pool fails calls at once, else 0.",
           [](const pool_stats& p) { return u64(p.circuit_open.load(relaxed) ? 1 : 0); });

  // A state set: one series per state, 1 for the current one. Queries read
  // naturally (actorgate_pool_endpoint_state{state="ejected"} == 1) and a
  // dashboard needs no table of numeric codes.
  w.family("actorgate_pool_endpoint_state", metric_type::gauge,
           "Health of each backend endpoint: 1 for its current state, 0 for the others.");
  for (const auto& p : pools)
    p->each_endpoint([&](const rpc::endpoint_stats& e) {
      if (e.removed.load(relaxed)) // gone from DNS: its series go too
        return;
      auto now = e.state.load(relaxed);
      for (auto s : endpoint_states)
        w.sample("actorgate_pool_endpoint_state",
                 {{"pool", p->name}, {"endpoint", e.address}, {"state", rpc::to_string(s)}},
                 u64(s == now ? 1 : 0));
    });

  per_endpoint(w, pools, "actorgate_pool_endpoint_calls_total", metric_type::counter,
               "Calls sent to the endpoint.",
               [](const endpoint_stats& e) { return e.calls.load(relaxed); });
  per_endpoint(w, pools, "actorgate_pool_endpoint_failures_total", metric_type::counter,
               "Calls to the endpoint that failed.",
               [](const endpoint_stats& e) { return e.failures.load(relaxed); });
  per_endpoint(w, pools, "actorgate_pool_endpoint_health_check_failures_total",
               metric_type::counter,
               "Health checks of the endpoint (a connect, closed at once) that did not connect.",
               [](const endpoint_stats& e) { return e.failed_checks.load(relaxed); });
  per_endpoint(w, pools, "actorgate_pool_endpoint_outstanding_calls", metric_type::gauge,
               "Calls on their way to the endpoint now.",
               [](const endpoint_stats& e) { return u64(e.outstanding.load(relaxed)); });
}

} // namespace actorgate::metrics
