// ws_route: what the route table holds for a WebSocket route (no Beast),
// and the counters every WebSocket connection of a server shares.
//
//   auto r = std::make_shared<http::ws_route>();
//   r->make = [&sys](actor_host* host, ws_handle h, const request& up) {
//     return spawn_hosted(sys, host, chat_member, h, up);
//   };
//   r->hosts = {srv.host(0)};
//   routes->add_websocket("/ws/chat", r);
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "actorgate/actors/hosted_actor.hpp"
#include "actorgate/actors/websocket.hpp"

namespace actorgate::http {

/// Relaxed atomics, read by the metrics.
struct ws_stats {
  std::atomic<std::int64_t> open{0};
  std::atomic<std::uint64_t> messages_in{0};
  std::atomic<std::uint64_t> messages_out{0};
  /// Connections closed with 1008 because the outbound queue was full.
  std::atomic<std::uint64_t> overflow_closes{0};
};

struct ws_route {
  ws_factory make;
  /// The actor host of each IO thread: a connection's actor goes to the one
  /// of its own thread (hosts[thread % size]); empty: CAF's scheduler.
  std::vector<actor_host*> hosts;
  /// Never null.
  std::shared_ptr<ws_stats> stats = std::make_shared<ws_stats>();
};

} // namespace actorgate::http
