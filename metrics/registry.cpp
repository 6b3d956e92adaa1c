#include "actorgate/metrics/registry.hpp"

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/reply_handle.hpp"
#include "actorgate/metrics/admin_page.hpp"
#include "actorgate/metrics/process_metrics.hpp"

namespace actorgate::metrics {

registry::registry(std::vector<std::string> route_patterns, pool_list pools)
    : http_(std::make_shared<http_metrics>(std::move(route_patterns))), pools_(std::move(pools)) {}

std::string registry::render() const {
  text_writer w;
  http_->render(w);
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
