#include "actorgate/rpc/worker.hpp"

#include <deque>
#include <optional>

#include <caf/blocking_actor.hpp>
#include <caf/send.hpp>

#include <thrift/TApplicationException.h>
#include <thrift/transport/TTransportException.h>

#include "actorgate/actors/errors.hpp"

namespace actorgate::rpc {

namespace {

using apache::thrift::TException;
using apache::thrift::transport::TTransportException;
using std::chrono::milliseconds;

milliseconds ms_left(const deadline& d, milliseconds cap) {
  return std::chrono::duration_cast<milliseconds>(d.remaining_or(cap));
}

// Runs `a` on the worker's connection to its endpoint and fills `out`.
void run(std::deque<connection>& conns, attempt& a, outcome& out) {
  auto& j = a.work;
  out.started = clock::now();
  if (j.due.expired()) {
    out.error = make_error(backend_errc::timeout, "deadline passed in the queue");
    return;
  }
  // A call started for a worker that was busy: its client may have left
  // while it waited in the ready list.
  if (j.abandoned()) {
    out.error = make_error(backend_errc::abandoned);
    return;
  }
  if (a.endpoint >= conns.size()) { // cannot happen: the table is published first
    out.error = make_error(backend_errc::unavailable, "unknown endpoint");
    return;
  }
  auto& conn = conns[a.endpoint];
  if (conn.is_open() && conn.stale())
    conn.close();
  if (!conn.is_open()) {
    try {
      conn.open(ms_left(j.due, conn.target().connect_timeout));
      out.fresh = true;
    } catch (const std::exception& e) {
      out.error = make_error(backend_errc::unavailable, e.what());
      return;
    }
  }
  if (!j.call)
    return; // a probe: connected is all it asks
  auto cap = conn.target().call_timeout;
  auto limit = ms_left(j.due, cap);
  if (limit <= milliseconds::zero()) {
    out.error = make_error(backend_errc::timeout, "deadline passed before the call");
    return;
  }
  conn.set_call_timeout(limit);
  try {
    out.result = j.call(conn);
  } catch (const TTransportException& e) {
    conn.close();
    if (e.getType() == TTransportException::TIMED_OUT) {
      // The endpoint's own bound ran out, not just what the deadline left.
      out.call_timeout_hit = limit >= cap;
      out.error = make_error(backend_errc::timeout, e.what());
    } else {
      out.error = make_error(backend_errc::transport, e.what());
    }
  } catch (const apache::thrift::TApplicationException& e) {
    // The reply was read in full: the connection is still in step.
    out.error = make_error(backend_errc::application, e.what());
  } catch (const std::exception& e) {
    conn.close();
    out.error = make_error(backend_errc::application, e.what());
  }
}

// The worker's view of the pool's endpoints (discovery.hpp): grown when the
// table grew, and a connection to an endpoint that left closed, between
// calls. A call already started for it still runs (it drains), on a new
// connection if need be, and its connection is closed after it.
struct endpoint_view {
  explicit endpoint_view(std::shared_ptr<const endpoint_table> t) : table(std::move(t)) { sync(); }
  std::shared_ptr<const endpoint_table> table;
  std::uint64_t seen = ~std::uint64_t{0}; // none read yet
  std::vector<bool> active;
  std::deque<connection> conns; // connections neither copy nor move

  void sync() {
    if (table->version() == seen)
      return;
    std::vector<endpoint> eps;
    seen = table->read(eps, active);
    for (auto i = conns.size(); i < eps.size(); ++i)
      conns.emplace_back(std::move(eps[i]));
    for (std::size_t i = 0; i < conns.size() && i < active.size(); ++i)
      if (!active[i])
        conns[i].close();
  }
  void after_call(std::size_t ep) {
    if (ep < active.size() && !active[ep])
      conns[ep].close();
  }
};

} // namespace

void worker_loop(caf::blocking_actor* self, caf::actor pool, std::size_t index,
                 std::shared_ptr<const endpoint_table> table, std::shared_ptr<ready_calls> ready,
                 std::shared_ptr<doorbell> bell) {
  endpoint_view view{std::move(table)};
  // The pool's exit message is not awaited in the mailbox: the pool closes
  // the bell as it ends, and the wait below looks at it at least once a
  // second. Nobody is left to take the answer of a call begun after that,
  // so none is.
  while (!bell->closed()) {
    auto a = bell->wait(std::chrono::seconds(1));
    // Also after a second asleep: an idle worker closes connections to
    // endpoints that left, too.
    view.sync();
    for (; a && !bell->closed();) {
      outcome out;
      out.worker = index;
      out.endpoint = a->endpoint;
      out.ticket = a->ticket;
      // The pool published the table before it started a call on a new
      // endpoint: the version, read after the call was handed over, says so.
      view.sync();
      run(view.conns, *a, out);
      view.after_call(a->endpoint);
      out.took = clock::now() - out.started;
      out.work = std::move(a->work);
      // After a failure the pool decides where this worker goes next; a call
      // dropped unrun left the connection as it was.
      bool chain = !out.error || is_error(out.error, backend_errc::abandoned);
      a = chain ? ready->pop() : std::nullopt;
      out.took_next = a.has_value();
      self->send(pool, done_atom::value, std::move(out));
    }
  }
}

} // namespace actorgate::rpc
