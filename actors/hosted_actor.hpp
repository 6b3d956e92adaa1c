// hosted_actor: an event-based actor that runs on a thread of its host (an
// HTTP IO thread) instead of CAF's scheduler. A request to such a route
// actor, and its answer, then cost no thread hand-off: the session, the
// actor and the write all run on one thread. The price: a hosted actor must
// never block or compute for long, or it stalls every session on that
// thread. CPU work belongs in ordinary (scheduled) actors.
//
// With host == nullptr a hosted_actor is an ordinary scheduled actor, so
// the same code can run either way:
//
//   auto a = spawn_hosted(sys, host, ping_route);           // on the host
//   auto b = spawn_hosted(sys, nullptr, ping_route);        // on CAF's scheduler
#pragma once

#include <functional>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/execution_unit.hpp>
#include <caf/resumable.hpp>
#include <caf/spawn_options.hpp>

namespace actorgate {

/// Where hosted actors run; implemented by the HTTP layer's IO threads.
class actor_host : public caf::execution_unit {
public:
  explicit actor_host(caf::actor_system* sys) : caf::execution_unit(sys) {}

  /// Runs job->resume() soon on the host's thread; callable from any thread.
  /// The job arrives with a reference the host releases when done.
  virtual void schedule(caf::resumable* job) = 0;

  /// CAF hands every actor woken by a message sent from a hosted actor to
  /// the sender's execution unit: keep only our own, give the rest to the
  /// scheduler so they never run on an IO thread by accident.
  void exec_later(caf::resumable* job) override;

  /// Resumes `job` here once; called by the host's thread.
  void run(caf::resumable* job);
};

class hosted_actor : public caf::event_based_actor {
public:
  hosted_actor(caf::actor_config& cfg, actor_host* host);

  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) override;
  void launch(caf::execution_unit* eu, bool lazy, bool hide) override;

  actor_host* host() const { return host_; }

private:
  actor_host* host_;
};

/// A hosted actor whose behavior comes from a function, like CAF's
/// function-based actors.
class hosted_function_actor final : public hosted_actor {
public:
  using init_fn = std::function<caf::behavior(caf::event_based_actor*)>;
  hosted_function_actor(caf::actor_config& cfg, actor_host* host, init_fn init)
      : hosted_actor(cfg, host), init_(std::move(init)) {}
  caf::behavior make_behavior() override { return init_(this); }

private:
  init_fn init_;
};

/// Spawns fun(self, xs...) on `host` (or on the scheduler if host is null).
/// By default it starts at its first message; with
/// Os = caf::no_spawn_options at once (e.g. to announce itself to others).
template <caf::spawn_options Os = caf::lazy_init, class F, class... Ts>
caf::actor spawn_hosted(caf::actor_system& sys, actor_host* host, F fun, Ts... xs) {
  hosted_function_actor::init_fn init = [fun, xs...](caf::event_based_actor* self) {
    return fun(self, xs...);
  };
  return sys.spawn<hosted_function_actor, Os>(host, std::move(init));
}

} // namespace actorgate
