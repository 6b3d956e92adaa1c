// registry: everything /metrics shows, in one place — the HTTP observer
// (counting on the request path with atomics), the backend pools' stats and
// the process — and the route actor that renders it on each scrape.
// gateway wires it from [http] metrics / metrics-path; a gateway wired
// by hand does the same:
//
//   auto reg = std::make_shared<metrics::registry>(
//       std::vector<std::string>{"/ping", "/metrics"}, metrics::pool_list{stats});
//   server.observe(reg->observer());                    // before start()
//   auto m = spawn_hosted(sys, server.host(), metrics::metrics_route, reg);
//   routes->add(method::get, "/metrics", m);
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "actorgate/actors/response.hpp"
#include "actorgate/http/ws_route.hpp"
#include "actorgate/metrics/http_metrics.hpp"
#include "actorgate/metrics/pool_metrics.hpp"

namespace actorgate::metrics {

class registry {
public:
  /// `route_patterns`: every pattern the route table will hold (see
  /// http_metrics); `pools`: the pools to report; `ws`: the WebSocket
  /// connections' counters, if any.
  registry(std::vector<std::string> route_patterns, pool_list pools,
           std::shared_ptr<const http::ws_stats> ws = nullptr);

  /// The observer to register with http::server::observe().
  std::shared_ptr<http_metrics> observer() const { return http_; }

  /// The whole exposition: HTTP, pools, process, build.
  std::string render() const;

private:
  std::shared_ptr<http_metrics> http_;
  pool_list pools_;
  std::shared_ptr<const http::ws_stats> ws_;
};

/// The WebSocket families: open connections, messages in and out, closes
/// by outbound overflow.
void render_websockets(text_writer& w, const http::ws_stats& s);

/// GET -> 200 with registry::render() as text/plain; version=0.0.4.
/// Rendering is a few KB of formatting and a handful of /proc reads, cheap
/// enough to run hosted on an IO thread (no hand-off to a scheduler thread).
caf::behavior metrics_route(caf::event_based_actor* self, std::shared_ptr<const registry> reg);

/// Answers every request with the same response (the admin page, its config).
caf::behavior fixed_route(caf::event_based_actor* self, response r);

} // namespace actorgate::metrics
