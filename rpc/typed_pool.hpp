// typed_pool<Client>: a pool of blocking workers for any Thrift-generated
// client type. A call is a function of the client, run on a worker's thread
// with that worker's connection; the route actor gets the function's result
// — any type: a Thrift struct, a vector of them, an optional — or a backend
// error (backend_errc: overloaded, unavailable, timeout, transport,
// application, exhausted, abandoned), and never blocks. A declared Thrift
// exception can be mapped to an HTTP status once per pool.
//
//   auto shop = gw.pool<ShopClient>("shop").map_exception<NotFound>(404);
//   ...inside a route actor:
//   shop.call(self, req, [id](ShopClient& c) {    // bounded by req.deadline
//         Item it;
//         c.get(it, id);
//         return it;
//       })
//     .answer(h, [](Item& it) { return response::json(200, to_json(it)); });
//     // errors, NotFound included: error_response(e) -> 404, 503, 504, 502
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/make_message.hpp>
#include <caf/unit.hpp>
#include <thrift/TApplicationException.h>
#include <thrift/protocol/TProtocolException.h>
#include <thrift/transport/TTransportException.h>

#include "actorgate/actors/backend_timer.hpp"
#include "actorgate/actors/deadline.hpp"
#include "actorgate/actors/errors.hpp"
#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/actors/reply_handle.hpp"
#include "actorgate/actors/request.hpp"
#include "actorgate/rpc/connection.hpp"
#include "actorgate/rpc/pool.hpp"

namespace actorgate::rpc {

/// (call_atom, job) -> the job's result: the message of a generic pool.
using call_atom = caf::atom_constant<caf::atom("ag_call")>;

/// A call's result on its way from a worker to the caller, of whatever type
/// the call returned. One type for CAF to carry (in-process only), so a
/// result type needs no CAF registration; typed_pool unpacks it as the type
/// it packed.
struct call_result {
  std::shared_ptr<void> value;

