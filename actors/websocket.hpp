// websocket: the vocabulary of WebSocket routes, without any Beast. Each
// connection of a WebSocket route gets its own actor, made by the route's
// ws_factory once the handshake succeeded. The actor receives
//
//   (ws_text_atom, std::string)        a text message (UTF-8 as sent)
//   (ws_binary_atom, std::string)      a binary message
//   (ws_closed_atom, std::uint16_t)    the connection is gone; the close code
//
// and answers through its ws_handle. The connection closes (1000) when the
// actor ends; after ws_closed the actor is ended by an exit message, so do
// any clean-up in the ws_closed handler.
//
//   caf::behavior echo(caf::event_based_actor*, ws_handle h, const request&) {
//     return {[h](ws_text_atom, const std::string& s) { h.send_text(s); },
//             [](ws_closed_atom, std::uint16_t) {}};
//   }
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/actors/request.hpp"

namespace actorgate {

using ws_text_atom = caf::atom_constant<caf::atom("ws_text")>;
using ws_binary_atom = caf::atom_constant<caf::atom("ws_binary")>;
using ws_closed_atom = caf::atom_constant<caf::atom("ws_closed")>;

/// The close codes the gateway sends or reports (RFC 6455 7.4.1).
namespace ws_close {
constexpr std::uint16_t normal = 1000;
constexpr std::uint16_t going_away = 1001;      // server drain
constexpr std::uint16_t abnormal = 1006;        // reported only: no close frame came
constexpr std::uint16_t policy = 1008;          // outbound queue overflow
constexpr std::uint16_t too_big = 1009;         // message over ws-max-message-bytes
constexpr std::uint16_t internal_error = 1011;  // e.g. a backend call failed
constexpr std::uint16_t try_again_later = 1013; // e.g. the backend is overloaded
} // namespace ws_close

/// A connection's end of a ws_handle; implemented by the HTTP layer.
/// Thread-safe and non-blocking: calls from any thread are posted to the
/// connection's IO thread.
class ws_sink {
public:
  virtual ~ws_sink();
  virtual void send(std::string payload, bool binary) = 0;
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

/// The way from an actor to its WebSocket connection. Copies share the
/// connection; calls after it closed do nothing. Frames go out in call
/// order; more than [http] ws-max-queued-messages unwritten frames close the
/// connection with 1008.
class ws_handle {
public:
  ws_handle() = default;
  explicit ws_handle(std::shared_ptr<ws_sink> sink) : sink_(std::move(sink)) {}

  void send_text(std::string s) const;
  void send_binary(std::string s) const;
  /// Sends what is queued, then the close frame. A code no close frame may
  /// carry (1005, 1006, 1015, outside 1000-4999...) is sent as 1011.
  void close(std::uint16_t code = ws_close::normal, std::string reason = {}) const;
  bool valid() const { return sink_ != nullptr; }

private:
  std::shared_ptr<ws_sink> sink_;
};

/// Spawns the actor of one connection, on `host` (the connection's IO
/// thread; null: CAF's scheduler). `upgrade` is the upgrade request: path
/// parameters, query, headers.
using ws_factory =
    std::function<caf::actor(actor_host* host, ws_handle handle, const request& upgrade)>;

} // namespace actorgate

// In-process only: the handle points into the connection.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(actorgate::ws_handle)
