#include "actorgate/actors/routes.hpp"

#include <caf/event_based_actor.hpp>

#include "actorgate/actors/atoms.hpp"

namespace actorgate {

caf::behavior ping_route(caf::event_based_actor*) {
  return {
      [](handle_atom, const request&, const reply_handle& h) {
        h.answer(response::text(200, "pong"));
      },
  };
}

caf::behavior health_route(caf::event_based_actor*) {
  return {
      [](handle_atom, const request&, const reply_handle& h) {
        h.answer(response::raw_json(200, R"({"status":"ok"})"));
      },
  };
}

} // namespace actorgate
