// chat-room-gateway, rung 9 of the examples ladder: WebSocket connections as
// actors. Each connection to /ws/chat gets its own actor, which joins one
// room actor shared by all of them; a text message from any connection goes
// to every connection in the room, the sender's own included. A member that
// goes is announced with its close code; the room watches its members, so
// one that goes is dropped from it.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <caf/actor_addr.hpp>
#include <caf/system_messages.hpp>

#include "actorgate/gateway/gateway.hpp"

using namespace actorgate;

namespace chat {
using join_atom = caf::atom_constant<caf::atom("chat_join")>;
using say_atom = caf::atom_constant<caf::atom("chat_say")>;
} // namespace chat

// [chat-room]
// The room: one actor, so its member list needs no lock. It sends straight
// to each member's connection (ws_handle), not through the member's actor.
caf::behavior room(caf::event_based_actor* self) {
  auto members = std::make_shared<std::unordered_map<caf::actor_addr, ws_handle>>();
  self->set_down_handler([members](const caf::down_msg& d) { members->erase(d.source); });
  return {
      [self, members](chat::join_atom, const ws_handle& h) {
        auto who = self->current_sender();
        self->monitor(who);
        members->emplace(caf::actor_cast<caf::actor_addr>(who), h);
      },
      [members](chat::say_atom, const std::string& text) {
        for (const auto& m : *members)
          m.second.send_text(text);
      },
  };
}

// One connection: joins the room, passes its messages on.
caf::behavior member(caf::event_based_actor* self, ws_handle h, const request&, caf::actor room) {
  self->send(room, chat::join_atom::value, h);
  return {
      [self, room](ws_text_atom, std::string& text) {
        self->send(room, chat::say_atom::value, std::move(text));
      },
      // The client went: tell the others how (its close code), then end.
      [self, room](ws_closed_atom, std::uint16_t code) {
        self->send(room, chat::say_atom::value, "* a member left (" + std::to_string(code) + ")");
        self->quit();
      },
  };
}
// [/chat-room]

// [chat-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "chat-room-gateway"};
  if (auto rc = gw.exit_code())
    return *rc;
  auto the_room = gw.hosted(room);
  gw.websocket("/ws/chat", member, the_room);
  return gw.run();
}
// [/chat-main]
