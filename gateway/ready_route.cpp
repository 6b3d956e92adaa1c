#include "actorgate/gateway/ready_route.hpp"

#include <string>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/json.hpp"
#include "actorgate/actors/reply_handle.hpp"
#include "actorgate/actors/request.hpp"
#include "actorgate/actors/response.hpp"

namespace actorgate {

caf::behavior ready_route(caf::event_based_actor*,
                          std::vector<std::shared_ptr<const rpc::pool_stats>> pools,
                          std::shared_ptr<const std::atomic<bool>> stopping) {
  return {[pools, stopping](handle_atom, const request&, const reply_handle& h) {
    bool stop = stopping && stopping->load(std::memory_order_relaxed);
    bool ready = !stop;
    auto each = nlohmann::json::object();
    for (const auto& p : pools) {
      bool ok = p->ready();
      ready = ready && ok;
      each[p->name] = ok ? "ready" : "every endpoint ejected";
    }
    auto r = response::json(ready ? 200 : 503, {{"status", stop    ? "stopping"
                                                           : ready ? "ready"
                                                                   : "not ready"},
                                                {"pools", each}});
    r.headers.push_back({"Cache-Control", "no-store"});
    h.answer(std::move(r));
  }};
}

} // namespace actorgate
