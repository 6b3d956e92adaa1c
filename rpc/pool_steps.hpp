// pool_steps: the pool actor's steps that its two files share (private to
// rpc/). pool.cpp takes callers' calls and schedules them on the workers;
// pool_outcome.cpp handles what comes back: a worker's outcome, the probes
// that bring an ejected endpoint back, and the health checks. All of them run
// on the pool's own thread (the actor's), one at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include "actorgate/rpc/pool.hpp"

namespace actorgate::rpc::detail {

using pending = pool_state::pending;
/// (probe_atom, endpoint index): the wait before a probe of that endpoint is over.
using probe_atom = caf::atom_constant<caf::atom("ag_probe")>;
/// (check_tick_atom): time for the next round of health checks.
using check_tick_atom = caf::atom_constant<caf::atom("ag_htick")>;
/// (dns_tick_atom): time to resolve the pool's dns: names again.
using dns_tick_atom = caf::atom_constant<caf::atom("ag_dnstick")>;

constexpr auto relaxed = std::memory_order_relaxed;

// ---- pool.cpp --------------------------------------------------------------

/// Answers a call that will not run (again); probes have no promise.
void fail(pool_state& st, pending& p, caf::error e);
/// Ends the pool's record of a started call: gives back its ticket and its
/// place on the endpoint, and returns the call.
pending take_call(pool_state& st, std::size_t ticket, std::size_t endpoint);
/// Marks worker `w` idle: at the back of the idle list, which is taken from
/// first, or at the front if it is the last resort.
void park(pool_state& st, std::size_t w, bool last_resort);
/// Gives worker `w`, which has nothing to do, the next started call or the
/// next queued one, or marks it idle (see park).
void next_for(pool_actor* self, std::size_t w, bool last_resort);
/// Balances the workers against the calls that wait.
void rebalance(pool_actor* self);
/// Queues `p`, first in line if `urgent` (retries and probes), and
/// rebalances.
void enqueue(pool_actor* self, pending p, bool urgent);

// ---- pool_outcome.cpp ------------------------------------------------------

/// Ejects endpoint `ep` at once and sends its probe later.
void eject(pool_actor* self, std::size_t ep);
/// A worker's outcome: (done_atom, outcome).
void on_done(pool_actor* self, outcome& o);
/// The wait before a probe of `ep` is over: (probe_atom, ep).
void on_probe(pool_actor* self, std::size_t ep);
/// Time for a round of health checks: (check_tick_atom).
void on_check_tick(pool_actor* self);
/// A round of health checks is back from the checker: (checked_atom, round).
void on_checked(pool_actor* self, health_round& round);

// ---- pool_discovery.cpp ------------------------------------------------------

/// How long one try of a resolution may take: a refresh interval at most
/// (an answer later than the next beat is stale), between 100 ms and 2 s.
std::chrono::milliseconds dns_try_timeout(const pool_options& o);
/// Time to resolve again: (dns_tick_atom).
void on_dns_tick(pool_actor* self);
/// A round of resolution is back (or the first one, made by spawn_pool()):
/// the endpoints follow the answers, and the next round is set.
void on_resolved(pool_actor* self, dns_round& round);

} // namespace actorgate::rpc::detail
