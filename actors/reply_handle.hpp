// reply_handle: the one way back from an actor to the HTTP session that sent
// a request. Copies share one sink: the first answer wins, later ones are
// ignored (try_answer() says which). If the last copy is destroyed without an
// answer, the request is answered 500, so a lost message never hangs a client.
//
//   [](handle_atom, const request&, const reply_handle& h) {
//     h.answer(response::text(200, "pong"));
//   }
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

#include "actorgate/actors/response.hpp"

namespace actorgate {

/// Where an answer goes; implemented by the HTTP layer. Owned by the handles
/// that point to it (one allocation per request, no separate control block).
class reply_sink {
public:
  virtual ~reply_sink();

protected:
  /// Called exactly once, from any thread; must not block.
  virtual void deliver(response r) noexcept = 0;

private:
  friend class reply_handle;
  std::atomic<std::uint32_t> refs_{0};
  std::atomic<bool> done_{false};
};

class reply_handle {
public:
  reply_handle() = default;
  /// Takes ownership of a heap-allocated sink.
  explicit reply_handle(reply_sink* sink);
  reply_handle(const reply_handle& other) noexcept;
  reply_handle(reply_handle&& other) noexcept : sink_(std::exchange(other.sink_, nullptr)) {}
  reply_handle& operator=(reply_handle other) noexcept {
    std::swap(sink_, other.sink_);
    return *this;
  }
  ~reply_handle();

  /// Sends `r` back if nobody answered yet. Thread-safe. Returns nothing, so
  /// that `return h.answer(...);` ends a handler that returns void.
  void answer(response r) const { try_answer(std::move(r)); }
  /// The same; true if this was the answer, false if one was sent before.
  bool try_answer(response r) const;
  bool answered() const;
  bool valid() const { return sink_ != nullptr; }

private:
  reply_sink* sink_ = nullptr;
};

/// reply_handle{new Sink(args...)}
template <class Sink, class... Ts> reply_handle make_reply_handle(Ts&&... xs) {
  return reply_handle{new Sink(std::forward<Ts>(xs)...)};
}

} // namespace actorgate
