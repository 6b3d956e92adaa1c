// health_check: the pool's active health checks, a TCP connect to each
// endpoint that is closed as soon as it is made, run by an actor of its own.
//
// Why not on the pool's thread: the pool may run on an HTTP IO thread, and a
// connect to a host that drops SYNs blocks for the whole connect timeout.
// Why not on a worker, as probes are: a check would then hold a worker for
// up to the connect timeout just when a call may arrive (with pool-size=1,
// the only one), and checks would stop whenever every worker is busy. So one
// thread per pool makes all of a round's connects at once, non-blocking, in
// one poll(): a black-holed endpoint delays no other's check, and a round
// takes at most the longest connect timeout.
//
// Why the connection is closed at once, with a FIN: a TThreadPoolServer
// gives each connection it accepts a thread, so a check must not hold one
// (nor count against pool-size x gateways <= backend threads). The backend
// reads EOF at once, which Thrift's servers take silently; a reset (SO_LINGER
// 0) would be logged as an error on every check.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "actorgate/rpc/connection.hpp"
#include "actorgate/rpc/endpoint_health.hpp"

namespace actorgate::rpc {

/// Connects to every one of `targets` at once, each within its
/// connect_timeout, trying each address its host resolves to in turn, and
/// closes every connection as soon as it is made. What each found, in the
/// order of `targets`. Returns within about 100 ms once `stop` is set,
/// with `failed` for the checks not done.
std::vector<check_result> check_connects(const std::vector<endpoint>& targets,
                                         const std::atomic<bool>& stop);

/// One round of checks: the pool fills `endpoints` (indexes into its list),
/// the checker `results` (one per endpoint, in that order).
struct health_round {
  std::vector<std::size_t> endpoints;
  /// Their addresses, if given; else the checker's own list by index.
  std::vector<endpoint> targets;
  std::vector<check_result> results;
};

/// (check_atom, health_round): check these endpoints.
using check_atom = caf::atom_constant<caf::atom("ag_hcheck")>;
/// (checked_atom, health_round): the checker's answer, to the sender.
using checked_atom = caf::atom_constant<caf::atom("ag_hchkd")>;

/// The actor that runs the rounds a pool sends it, one at a time, on a thread
/// of its own (spawn it caf::detached). `stop` cuts a round short as the pool
/// ends.
caf::behavior health_checker(caf::event_based_actor* self, std::vector<endpoint> endpoints,
                             std::shared_ptr<const std::atomic<bool>> stop);

} // namespace actorgate::rpc

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::rpc::health_round)
