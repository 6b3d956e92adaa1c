#include "actorgate/metrics/registry.hpp"

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/reply_handle.hpp"
#include "actorgate/metrics/admin_page.hpp"
#include "actorgate/metrics/process_metrics.hpp"

namespace actorgate::metrics {

registry::registry(std::vector<std::string> route_patterns, pool_list pools,
                   std::shared_ptr<const http::ws_stats> ws)
    : http_(std::make_shared<http_metrics>(std::move(route_patterns))), pools_(std::move(pools)),
      ws_(std::move(ws)) {}

void render_websockets(text_writer& w, const http::ws_stats& s) {
  auto open = s.open.load(std::memory_order_relaxed);
  w.single("actorgate_ws_open_connections", metric_type::gauge, "WebSocket connections open now.",
           static_cast<std::uint64_t>(open > 0 ? open : 0));
  w.single("actorgate_ws_messages_received_total", metric_type::counter,
           "WebSocket messages received from clients.",
           s.messages_in.load(std::memory_order_relaxed));
  w.single("actorgate_ws_messages_sent_total", metric_type::counter,
           "WebSocket messages written to clients.",
           s.messages_out.load(std::memory_order_relaxed));
  w.single("actorgate_ws_overflow_closes_total", metric_type::counter,
           "WebSocket connections closed with 1008 because http.ws-max-queued-messages frames "
           "were waiting to be written.",
           s.overflow_closes.load(std::memory_order_relaxed));
}

std::string registry::render() const {
  text_writer w;
  http_->render(w);
  if (ws_)
    render_websockets(w, *ws_);
  render_pools(w, pools_);
  render_process(w);
  return w.take();
}

caf::behavior metrics_route(caf::event_based_actor*, std::shared_ptr<const registry> reg) {
  return {
      [reg](handle_atom, const request&, const reply_handle& h) {
        response r;
        r.status = 200;
        r.content_type = std::string(content_type);
        r.body = reg->render();
        h.answer(std::move(r));
      },
  };
}

response admin_page() {
  response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::string(admin_page_html());
  return r;
}

caf::behavior fixed_route(caf::event_based_actor*, response r) {
  return {
      [r](handle_atom, const request&, const reply_handle& h) { h.answer(r); },
  };
}

} // namespace actorgate::metrics
