#include "actors/reply_handle.hpp"

namespace actorgate {

reply_sink::~reply_sink() = default;

reply_handle::reply_handle(std::shared_ptr<reply_sink> sink) : slot_(std::make_shared<slot>()) {
  slot_->sink = std::move(sink);
}

bool reply_handle::answer(response r) const {
  if (!slot_ || slot_->done.exchange(true, std::memory_order_acq_rel))
    return false;
  slot_->sink->deliver(std::move(r));
  return true;
}

bool reply_handle::answered() const {
  return slot_ && slot_->done.load(std::memory_order_acquire);
}

reply_handle::slot::~slot() {
  if (!done.load(std::memory_order_acquire) && sink)
    sink->deliver(response::error(500, "request dropped without an answer"));
}

} // namespace actorgate
