// pool_outcome: what comes back to the pool. A worker's outcome goes through
// four steps, each on its own: record it (the pace of calls, the endpoint's
// numbers and health), decide a retry, answer the caller, and reassign the
// worker. Endpoint health itself is a policy (endpoint_health.hpp); here the
// pool publishes what it says and sends the probes it asks for. The health
// checks' rounds (health_check.hpp) are sent and taken in here too.
#include <chrono>
#include <iostream>

#include <caf/event_based_actor.hpp>

#include "actorgate/actors/errors.hpp"
#include "actorgate/rpc/pool_steps.hpp"

namespace actorgate::rpc::detail {

namespace {

using std::chrono::milliseconds;

// The endpoint's state as the health policy has it, for metrics and /ready.
void publish_state(pool_state& st, std::size_t ep) {
  st.stats->endpoints[ep]->state.store(st.health.state(ep), relaxed);
}

// Sends the probe of ejected endpoint `ep` after `wait`.
void probe_later(pool_actor* self, std::size_t ep, milliseconds wait) {
  publish_state(self->state, ep);
  self->delayed_send(self, wait, probe_atom::value, ep);
}

backend_errc code_of(const caf::error& e) {
  return static_cast<backend_errc>(e.code());
}

bool counts_as_failure(backend_errc e, const outcome& o) {
  return e == backend_errc::unavailable || e == backend_errc::transport ||
         (e == backend_errc::timeout && o.call_timeout_hit);
}

// TThreadPoolServer serves one connection per thread: a connection it
// accepted beyond its threads waits, silently, while the others answer. Said
// at most every 5 s per endpoint.
void report_exhaustion(pool_state& st, std::size_t ep) {
  auto now = clock::now();
  if (now - st.exhaustion_reported[ep] <= std::chrono::seconds(5))
    return;
  st.exhaustion_reported[ep] = now;
  std::cerr << "actorgate: pool '" << st.stats->name << "': backend "
            << st.stats->endpoints[ep]->address
            << " accepted a connection but never served it while its other connections "
               "answered: all its threads are taken (keep pool-size x gateways <= the "
               "backend's threads)\n";
}

// Books what a finished call tells: the pace of calls, the endpoint's
// numbers and its health (which may eject it and send a probe later). A
// timeout on a new connection while the endpoint's others answered becomes
// backend_errc::exhausted in `o.error`.
void record_outcome(pool_actor* self, const pending& p, outcome& o) {
  auto& st = self->state;
  auto ep = o.endpoint;
  auto& es = *st.stats->endpoints[ep];
  // The pace of calls that ran: a failure may have ended early (a refused
  // connect, a deadline) or late (a timeout), and says nothing of the next.
  if (!p.probe && !o.error)
    st.service = st.service.count() == 0 ? o.took : st.service + (o.took - st.service) / 8;
  // Dropped unrun: the endpoint never saw it, the connection is as it was.
  if (!p.probe && !is_error(o.error, backend_errc::abandoned))
    es.calls.fetch_add(1, relaxed);
  if (!o.error) {
    st.health.succeeded(ep, o.started + o.took);
    publish_state(st, ep);
    return;
  }
  auto code = code_of(o.error);
  if (code == backend_errc::timeout && o.fresh && st.health.last_success(ep) > o.started) {
    code = backend_errc::exhausted;
    o.error = make_error(code, "no answer on a new connection while others answered");
    report_exhaustion(st, ep);
  }
  if (counts_as_failure(code, o)) {
    es.failures.fetch_add(1, relaxed);
    if (auto wait = st.health.failed(ep, p.probe))
      probe_later(self, ep, *wait);
  } else if (p.probe) {
    // It never connected (its deadline passed while it waited): try later.
    eject(self, ep);
  }
}

// A retry must not run a call twice unless it may: only calls that never
// left, or idempotent ones.
bool may_retry(backend_errc e, const job& j, const outcome& o) {
  if (e == backend_errc::unavailable)
    return true;
  return j.idempotent && (e == backend_errc::transport || e == backend_errc::exhausted ||
                          (e == backend_errc::timeout && o.call_timeout_hit));
}

// Whether failed call `p` goes again, avoiding the endpoint that failed it:
// when that is safe, before its deadline and within the retry budget, which
// it then spends.
bool decide_retry(pool_state& st, pending& p, const outcome& o) {
  if (p.probe || !may_retry(code_of(o.error), p.work, o) || p.work.due.expired() ||
      !st.budget.try_retry(p.attempts))
    return false;
  st.stats->retries.fetch_add(1, relaxed);
  ++p.attempts;
  p.avoid = o.endpoint;
  return true;
}

// Answers the caller of a call that will not go again, with its result or
// its error; a probe has no caller.
void answer(pool_state& st, pending& p, outcome& o) {
  if (o.error)
    return fail(st, p, std::move(o.error));
  if (p.probe)
    return;
  st.stats->calls.fetch_add(1, relaxed);
  p.promise.deliver(std::move(o.result));
}

// How a worker's call ended, for where the worker goes next.
enum class call_end { answered, retried, failed, dropped_unrun };

call_end end_of(const outcome& o) {
  if (!o.error)
    return call_end::answered;
  return is_error(o.error, backend_errc::abandoned) ? call_end::dropped_unrun : call_end::failed;
}

// Gives the worker of `o` its next call, or parks it, unless it went on
// with one from the ready list by itself.
void reassign(pool_actor* self, const outcome& o, call_end end) {
  if (o.took_next)
    return;
  auto& st = self->state;
  auto w = o.worker;
  switch (end) {
  case call_end::answered:
  case call_end::dropped_unrun: // its connection is as it was
    return next_for(self, w, false);
  case call_end::retried: // another worker, if one is idle, takes the retry
    return park(st, w, true);
  case call_end::failed:
    // Its connection failed: the others, whose connections may be good, go
    // first while any is idle.
    if (st.idle.empty())
      return next_for(self, w, true);
    return park(st, w, true);
  }
}

} // namespace

void eject(pool_actor* self, std::size_t ep) {
  probe_later(self, ep, self->state.health.eject(ep));
}

// The pool records the outcome, decides whether the call goes again, and
// otherwise answers its caller; either way the worker gets its next call or
// is parked.
void on_done(pool_actor* self, outcome& o) {
  auto& st = self->state;
  auto w = o.worker;
  if (w >= st.workers.size())
    return;
  if (o.took_next) // about when it began the next call
    st.busy_since[w] = o.started + o.took;
  if (o.ticket >= st.calls.size() || !st.calls[o.ticket]) {
    if (!o.took_next) // not a call of ours; the worker is free all the same
      next_for(self, w, false);
    return;
  }
  auto p = take_call(st, o.ticket, o.endpoint);
  p.work = std::move(o.work);
  record_outcome(self, p, o);
  if (o.error && decide_retry(st, p, o)) {
    reassign(self, o, call_end::retried);
    return enqueue(self, std::move(p), true);
  }
  auto end = end_of(o);
  answer(st, p, o);
  reassign(self, o, end);
  rebalance(self);
}

void on_probe(pool_actor* self, std::size_t ep) {
  auto& st = self->state;
  if (!st.health.begin_probe(ep))
    return;
  publish_state(st, ep);
  pending p;
  // Room to wait behind busy workers, then the connect itself.
  p.work.due = deadline::after(st.opts.endpoints[ep].connect_timeout + st.opts.health.backoff_max);
  p.only = ep;
  p.probe = true;
  enqueue(self, std::move(p), true);
}

void on_check_tick(pool_actor* self) {
  auto& st = self->state;
  if (!st.checker) // checks are off
    return;
  auto interval = st.opts.health.check_interval;
  // A steady beat rather than one interval after each round's end: a slow
  // round (connect timeouts) delays the next check by less.
  self->delayed_send(self, interval, check_tick_atom::value);
  if (st.check_out)
    return;
  health_round round;
  auto now = clock::now();
  for (std::size_t ep = 0; ep < st.health.size(); ++ep)
    if (st.health.check_due(ep, now, interval)) {
      round.endpoints.push_back(ep);
      round.targets.push_back(st.opts.endpoints[ep]); // the checker's list is the first one
    }
  if (round.endpoints.empty())
    return;
  st.check_out = true;
  self->send(st.checker, check_atom::value, std::move(round));
}

void on_checked(pool_actor* self, health_round& round) {
  auto& st = self->state;
  st.check_out = false;
  for (std::size_t i = 0; i < round.endpoints.size() && i < round.results.size(); ++i) {
    auto ep = round.endpoints[i];
    auto r = round.results[i];
    if (!st.health.active(ep)) // it left DNS's answer while it was checked
      continue;
    if (r != check_result::connected)
      st.stats->endpoints[ep]->failed_checks.fetch_add(1, relaxed);
    if (auto wait = st.health.checked(ep, r))
      probe_later(self, ep, *wait);
    else
      publish_state(st, ep);
  }
  rebalance(self); // publishes whether the circuit is open
}

} // namespace actorgate::rpc::detail
