// pool: the pool actor, taking callers' calls and scheduling them on the
// workers; what comes back is pool_outcome.cpp's.
#include "actorgate/rpc/pool.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

#include <caf/blocking_actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/spawn_options.hpp>

#include "actorgate/actors/errors.hpp"
#include "actorgate/rpc/pool_steps.hpp"
#include "actorgate/rpc/worker.hpp"

namespace actorgate::rpc {

bool parse_balance(const std::string& s, balance_kind& out) {
  if (s == "least-outstanding")
    out = balance_kind::least_outstanding;
  else if (s == "round-robin")
    out = balance_kind::round_robin;
  else
    return false;
  return true;
}

const char* to_string(balance_kind b) {
  return b == balance_kind::round_robin ? "round-robin" : "least-outstanding";
}

namespace detail {

namespace {

using nudge_atom = caf::atom_constant<caf::atom("ag_nudge")>;
using std::chrono::milliseconds;

std::size_t outstanding(const pool_state& st, std::size_t ep) {
  return st.stats->endpoints[ep]->outstanding.load(relaxed);
}

// A pool with dns: names only, none of which has resolved yet, has no
// endpoint: its calls fail at once, as with the circuit open.
constexpr const char* no_endpoint_yet = "no endpoint: DNS discovery has found none yet";

void publish(pool_state& st) {
  st.stats->busy.store(st.workers.size() - st.idle.size(), relaxed);
  st.stats->queued.store(st.queue.size() + st.ready->size(), relaxed);
  st.stats->circuit_open.store(st.health.circuit_open() || st.health.active_count() == 0, relaxed);
}

// The endpoint for the next call: a healthy one, the least busy (or the next
// in turn), preferring any but `avoid`. None if every endpoint is ejected.
std::optional<std::size_t> pick(pool_state& st, const pending& p) {
  if (p.only)
    return p.only;
  auto n = st.health.size();
  std::optional<std::size_t> best, fallback;
  for (std::size_t k = 0; k < n; ++k) {
    auto i = (st.next + k) % n;
    if (!st.health.active(i) || st.health.state(i) != endpoint_state::healthy)
      continue;
    if (p.avoid && *p.avoid == i) {
      fallback = i;
      continue;
    }
    if (!best || (st.opts.balance == balance_kind::least_outstanding &&
                  outstanding(st, i) < outstanding(st, *best)))
      best = i;
  }
  if (!best)
    best = fallback;
  if (best)
    st.next = (*best + 1) % n;
  return best;
}

// Answers a call whose deadline passed before a worker took it. A probe that
// waited that long behind busy workers is tried again later: its endpoint
// must not stay "probing" with no probe on the way.
void expire(pool_actor* self, pending& p) {
  if (p.probe)
    eject(self, *p.only);
  fail(self->state, p, make_error(backend_errc::timeout, "deadline passed in the queue"));
}

// Answers a call that need not run any more: its deadline passed, or its
// client left, while it waited. False if it is still wanted.
bool drop_unwanted(pool_actor* self, pending& p) {
  if (p.work.due.expired()) {
    expire(self, p);
    return true;
  }
  if (p.work.abandoned()) {
    fail(self->state, p, make_error(backend_errc::abandoned));
    return true;
  }
  return false;
}

// Books `p` as started: picks its endpoint and gives it a ticket. None if
// it cannot run (it was answered: no endpoint, too late, or unwanted).
std::optional<attempt> start(pool_actor* self, pending p) {
  auto& st = self->state;
  if (drop_unwanted(self, p))
    return std::nullopt;
  auto ep = pick(st, p);
  if (!ep) {
    fail(st, p,
         make_error(backend_errc::unavailable, st.health.active_count() == 0
                                                   ? no_endpoint_yet
                                                   : "circuit open: every endpoint is ejected"));
    return std::nullopt;
  }
  st.stats->endpoints[*ep]->outstanding.fetch_add(1, relaxed);
  std::size_t ticket = st.calls.size();
  if (st.free_tickets.empty()) {
    st.calls.emplace_back();
  } else {
    ticket = st.free_tickets.back();
    st.free_tickets.pop_back();
  }
  attempt a{std::move(p.work), *ep, ticket};
  st.calls[ticket] = std::move(p);
  return a;
}

// Answers a started call that no worker has taken and that is no longer
// wanted (see drop_unwanted).
void drop_started(pool_actor* self, attempt& a) {
  auto p = take_call(self->state, a.ticket, a.endpoint);
  p.work = std::move(a.work);
  drop_unwanted(self, p);
}

// Whether a caller's call fits: a worker is idle or the queue has room once
// calls whose deadline passed or whose client left while every worker was
// busy are dropped.
bool has_room(pool_actor* self) {
  auto& st = self->state;
  // Started calls waiting for a worker count against the limit too.
  auto fits = [&st] { return st.queue.size() + st.ready->size() < st.opts.queue_limit; };
  if (!st.idle.empty() || fits())
    return true;
  auto& q = st.queue;
  for (auto i = q.begin(); i != q.end();) {
    if (drop_unwanted(self, *i))
      i = q.erase(i);
    else
      ++i;
  }
  if (fits())
    return true;
  // Workers stuck on slow calls leave the ready list as it was when they
  // took their last call.
  for (auto& a : st.ready->take_unwanted())
    drop_started(self, a);
  return fits();
}

// How many started calls may wait in the ready list. While every worker is
// busy: at least one per worker, so that a worker finishing a call finds its
// next one there. While some sleep: as many as the workers whose call began
// less than opts.chain_wait ago get through within chain_wait at the pace of
// recent calls. Within that bound a call waits for a busy worker rather than
// waking a sleeping one: under a stream of short calls a few workers go from
// call to call and the rest sleep, where waking a worker per call would cost
// each call two system calls and two context switches on top of its own. A
// worker whose call has run longer than chain_wait is not counted on (its
// call is a slow one, or hangs), nor is any while the pace is not known or
// slower than chain_wait, or while the queue may hold nothing.
std::size_t chained_wait(const pool_state& st, clock::time_point now) {
  auto busy = st.workers.size() - st.idle.size();
  auto wait = std::chrono::duration_cast<clock::duration>(st.opts.chain_wait);
  std::size_t pacing = 0;
  if (st.service.count() > 0 && wait > st.service && st.opts.queue_limit > 0)
    for (auto since : st.busy_since)
      if (since != clock::time_point{} && now - since < wait)
        ++pacing;
  auto n =
      std::min(static_cast<std::size_t>(wait / std::max(st.service, clock::duration{1})) * pacing,
               st.opts.queue_limit);
  return st.idle.empty() ? std::max(busy, n) : n;
}

// Moves queued calls to the ready list, up to chained_wait().
void refill(pool_actor* self, clock::time_point now) {
  auto& st = self->state;
  auto limit = chained_wait(st, now);
  while (!st.queue.empty() && st.ready->size() < limit) {
    auto p = std::move(st.queue.front());
    st.queue.pop_front();
    if (auto a = start(self, std::move(p)))
      st.ready->push(std::move(*a));
  }
}

// Wakes idle workers while more calls wait than chained_wait() allows.
void wake_for_waiting(pool_actor* self, clock::time_point now) {
  auto& st = self->state;
  auto waiting = [&st] { return st.queue.size() + st.ready->size(); };
  while (!st.idle.empty() && waiting() > chained_wait(st, now)) {
    auto w = st.idle.back();
    st.idle.pop_back();
    next_for(self, w, false);
  }
}

// While calls wait and a worker sleeps, the pool looks again every
// max(1 ms, chain_wait): a busy worker whose call has meanwhile run longer
// than chain_wait no longer counts, and sleeping workers are woken for what
// waits on it. One timer at a time, so under a stream of short calls this
// costs a timer per millisecond, not one per call.
void arm_nudge(pool_actor* self) {
  auto& st = self->state;
  if (st.nudge_armed || st.idle.empty() || st.ready->size() + st.queue.size() == 0)
    return;
  st.nudge_armed = true;
  auto after = std::max<clock::duration>(milliseconds(1), st.opts.chain_wait);
  self->delayed_send(self, after, nudge_atom::value);
}

void on_nudge(pool_actor* self) {
  self->state.nudge_armed = false;
  rebalance(self);
}

} // namespace

// ---- the steps pool_outcome.cpp uses too (pool_steps.hpp) -----------------------

// Answers a call that will not run (again); probes have no promise.
void fail(pool_state& st, pending& p, caf::error e) {
  if (p.probe)
    return;
  st.stats->calls.fetch_add(1, relaxed);
  st.stats->count_error(static_cast<backend_errc>(e.code()));
  p.promise.deliver(std::move(e));
}

// Marks worker `w` idle: at the back of the idle list, which is taken from
// first, or at the front if it is the last resort.
void park(pool_state& st, std::size_t w, bool last_resort) {
  st.busy_since[w] = {};
  if (last_resort)
    st.idle.insert(st.idle.begin(), w);
  else
    st.idle.push_back(w);
}

// Gives worker `w`, which has nothing to do, the next started call or the
// next queued one, or marks it idle. Idle workers are taken from the back;
// `last_resort` puts `w` at the front, for a worker whose connection just
// failed while others may hold good ones.
void next_for(pool_actor* self, std::size_t w, bool last_resort) {
  auto& st = self->state;
  auto a = st.ready->pop();
  while (!a && !st.queue.empty()) {
    auto p = std::move(st.queue.front());
    st.queue.pop_front();
    a = start(self, std::move(p));
  }
  if (a) {
    st.stats->wakeups.fetch_add(1, relaxed);
    st.busy_since[w] = clock::now();
    st.bells[w]->ring(std::move(*a));
    return;
  }
  park(st, w, last_resort);
}

// Ends the pool's record of a started call: gives back its ticket and its
// place on the endpoint, and returns the call.
pending take_call(pool_state& st, std::size_t ticket, std::size_t endpoint) {
  auto p = std::move(*st.calls[ticket]);
  st.calls[ticket].reset();
  st.free_tickets.push_back(ticket);
  st.stats->endpoints[endpoint]->outstanding.fetch_sub(1, relaxed);
  return p;
}

// Balances the workers against the calls that wait: after a new call, a
// worker's news, or a nudge.
void rebalance(pool_actor* self) {
  auto now = clock::now();
  wake_for_waiting(self, now);
  refill(self, now);
  arm_nudge(self);
  publish(self->state);
}

// Queues `p` (first in line if `urgent`: retries and probes) and lets
// rebalance() decide whether a sleeping worker takes it now or a busy one
// soon.
void enqueue(pool_actor* self, pending p, bool urgent) {
  auto& st = self->state;
  if (urgent)
    st.queue.push_front(std::move(p));
  else
    st.queue.push_back(std::move(p));
  rebalance(self);
}

namespace {

class pool_impl final : public pool_actor {
public:
  using domain_fn = std::function<caf::message_handler(pool_actor*)>;
  pool_impl(caf::actor_config& cfg, actor_host* host, pool_options opts, domain_fn domain,
            dns_round first)
      : pool_actor(cfg, host), opts_(std::move(opts)), domain_(std::move(domain)),
        first_(std::move(first)) {}