  /// The result as the type the call returned (caf::unit_t for void).
  template <class T> T& as() { return *static_cast<T*>(value.get()); }
};

/// A declared exception turned into an answer, at the worker.
using exception_mapper = std::function<std::optional<caf::error>(std::exception_ptr)>;
using exception_mappers = std::vector<exception_mapper>;

namespace detail {

// Whether T has printTo(std::ostream&) const, as Thrift's generated types do.
template <class T, class = void> struct prints_to : std::false_type {};
template <class T>
struct prints_to<
    T, std::void_t<decltype(std::declval<const T&>().printTo(std::declval<std::ostream&>()))>>
    : std::true_type {};

template <class T> std::string exception_text(const T& e) {
  if constexpr (std::is_base_of_v<std::exception, T>) {
    // A Thrift exception prints its fields: "NotFound(key=k1)".
    if constexpr (prints_to<T>::value) {
      std::ostringstream out;
      e.printTo(out);
      return out.str();
    } else {
      return e.what();
    }
  } else {
    return typeid(T).name();
  }
}

} // namespace detail

/// A job that builds a `Client` on the worker's connection and calls `f` on
/// it; a void `f` answers caf::unit. The time `f` takes is added to `timer`
/// if there is one: the backend's share of a request, without the queue.
/// An exception that one of `mappers` maps is the call's answer (the
/// connection stays in step: the reply was read in full).
template <class Client, class F>
job make_job(deadline due, F f, std::shared_ptr<backend_timer> timer = nullptr,
             bool idempotent = false,
             std::shared_ptr<const std::atomic<bool>> client_gone = nullptr,
             std::shared_ptr<const exception_mappers> mappers = nullptr) {
  return job{
      [f = std::move(f), timer = std::move(timer), mappers = std::move(mappers)](connection& conn) {
        Client client{conn.protocol()};
        backend_timer::scope timed{timer.get()};
        try {
          using R = decltype(f(client));
          if constexpr (std::is_void_v<R>) {
            f(client);
            return caf::make_message(call_result{std::make_shared<caf::unit_t>()});
          } else {
            return caf::make_message(call_result{std::make_shared<R>(f(client))});
          }
        } catch (const apache::thrift::transport::TTransportException&) {
          throw; // the connection's trouble, not a declared exception: the worker's
        } catch (const apache::thrift::protocol::TProtocolException&) {
          throw;
        } catch (const apache::thrift::TApplicationException&) {
          throw;
        } catch (...) {
          if (mappers)
            for (const auto& m : *mappers)
              if (auto e = m(std::current_exception()))
                return caf::make_message(std::move(*e));
          throw; // the worker maps transport and application errors
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

/// A call on its way: complete it with .then(on_result, on_error) or
/// .answer(h, to_response). on_result takes the call's result as T& (or
/// caf::unit_t for a void call).
template <class T, class Handle> class pending_call {
public:
  explicit pending_call(Handle h) : handle_(std::move(h)) {}

  template <class OnResult, class OnError> void then(OnResult on_result, OnError on_error) {
    handle_.then([f = std::move(on_result)](call_result& r) mutable { f(r.template as<T>()); },
                 std::move(on_error));
  }

  /// Answers `h` with to_response(result), or an error with error_response:
  /// the usual end of a route's call.
  template <class ToResponse> void answer(reply_handle h, ToResponse to_response) {
    then([h, f = std::move(to_response)](T& r) mutable { h.answer(f(r)); },
         [h](const caf::error& e) { h.answer(error_response(e)); });
  }

private:
  Handle handle_;
};

template <class Client> class typed_pool {
public:
  typed_pool() = default;
  explicit typed_pool(caf::actor pool) : pool_(std::move(pool)) {}

  /// Calls f(Client&) on a worker on behalf of `req`: bounded by
  /// req.deadline, its time added to the request's backend time (the access
  /// log), and dropped unrun if the client leaves while it waits for a
  /// worker. This is the call to use in a route actor.
  template <class F> auto call(caf::event_based_actor* self, const request& req, F f) const {
    return send<F>(self, make_job<Client>(req.deadline, std::move(f), req.backend_time, false,
                                          req.client_gone_flag, mappers_));
  }
  /// The same for a call that is safe to repeat: after a broken connection
  /// or a call timeout the pool may retry it on another endpoint.
  template <class F>
  auto call(caf::event_based_actor* self, const request& req, idempotent_t, F f) const {
    return send<F>(self, make_job<Client>(req.deadline, std::move(f), req.backend_time, true,
                                          req.client_gone_flag, mappers_));
  }

  /// Lower level: a call bounded by `due` alone, for work that is not on
  /// behalf of one request (a cache refresh, a start-up check). It adds to
  /// no request's backend time and is not dropped when a client leaves.
  template <class F> auto call_until(caf::event_based_actor* self, deadline due, F f) const {
    return send<F>(self, make_job<Client>(due, std::move(f), nullptr, false, nullptr, mappers_));
  }
  template <class F>
  auto call_until(caf::event_based_actor* self, deadline due, idempotent_t, F f) const {
    return send<F>(self, make_job<Client>(due, std::move(f), nullptr, true, nullptr, mappers_));
  }

  /// A copy of this pool on which the declared exception E (thrown by the
  /// generated client) answers `status`, with the exception's fields as the
  /// error text: {"error":"NotFound(key=k1)","status":404}.
  template <class E> typed_pool map_exception(unsigned status) const {
    auto more = std::make_shared<exception_mappers>(mappers_ ? *mappers_ : exception_mappers{});
    more->push_back([status](std::exception_ptr p) -> std::optional<caf::error> {
      try {
        std::rethrow_exception(p);
      } catch (const E& e) {
        return make_http_error(status, detail::exception_text(e));
      } catch (...) {
        return std::nullopt;
      }
    });
    typed_pool out{pool_};
    out.mappers_ = std::move(more);
    return out;
  }

  const caf::actor& actor() const { return pool_; }

private:
  template <class F> auto send(caf::event_based_actor* self, job j) const {
    using R = decltype(std::declval<F&>()(std::declval<Client&>()));
    using T = std::conditional_t<std::is_void_v<R>, caf::unit_t, R>;
    // No CAF timeout: the worker bounds the call by the job's deadline and
    // always answers.
    auto h = self->request(pool_, caf::infinite, call_atom::value, std::move(j));
    return pending_call<T, decltype(h)>{std::move(h)};
  }

  caf::actor pool_;
  std::shared_ptr<const exception_mappers> mappers_;
};

template <class Client>
typed_pool<Client> spawn_typed_pool(caf::actor_system& sys, const pool_options& opts,
                                    actor_host* host = nullptr) {
  return typed_pool<Client>{spawn_generic_pool(sys, opts, host)};
}

} // namespace actorgate::rpc

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::rpc::call_result)
