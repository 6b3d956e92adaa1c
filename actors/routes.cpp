#include "actors/routes.hpp"

#include <charconv>
#include <string>

#include <caf/event_based_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/errors.hpp"
#include "actors/json.hpp"

namespace actorgate {

namespace {

// Backend calls carry no CAF request timeout: each timeout is a timer in
// CAF's clock thread, a wake-up per request. They need none: the worker
// bounds every call by the request's deadline and always answers, a dead
// pool makes CAF answer with an error, and the session answers 504 at the
// deadline in any case.
constexpr auto no_timeout = caf::infinite;

} // namespace

caf::behavior ping_route(caf::event_based_actor*) {
  return {
      [](handle_atom, const request&, const reply_handle& h) {
        h.answer(response::text(200, "pong"));
      },
  };
}

caf::behavior echo_route(caf::event_based_actor* self, caf::actor compute) {
  return {
      [=](handle_atom, const request& req, const reply_handle& h) {
        const std::string* msg = req.query_param("msg");
        if (msg == nullptr) {
          h.answer(response::error(400, "missing query parameter 'msg'"));
          return;
        }
        self->request(compute, no_timeout, echo_atom::value, *msg, req.deadline)
            .then(
                [h](const std::string& reply) {
                  h.answer(response::json(200, "{\"msg\":" + json_quote(reply) + "}"));
                },
                [h](const caf::error& e) { h.answer(error_response(e)); });
      },
  };
}

caf::behavior work_route(caf::event_based_actor* self, caf::actor compute) {
  return {
      [=](handle_atom, const request& req, const reply_handle& h) {
        const std::string* us = req.query_param("us");
        if (us == nullptr) {
          h.answer(response::error(400, "missing query parameter 'us'"));
          return;
        }
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(us->data(), us->data() + us->size(), n);
        if (ec != std::errc{} || end != us->data() + us->size() || us->empty()) {
          h.answer(response::error(400, "query parameter 'us' must be an integer"));
          return;
        }
        if (n < work_us_min || n > work_us_max) {
          h.answer(response::error(400, "query parameter 'us' must be between " +
                                            std::to_string(work_us_min) + " and " +
                                            std::to_string(work_us_max)));
          return;
        }
        self->request(compute, no_timeout, work_atom::value, static_cast<std::int32_t>(n),
                      req.deadline)
            .then(
                [h](std::int64_t checksum) {
                  h.answer(response::json(200, "{\"checksum\":" + std::to_string(checksum) + "}"));
                },
                [h](const caf::error& e) { h.answer(error_response(e)); });
      },
  };
}

} // namespace actorgate