  caf::behavior make_behavior() override {
    auto& st = state;
    st.opts = opts_;
    st.stats = opts_.stats;
    st.health = endpoint_health(opts_.endpoints.size(), opts_.health, std::random_device{}());
    st.budget = retry_budget(opts_.retry);
    st.exhaustion_reported.assign(opts_.endpoints.size(), clock::time_point{});
    for (std::size_t i = 0; i < opts_.workers; ++i)
      st.bells.push_back(std::make_shared<doorbell>());
    st.ready = std::make_shared<ready_calls>();
    st.discovered.assign(opts_.endpoints.size(), false);
    st.table = std::make_shared<endpoint_table>(opts_.endpoints);
    auto checks_stop = std::make_shared<std::atomic<bool>>(false);
    if (opts_.health.check_interval.count() > 0)
      st.checker = spawn<caf::detached>(health_checker, opts_.endpoints, checks_stop);
    if (!opts_.discover.empty()) {
      std::vector<std::string> names;
      for (const auto& d : opts_.discover)
        names.push_back(d.host);
      st.last_good.resize(names.size());
      st.dns_failing.assign(names.size(), false);
      st.resolver = spawn<caf::detached>(dns_resolver, std::move(names), opts_.dns_servers,
                                         dns_try_timeout(opts_), checks_stop);
    }
    // However the pool ends, its workers stop: at once if asleep, else after
    // the call they are running, without taking another; and so do the
    // checker and the resolver, within a moment even in the middle of a round.
    attach_functor([bells = st.bells, ready = st.ready, checks_stop, checker = st.checker,
                    resolver = st.resolver] {
      for (auto& b : bells)
        b->close();
      ready->clear();
      checks_stop->store(true);
      if (checker)
        caf::anon_send_exit(checker, caf::exit_reason::user_shutdown);
      if (resolver)
        caf::anon_send_exit(resolver, caf::exit_reason::user_shutdown);
    });
    st.busy_since.assign(opts_.workers, clock::time_point{});
    for (std::size_t i = 0; i < opts_.workers; ++i) {
      st.workers.push_back(spawn<caf::detached + caf::linked>(
          worker_loop, caf::actor_cast<caf::actor>(this), i,
          std::const_pointer_cast<const endpoint_table>(st.table), st.ready, st.bells[i]));
      st.idle.push_back(opts_.workers - 1 - i);
    }
    // The first resolution, made by spawn_pool(), before any call is taken:
    // it also sets the beat of the next ones.
    if (st.resolver)
      on_resolved(this, first_);
    publish(st);
    caf::message_handler own{
        [this](done_atom, outcome& o) { on_done(this, o); },
        [this](probe_atom, std::size_t ep) { on_probe(this, ep); },
        [this](nudge_atom) { on_nudge(this); },
        [this](check_tick_atom) { on_check_tick(this); },
        [this](checked_atom, health_round& r) { on_checked(this, r); },
        [this](dns_tick_atom) { on_dns_tick(this); },
        [this](resolved_atom, dns_round& r) { on_resolved(this, r); },
    };
    return domain_(this).or_else(own);
  }

private:
  pool_options opts_;
  domain_fn domain_;
  dns_round first_;
};

} // namespace

} // namespace detail

caf::result<caf::message> submit(pool_actor* self, job j) {
  using namespace detail;
  auto& st = self->state;
  if (st.stats->circuit_open.load(relaxed))
    return make_error(backend_errc::unavailable, st.health.active_count() == 0
                                                     ? no_endpoint_yet
                                                     : "circuit open: every endpoint is ejected");
  // Decided before a response promise exists: once one does, CAF 0.17
  // ignores an error returned from the handler.
  if (!has_room(self)) {
    st.stats->calls.fetch_add(1, relaxed);
    st.stats->count_error(backend_errc::overloaded);
    publish(st);
    return make_error(backend_errc::overloaded);
  }
  st.budget.on_call();
  pending p;
  p.work = std::move(j);
  p.promise = self->make_response_promise();
  auto promise = p.promise;
  enqueue(self, std::move(p), false);
  return promise;
}

caf::actor spawn_pool(caf::actor_system& sys, const pool_options& opts, actor_host* host,
                      std::function<caf::message_handler(pool_actor*)> domain) {
  if (opts.endpoints.empty() && opts.discover.empty())
    throw std::invalid_argument("a backend pool needs at least one endpoint");
  if (opts.workers == 0)
    throw std::invalid_argument("a backend pool needs at least one worker");
  // The stats' shape is set here, before any reader (metrics, /ready) can
  // see the pool; afterwards only the atomics change.
  auto o = opts;
  if (!o.stats || !o.stats->endpoints.empty()) {
    // None given, or one another pool already fills: this pool's are its own.
    o.stats = std::make_shared<pool_stats>();
    o.stats->name = opts.stats ? opts.stats->name : std::string{};
  }
  o.stats->workers = o.workers;
  o.stats->queue_limit = o.queue_limit;
  for (const auto& ep : o.endpoints) {
    auto es = std::make_unique<endpoint_stats>();
    es->address = to_string(ep);
    o.stats->endpoints.push_back(std::move(es));
  }
  o.stats->discovery = !o.discover.empty();
  // The first resolution happens here, on the caller's thread (the gateway
  // starting), so that the pool has its endpoints before its first call. If
  // it fails, the pool starts without them: its calls get 503 (unavailable)
  // until a later resolution succeeds, every dns_refresh.
  dns_round first;
  if (!o.discover.empty()) {
    std::vector<std::string> names;
    for (const auto& d : o.discover)
      names.push_back(d.host);
    std::atomic<bool> never{false};
    first.answers = resolve_names(names, o.dns_servers, detail::dns_try_timeout(o), never);
  }
  auto checks = o.health.check_interval.count() > 0;
  auto pool = sys.spawn<detail::pool_impl, caf::lazy_init>(host, std::move(o), std::move(domain),
                                                           std::move(first));
  // The pool starts (on its host) at its first message: with checks on,
  // that is the first round, at once, so that they run before any call
  // does, and a backend that is down when the gateway starts shows in
  // /ready within a connect, not an interval.
  if (checks)
    caf::anon_send(pool, detail::check_tick_atom::value);
  return pool;
}

} // namespace actorgate::rpc
