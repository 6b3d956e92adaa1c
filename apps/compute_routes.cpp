#include "apps/compute_routes.hpp"

#include <charconv>
#include <string>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/errors.hpp"
#include "actorgate/actors/json.hpp"

namespace compute {

using namespace actorgate;

caf::behavior echo_route(caf::event_based_actor* self, compute_pool backend) {
  return {
      [=](handle_atom, const request& req, const reply_handle& h) {
        const std::string* msg = req.query_param("msg");
        if (msg == nullptr) {
          h.answer(response::error(400, "missing query parameter 'msg'"));
          return;
        }
        backend
            .call(self, req, rpc::idempotent,
                  [msg = *msg](ComputeClient& c) {
                    std::string reply;
                    c.echo(reply, msg);
                    return reply;
                  })
            .then(
                [h](const std::string& reply) {
                  h.answer(response::json(200, json_fields{}.add("msg", reply)));
                },
                [h](const caf::error& e) { h.answer(error_response(e)); });
      },
  };
}

caf::behavior work_route(caf::event_based_actor* self, compute_pool backend) {
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
        auto cpu_us = static_cast<std::int32_t>(n);
        backend
            .call(self, req, rpc::idempotent, [cpu_us](ComputeClient& c) { return c.work(cpu_us); })
            .then(
                [h](std::int64_t checksum) {
                  h.answer(response::json(200, json_fields{}.add("checksum", checksum)));
                },
                [h](const caf::error& e) { h.answer(error_response(e)); });
      },
  };
}

} // namespace compute
