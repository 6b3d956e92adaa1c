// pool: an event-based actor fronting N workers (blocking actors, one OS
// thread each, holding one Thrift connection per backend endpoint). A job
// goes to a free worker, so a slow call does not hold up calls behind it;
// when every worker is busy, jobs wait in a bounded queue, and past the bound
// the caller gets backend_errc::overloaded at once. Calls wait started (their
// endpoint picked) in a list the workers take from themselves when they
// finish a call: under load a worker goes from call to call without sleeping,
// and the pool's thread wakes no one. Short calls wait there even while a
// worker sleeps, as long as workers whose call began less than
// pool_options::chain_wait ago will get to them within chain_wait (waking a
// thread costs more than such a call); if such a call turns out slow, what
// waits for it goes to a sleeping worker within max(1 ms, chain_wait).
//
// The pool also owns the endpoints' health. Each call goes to one endpoint,
// picked among the healthy ones (least outstanding calls, or round-robin).
// An endpoint that fails `eject_after` calls in a row is ejected and probed
// back (a connect, by the pool itself) after a backoff that doubles, with
// jitter. Every health_options::check_interval the pool also checks each
// endpoint with a connect of its own, closed at once (health_check.hpp), so
// that an endpoint whose backend died or came back while no call went to it
// is ejected or taken back all the same. When every endpoint is ejected the
// circuit is open: calls fail with backend_errc::unavailable at once instead
// of each waiting for a connect timeout (the policy: endpoint_health.hpp). A
// failed call is retried on another endpoint when that is safe (the request
// never left, or the job is idempotent), within a retry budget
// (retry_budget.hpp) and never past the deadline.
//
// Endpoints may also come from DNS (pool_options::discover, discovery.hpp):
// they are then only ever appended, and one that leaves the answer is marked
// inactive rather than erased, so that an endpoint index held by a call, an
// outcome or a probe keeps its meaning while the set changes.
//
// pool.cpp takes calls and schedules them on the workers; pool_outcome.cpp
// handles what comes back (a worker's outcome, probes, health checks);
// pool_discovery.cpp turns DNS answers into endpoint changes.
//
// typed_pool.hpp is the usual way in. A pool may instead speak a domain
// protocol of its own, with handlers that turn its messages into jobs:
//
//   spawn_pool(sys, opts, host, [](pool_actor* self) {
//     return caf::message_handler{[self](my_atom, std::string arg, deadline d) {
//       return submit(self, job{[arg](connection& c) { ...; return caf::make_message(r); }, d});
//     }};
//   });
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/message.hpp>
#include <caf/message_handler.hpp>
#include <caf/response_promise.hpp>
#include <caf/result.hpp>
#include <caf/stateful_actor.hpp>

#include "actorgate/actors/deadline.hpp"
#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/rpc/connection.hpp"
#include "actorgate/rpc/discovery.hpp"
#include "actorgate/rpc/endpoint_health.hpp"
#include "actorgate/rpc/health_check.hpp"
#include "actorgate/rpc/pool_stats.hpp"
#include "actorgate/rpc/retry_budget.hpp"

namespace actorgate::rpc {

/// One backend call: runs on a worker's thread with an open connection. It
/// may throw Thrift exceptions; the worker maps them to backend_errc.
struct job {
  std::function<caf::message(connection&)> call;
  actorgate::deadline due;
  /// Safe to run twice (a read, a put of the same value): the pool may retry
  /// it after the request may have reached the backend.
  bool idempotent = false;
  /// The caller's request::client_gone_flag, if any: a call whose client is
  /// gone is dropped before it starts (backend_errc::abandoned).
  std::shared_ptr<const std::atomic<bool>> client_gone;

