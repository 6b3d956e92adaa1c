// pool_metrics: renders backend pools' live numbers (rpc::pool_stats, which
// the pools keep in relaxed atomics) as Prometheus families. Reads only.
//
//   metrics::text_writer w;
//   metrics::render_pools(w, gw.pools());
#pragma once

#include <memory>
#include <vector>

#include "actorgate/metrics/text_format.hpp"
#include "actorgate/rpc/pool_stats.hpp"

namespace actorgate::metrics {

using pool_list = std::vector<std::shared_ptr<const rpc::pool_stats>>;

/// Appends the actorgate_pool_* families for every pool in `pools` (label
/// pool = its config group). Families are written even when `pools` is
/// empty, so that the set of names does not depend on the wiring.
void render_pools(text_writer& w, const pool_list& pools);

/// The `kind` label of a backend error: "overloaded", "shutting_down", ...
const char* kind_label(backend_errc e);

} // namespace actorgate::metrics
