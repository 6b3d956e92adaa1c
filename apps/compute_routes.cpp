#include "apps/compute_routes.hpp"

#include <charconv>
#include <deque>
#include <memory>
#include <string>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/errors.hpp"
#include "actorgate/actors/json.hpp"

#include <caf/error.hpp>

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

namespace {

struct echo_queue {
  ws_handle h;
  compute_pool backend;
  std::chrono::milliseconds timeout;
  std::deque<std::string> waiting; // front: the call in flight, if calling
  bool calling = false;
};

void echo_next(caf::event_based_actor* self, const std::shared_ptr<echo_queue>& q) {
  if (q->calling || q->waiting.empty())
    return;
  q->calling = true;
  q->backend
      .call_until(self, deadline::after(q->timeout), rpc::idempotent,
                  [msg = q->waiting.front()](ComputeClient& c) {
                    std::string reply;
                    c.echo(reply, msg);
                    return reply;
                  })
      .then(
          [self, q](const std::string& reply) {
            q->h.send_text(reply);
            q->waiting.pop_front();
            q->calling = false;
            echo_next(self, q);
          },
          [self, q](const caf::error& e) {
            // 503: the pool's queue is full (or no endpoint takes calls).
            auto code = error_response(e).status == 503 ? ws_close::try_again_later
                                                        : ws_close::internal_error;
            q->h.close(code, "backend: " + self->system().render(e));
            self->quit();
          });
}

} // namespace

caf::behavior ws_echo(caf::event_based_actor* self, ws_handle h, const request&,
                      compute_pool backend, std::chrono::milliseconds timeout,
                      std::size_t max_waiting) {
  auto q = std::make_shared<echo_queue>(echo_queue{std::move(h), std::move(backend), timeout, {}});
  return {
      [self, q, max_waiting](ws_text_atom, std::string& text) {
        if (q->waiting.size() >= max_waiting) {
          q->h.close(ws_close::policy, "too many messages waiting for the backend");
          return self->quit();
        }
        q->waiting.push_back(std::move(text));
        echo_next(self, q);
      },
      [q](ws_binary_atom, const std::string&) {
        q->h.close(1003, "text messages only"); // 1003: unsupported data
      },
      [self](ws_closed_atom, std::uint16_t) { self->quit(); },
  };
}

} // namespace compute