  bool abandoned() const { return client_gone && client_gone->load(std::memory_order_acquire); }
};

enum class balance_kind { least_outstanding, round_robin };

/// Parses "least-outstanding" or "round-robin".
bool parse_balance(const std::string& s, balance_kind& out);
const char* to_string(balance_kind b);

struct pool_options {
  std::size_t workers = 8;
  std::size_t queue_limit = 256;
  /// How long a call may be expected to wait for a busy worker, at the pace
  /// of recent calls, before a sleeping one is woken for it (zero: always
  /// wake one). Waking a thread costs both threads a system call and a
  /// context switch, more than a short call itself; see chained_wait in
  /// pool.cpp.
  std::chrono::microseconds chain_wait{200};
  /// Each worker connects to an endpoint when it first calls it. At least
  /// one, unless `discover` has a name.
  std::vector<endpoint> endpoints{endpoint{}};
  /// Names whose A and AAAA records are endpoints too ("dns:NAME:PORT" in
  /// [backend] endpoints): host is the name, and each address found takes
  /// the port, transport and timeouts (discovery.hpp).
  std::vector<endpoint> discover;
  /// How often the names are resolved again.
  std::chrono::milliseconds dns_refresh{5000};
  /// "ip:port,..." asked instead of the system's resolver configuration.
  std::string dns_servers;
  balance_kind balance = balance_kind::least_outstanding;
  health_options health;
  retry_options retry;
  /// Where the pool publishes its numbers; spawn_pool() makes one if null.
  std::shared_ptr<pool_stats> stats;
};

/// A job on its way to a worker: which endpoint it goes to. The ticket names
/// the pool's record of the call.
struct attempt {
  job work;
  std::size_t endpoint = 0;
  std::size_t ticket = 0;
};

class doorbell; // rpc/worker.hpp

/// Started calls that wait for the next worker to finish (see above). The
/// pool pushes; workers pop between calls, and the pool when it learns that a
/// worker went idle; the pool drops those whose deadline passed when its
/// queue is full, and all as it ends.
class ready_calls {
public:
  void push(attempt a) {
    std::lock_guard<std::mutex> g{m_};
    q_.push_back(std::move(a));
    n_.store(q_.size(), std::memory_order_relaxed);
  }
  std::optional<attempt> pop() {
    if (size() == 0) // a worker asks after every call, mostly in vain
      return std::nullopt;
    std::lock_guard<std::mutex> g{m_};
    if (q_.empty())
      return std::nullopt;
    std::optional<attempt> a{std::move(q_.front())};
    q_.pop_front();
    n_.store(q_.size(), std::memory_order_relaxed);
    return a;
  }
  /// Without the lock: the pool reads it several times per call to decide,
  /// and a worker may take a call a moment later either way.
  std::size_t size() const { return n_.load(std::memory_order_relaxed); }
  void clear() {
    std::lock_guard<std::mutex> g{m_};
    q_.clear();
    n_.store(0, std::memory_order_relaxed);
  }
  /// Takes out the calls whose deadline has passed or whose client left.
  std::vector<attempt> take_unwanted() {
    std::vector<attempt> out;
    std::lock_guard<std::mutex> g{m_};
    for (auto i = q_.begin(); i != q_.end();) {
      if (i->work.due.expired() || i->work.abandoned()) {
        out.push_back(std::move(*i));
        i = q_.erase(i);
      } else {
        ++i;
      }
    }
    n_.store(q_.size(), std::memory_order_relaxed);
    return out;
  }

private:
  std::mutex m_;
  std::deque<attempt> q_;
  std::atomic<std::size_t> n_{0};
};

/// What a worker reports after running an attempt; the job comes back so
/// that the pool can retry it.
struct outcome {
  std::size_t worker = 0;
  std::size_t endpoint = 0;
  std::size_t ticket = 0;
  /// The worker went on with a call from ready_calls: it is not idle.
  bool took_next = false;
  job work;
  caf::message result;
  caf::error error;
  /// The connection was opened for this call.
  bool fresh = false;
  /// The call ran out of the endpoint's call timeout (not the deadline).
  bool call_timeout_hit = false;
  clock::time_point started;
  /// How long the worker spent on the call, connect included.
  clock::duration took{};
};

struct pool_state {
  struct pending {
    job work;
    caf::response_promise promise; // unused by a probe
    std::size_t attempts = 0;
    /// An endpoint to avoid (the one that just failed), or the one a probe
    /// must go to.
    std::optional<std::size_t> avoid, only;
    /// The pool's own connect to an ejected endpoint, not a caller's call.
    bool probe = false;
  };
  pool_options opts;
  std::shared_ptr<pool_stats> stats;
  std::vector<caf::actor> workers;
  std::vector<std::shared_ptr<doorbell>> bells; // by worker
  std::vector<std::size_t> idle;                // worker indexes
  std::vector<std::optional<pending>> calls;    // started calls, by ticket
  std::vector<std::size_t> free_tickets;
  std::shared_ptr<ready_calls> ready;
  std::deque<pending> queue; // not started yet
  /// The pool publishes each endpoint's state in stats->endpoints, whose
  /// calls in flight (outstanding) it keeps there too; only it writes them.
  endpoint_health health;
  retry_budget budget; // of retries
  /// When the pool last said that an endpoint's threads are all taken.
  std::vector<clock::time_point> exhaustion_reported;
  std::size_t next = 0; // round-robin cursor
  /// Moving average of outcome::took; zero until a call has finished.
  clock::duration service{};
  /// When each worker began its current call, as far as the pool knows;
  /// the clock's epoch while it is idle.
  std::vector<clock::time_point> busy_since;
  bool nudge_armed = false;
  /// Runs the health checks on a thread of its own; invalid while checks
  /// are off.
  caf::actor checker;
  /// A round of checks is out at the checker: a tick that finds one out
  /// sends none, so that rounds do not pile up behind a slow one.
  bool check_out = false;
  /// By endpoint (opts.endpoints grows with DNS discovery; see
  /// discovery.hpp): found in DNS rather than listed.
  std::vector<bool> discovered;
  /// What the workers read opts.endpoints and the health's active flags from.
  std::shared_ptr<endpoint_table> table;
  /// Resolves opts.discover's names; invalid without them.
  caf::actor resolver;
  /// By name of opts.discover: its last good addresses, and whether its
  /// last resolution failed (said once on stderr, until it succeeds).
  std::vector<std::vector<std::string>> last_good;
  std::vector<bool> dns_failing;
  static inline const char* name = "actorgate.pool";
};

/// A pool may run on an HTTP IO thread (see actors/hosted_actor.hpp): it
/// only books jobs and never blocks.
using pool_actor = caf::stateful_actor<pool_state, hosted_actor>;

/// Submits `j` to the pool: an idle worker or a busy one soon runs it, or it
/// waits in the queue. The pool answers the sender of the message being
/// handled, with the job's message or a backend error (at once if the
/// circuit is open or the queue full).
caf::result<caf::message> submit(pool_actor* self, job j);

/// Spawns a pool and its workers. `domain(self)` gives the handlers that turn
/// the pool's messages into jobs (each calls submit()); `host` may be null
/// (the pool then runs on CAF's scheduler). Throws std::invalid_argument if
/// `opts` has no endpoint or no worker.
caf::actor spawn_pool(caf::actor_system& sys, const pool_options& opts, actor_host* host,
                      std::function<caf::message_handler(pool_actor*)> domain);

} // namespace actorgate::rpc

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::rpc::job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::rpc::attempt)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::rpc::outcome)
