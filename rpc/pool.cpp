#include "rpc/pool.hpp"

#include <caf/blocking_actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>

#include "actors/errors.hpp"
#include "rpc/worker.hpp"

namespace actorgate::rpc {

namespace {

// Hands queued jobs to `w`, skipping those whose deadline passed while they
// waited; returns false if the queue ran dry and `w` stays idle.
void publish(pool_state& st) {
  st.stats->busy.store(st.stats->workers - st.idle.size(), std::memory_order_relaxed);
  st.stats->queued.store(st.queue.size(), std::memory_order_relaxed);
}

bool hand_queued(pool_actor* self, const caf::actor& w) {
  auto& q = self->state.queue;
  while (!q.empty()) {
    auto p = std::move(q.front());
    q.pop_front();
    if (p.work.due.expired()) {
      p.promise.deliver(make_error(backend_errc::timeout, "deadline passed in the queue"));
      self->state.stats->calls.fetch_add(1, std::memory_order_relaxed);
      self->state.stats->count_error(backend_errc::timeout);
      continue;
    }
    p.promise.delegate(w, run_atom::value, std::move(p.work));
    return true;
  }
  return false;
}

} // namespace

caf::result<caf::message> dispatch(pool_actor* self, job j) {
  auto& st = self->state;
  if (!st.idle.empty()) {
    auto w = std::move(st.idle.back());
    st.idle.pop_back();
    auto promise = self->make_response_promise();
    promise.delegate(w, run_atom::value, std::move(j));
    publish(st);
    return promise;
  }
  if (st.queue.size() >= st.queue_limit) {
    // Jobs whose deadline passed while every worker was busy no longer count.
    auto& q = st.queue;
    for (auto i = q.begin(); i != q.end();) {
      if (i->work.due.expired()) {
        i->promise.deliver(make_error(backend_errc::timeout, "deadline passed in the queue"));
        st.stats->calls.fetch_add(1, std::memory_order_relaxed);
        st.stats->count_error(backend_errc::timeout);
        i = q.erase(i);
      } else {
        ++i;
      }
    }
    if (q.size() >= st.queue_limit) {
      st.stats->calls.fetch_add(1, std::memory_order_relaxed);
      st.stats->count_error(backend_errc::overloaded);
      publish(st);
      return make_error(backend_errc::overloaded);
    }
  }
  auto promise = self->make_response_promise();
  st.queue.push_back({std::move(j), promise});
  publish(st);
  return promise;
}

namespace {

class pool_impl final : public pool_actor {
public:
  using domain_fn = std::function<caf::message_handler(pool_actor*)>;
  pool_impl(caf::actor_config& cfg, actor_host* host, pool_options opts, domain_fn domain)
      : pool_actor(cfg, host), opts_(std::move(opts)), domain_(std::move(domain)) {}

  caf::behavior make_behavior() override {
    state.queue_limit = opts_.queue_limit;
    state.stats = opts_.stats ? opts_.stats : std::make_shared<pool_stats>();
    state.stats->workers = opts_.workers;
    state.stats->queue_limit = opts_.queue_limit;
    if (state.stats->endpoints.empty()) {
      auto ep = std::make_unique<endpoint_stats>();
      ep->address = opts_.worker.target.host + ":" + std::to_string(opts_.worker.target.port);
      state.stats->endpoints.push_back(std::move(ep));
    }
    auto stop = std::make_shared<std::atomic<bool>>(false);
    // However the pool ends, its workers see the flag within a second, even
    // if CAF 0.17 loses the exit message to a detached actor during shutdown.
    attach_functor([stop] { stop->store(true); });
    for (std::size_t i = 0; i < opts_.workers; ++i)
      state.idle.push_back(spawn<caf::detached + caf::linked>(
          worker_loop, caf::actor_cast<caf::actor>(this), opts_.worker, stop, state.stats));
    caf::message_handler own{
        [this](idle_atom) {
          auto w = caf::actor_cast<caf::actor>(current_sender());
          if (!hand_queued(this, w))
            state.idle.push_back(std::move(w));
          publish(state);
        },
    };
    return domain_(this).or_else(own);
  }

private:
  pool_options opts_;
  domain_fn domain_;
};

} // namespace

caf::actor spawn_pool(caf::actor_system& sys, const pool_options& opts, actor_host* host,
                      std::function<caf::message_handler(pool_actor*)> domain) {
  return sys.spawn<pool_impl, caf::lazy_init>(host, opts, std::move(domain));
}

} // namespace actorgate::rpc
