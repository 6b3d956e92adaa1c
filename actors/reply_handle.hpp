// reply_handle: the one way back from an actor to the HTTP session that sent
// a request. Copies share one slot: the first answer wins, later ones are
// ignored (answer() returns false). If the last copy is destroyed without an
// answer, the request is answered 500, so a lost message never hangs a client.
//
//   [](handle_atom, const request&, reply_handle& h) {
//     h.answer(response::text(200, "pong"));
//   }
#pragma once

#include <atomic>
#include <memory>

#include "actors/response.hpp"

namespace actorgate {

/// Where an answer goes; implemented by the HTTP layer. deliver() is called at
/// most once, from any thread, and must not block.
class reply_sink {
public:
  virtual ~reply_sink();
  virtual void deliver(response r) noexcept = 0;
};

class reply_handle {
public:
  reply_handle() = default;
  explicit reply_handle(std::shared_ptr<reply_sink> sink);

  /// Sends `r` back if nobody answered yet. Thread-safe.
  bool answer(response r) const;
  bool answered() const;
  bool valid() const { return static_cast<bool>(slot_); }

private:
  struct slot {
    std::shared_ptr<reply_sink> sink;
    std::atomic<bool> done{false};
    ~slot();
  };
  std::shared_ptr<slot> slot_;
};

} // namespace actorgate
