// admin_page: a self-contained HTML page (inline JS and CSS, no external URL)
// that polls the metrics route every second and draws request rates and
// latency percentiles per route, pool occupancy, endpoint health and the
// gateway's configuration. Its source is metrics/admin.html, compiled in.
//
//   gateway serves it at [http] admin-path, with the configuration as
//   JSON at <admin-path>/config ({"group": {"key": value}}, which must hold
//   http.metrics-path). By hand:
//   routes->add(method::get, "/admin", spawn_hosted(sys, host, metrics::fixed_route,
//                                                    metrics::admin_page()));
#pragma once

#include <string_view>

#include "actorgate/actors/response.hpp"

namespace actorgate::metrics {

std::string_view admin_page_html();

/// 200 text/html with the page.
response admin_page();

} // namespace actorgate::metrics
