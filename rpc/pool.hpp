// pool: an event-based actor fronting N workers (blocking actors, one OS
// thread and one Thrift connection each). A job goes only to an idle worker,
// so one slow call never holds up calls queued behind it; when every worker
// is busy, jobs wait in a bounded queue, and past the bound the caller gets
// backend_errc::overloaded at once.
//
// typed_pool.hpp is the usual way in. A pool may instead speak a domain
// protocol of its own, with handlers that turn its messages into jobs:
//
//   spawn_pool(sys, opts, host, [](pool_actor* self) {
//     return caf::message_handler{[self](my_atom, std::string arg, deadline d) {
//       return dispatch(self, job{[arg](connection& c) { ...; return caf::make_message(r); }, d});
//     }};
//   });
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message.hpp>
#include <caf/message_handler.hpp>
#include <caf/response_promise.hpp>
#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/deadline.hpp"
#include "actors/hosted_actor.hpp"
#include "rpc/connection.hpp"
#include "rpc/pool_stats.hpp"

namespace actorgate::rpc {

/// One backend call: runs on a worker's thread with its open connection. It
/// may throw Thrift exceptions; the worker maps them to backend_errc.
struct job {
  std::function<caf::message(connection&)> call;
  actorgate::deadline due;
};

struct worker_options {
  endpoint target;
  /// First wait after a failed connect; doubles up to backoff_max.
  std::chrono::milliseconds backoff_initial{50};
  std::chrono::milliseconds backoff_max{1000};
};

struct pool_options {
  std::size_t workers = 8;
  std::size_t queue_limit = 256;
  worker_options worker;
  /// Where the pool publishes its numbers; spawn_pool() makes one if null.
  std::shared_ptr<pool_stats> stats;
};

struct pool_state {
  struct pending {
    job work;
    caf::response_promise promise;
  };
  std::vector<caf::actor> idle;
  std::deque<pending> queue;
  std::size_t queue_limit = 0;
  std::shared_ptr<pool_stats> stats;
  static inline const char* name = "actorgate.pool";
};

/// A pool may run on an HTTP IO thread (see actors/hosted_actor.hpp): it
/// only books jobs and never blocks.
using pool_actor = caf::stateful_actor<pool_state, hosted_actor>;

/// Hands `j` to an idle worker or queues it. The worker answers the sender of
/// the message being handled, with the job's message or a backend error.
caf::result<caf::message> dispatch(pool_actor* self, job j);

/// Spawns a pool and its workers. `domain(self)` gives the handlers that turn
/// the pool's messages into jobs (each calls dispatch()); `host` may be null
/// (the pool then runs on CAF's scheduler).
caf::actor spawn_pool(caf::actor_system& sys, const pool_options& opts, actor_host* host,
                      std::function<caf::message_handler(pool_actor*)> domain);

} // namespace actorgate::rpc

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::rpc::job)
