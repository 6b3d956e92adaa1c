#include "actorgate/actors/reply_handle.hpp"

namespace actorgate {

reply_sink::~reply_sink() = default;

reply_handle::reply_handle(reply_sink* sink) : sink_(sink) {
  if (sink_)
    sink_->refs_.fetch_add(1, std::memory_order_relaxed);
}

reply_handle::reply_handle(const reply_handle& other) noexcept : sink_(other.sink_) {
  if (sink_)
    sink_->refs_.fetch_add(1, std::memory_order_relaxed);
}

reply_handle::~reply_handle() {
  if (!sink_ || sink_->refs_.fetch_sub(1, std::memory_order_acq_rel) != 1)
    return;
  if (!sink_->done_.exchange(true, std::memory_order_acq_rel))
    sink_->deliver(response::error(500, "request dropped without an answer"));
  delete sink_;
}

bool reply_handle::try_answer(response r) const {
  if (!sink_ || sink_->done_.exchange(true, std::memory_order_acq_rel))
    return false;
  sink_->deliver(std::move(r));
  return true;
}

bool reply_handle::answered() const {
  return sink_ && sink_->done_.load(std::memory_order_acquire);
}

} // namespace actorgate
