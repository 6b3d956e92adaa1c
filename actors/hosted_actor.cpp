#include "actorgate/actors/hosted_actor.hpp"

#include <caf/detail/sync_request_bouncer.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/scheduler/abstract_coordinator.hpp>

namespace actorgate {

namespace {
// Messages a hosted actor handles per turn before it yields the IO thread
// to sessions and other actors.
constexpr std::size_t max_throughput = 32;
} // namespace

void actor_host::exec_later(caf::resumable* job) {
  auto* hosted = dynamic_cast<hosted_actor*>(job);
  if (hosted != nullptr && hosted->host() == this)
    schedule(job);
  else
    system().scheduler().enqueue(job);
}

void actor_host::run(caf::resumable* job) {
  switch (job->resume(this, max_throughput)) {
  case caf::resumable::resume_later:
    schedule(job); // keeps its reference
    break;
  case caf::resumable::awaiting_message:
  case caf::resumable::done:
  case caf::resumable::shutdown_execution_unit:
    caf::intrusive_ptr_release(job);
    break;
  }
}

hosted_actor::hosted_actor(caf::actor_config& cfg, actor_host* host)
    : caf::event_based_actor(cfg), host_(host) {}

// CAF's own enqueue resumes a woken actor on the *sender's* execution unit
// (a scheduler thread for a reply from a scheduled actor). A hosted actor
// must always resume on its host, so it repeats CAF's logic with that one
// change.
void hosted_actor::enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) {
  if (host_ == nullptr)
    return caf::event_based_actor::enqueue(std::move(ptr), eu);
  auto mid = ptr->mid;
  auto sender = ptr->sender;
  switch (mailbox().push_back(std::move(ptr))) {
  case caf::intrusive::inbox_result::unblocked_reader:
    caf::intrusive_ptr_add_ref(ctrl());
    host_->schedule(this);
    break;
  case caf::intrusive::inbox_result::queue_closed:
    if (mid.is_request()) {
      caf::detail::sync_request_bouncer bounce{fail_state()};
      bounce(sender, mid);
    }
    break;
  case caf::intrusive::inbox_result::success:
    break; // already scheduled or running
  }
}

void hosted_actor::launch(caf::execution_unit* eu, bool lazy, bool hide) {
  caf::event_based_actor::launch(host_ != nullptr ? host_ : eu, lazy, hide);
}

} // namespace actorgate
