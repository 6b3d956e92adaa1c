// typed_pool<Client>: a pool of blocking workers for any Thrift-generated
// client type. A call is a function of the client, run on a worker's thread
// with that worker's connection; the route actor gets the function's result
// or a backend error (backend_errc: overloaded, unavailable, timeout,
// transport, application, exhausted) as a CAF response, and never blocks.
// Calls that are safe to repeat say so (rpc::idempotent) and may then be
// retried on another endpoint after a failure.
//
//   auto pool = rpc::spawn_typed_pool<ComputeClient>(sys, opts, server.host());
//   ...inside a route actor:
//   pool.call(self, req, [msg](ComputeClient& c) {   // bounded by req.deadline
//         std::string r;
//         c.echo(r, msg);
//         return r;
//       })
//     .then([h](std::string& r) { h.answer(response::text(200, r)); },
//           [h](caf::error& e) { h.answer(error_response(e)); });
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/make_message.hpp>
#include <caf/unit.hpp>

#include "actorgate/actors/backend_timer.hpp"
#include "actorgate/actors/deadline.hpp"
#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/actors/request.hpp"
#include "actorgate/rpc/connection.hpp"
#include "actorgate/rpc/pool.hpp"

namespace actorgate::rpc {

/// (call_atom, job) -> the job's result: the message of a generic pool.
using call_atom = caf::atom_constant<caf::atom("ag_call")>;

/// A job that builds a `Client` on the worker's connection and calls `f` on
/// it; a void `f` answers caf::unit. The time `f` takes is added to `timer`
/// if there is one: the backend's share of a request, without the queue.
/// An `idempotent` job may be retried after it may have reached the backend.
template <class Client, class F>
job make_job(deadline due, F f, std::shared_ptr<backend_timer> timer = nullptr,
             bool idempotent = false,
             std::shared_ptr<const std::atomic<bool>> client_gone = nullptr) {
  return job{[f = std::move(f), timer = std::move(timer)](connection& conn) {
               Client client{conn.protocol()};
               backend_timer::scope timed{timer.get()};
               if constexpr (std::is_void_v<decltype(f(client))>) {
                 f(client);
                 return caf::make_message(caf::unit);
               } else {
                 return caf::make_message(f(client));
               }
             },
             due, idempotent, std::move(client_gone)};
}

/// Tag for typed_pool::call: the call may be retried after a failure even if
/// it may have reached the backend (a read, or a write of the same value).
struct idempotent_t {};
inline constexpr idempotent_t idempotent{};

/// Spawns a pool that runs any job sent as (call_atom, job).
caf::actor spawn_generic_pool(caf::actor_system& sys, const pool_options& opts,
                              actor_host* host = nullptr);

template <class Client> class typed_pool {
public:
  typed_pool() = default;
  explicit typed_pool(caf::actor pool) : pool_(std::move(pool)) {}

  /// Calls f(Client&) on a worker, bounded by `due`; returns CAF's response
  /// handle, to be completed with .then(on_result, on_error).
  template <class F> auto call(caf::event_based_actor* self, deadline due, F f) const {
    return send(self, make_job<Client>(due, std::move(f)));
  }

  /// The same, on behalf of `req`: bounded by req.deadline, the call's time
  /// added to the request's backend time (see the access log), and dropped
  /// unrun if the client leaves while the call waits for a worker.
  template <class F> auto call(caf::event_based_actor* self, const request& req, F f) const {
    return send(self, make_job<Client>(req.deadline, std::move(f), req.backend_time, false,
                                       req.client_gone_flag));
  }

  /// Either of the above for a call that is safe to repeat: after a broken
  /// connection or a call timeout the pool may retry it on another endpoint.
  template <class F>
  auto call(caf::event_based_actor* self, deadline due, idempotent_t, F f) const {
    return send(self, make_job<Client>(due, std::move(f), nullptr, true));
  }
  template <class F>
  auto call(caf::event_based_actor* self, const request& req, idempotent_t, F f) const {
    return send(self, make_job<Client>(req.deadline, std::move(f), req.backend_time, true,
                                       req.client_gone_flag));
  }

  const caf::actor& actor() const { return pool_; }

private:
  auto send(caf::event_based_actor* self, job j) const {
    // No CAF timeout: the worker bounds the call by the job's deadline and
    // always answers.
    return self->request(pool_, caf::infinite, call_atom::value, std::move(j));
  }

  caf::actor pool_;
};

template <class Client>
typed_pool<Client> spawn_typed_pool(caf::actor_system& sys, const pool_options& opts,
                                    actor_host* host = nullptr) {
  return typed_pool<Client>{spawn_generic_pool(sys, opts, host)};
}

} // namespace actorgate::rpc
