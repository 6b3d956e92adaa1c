// stateful-gateway, rung 6 of the examples ladder: state in an actor, under
// supervision. The actor handles one message at a time, so its state needs
// no lock; one actor serves every session. If it throws, the request it was
// handling (and any queued for it) is answered 500, the failure is logged,
// and a fresh actor with fresh state takes the next request.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "actorgate/actors/json.hpp"
#include "actorgate/gateway/gateway.hpp"

using namespace actorgate;

// [stateful-route]
// GET /visits/:page -> {"page":"home","visits":N}: how often this actor has
// served the page. With ?fail=true it throws instead: a stand-in for a bug.
caf::behavior visits_route(caf::event_based_actor*) {
  // This actor's state: made when it starts, gone when it is replaced.
  auto counts = std::make_shared<std::map<std::string, std::int64_t>>();
  return {[counts](handle_atom, const request& req, const reply_handle& h) {
    auto fail = req.query_param_as<bool>("fail", false);
    if (!fail)
      return h.answer(fail.error());
    if (*fail)
      throw std::runtime_error("failing on purpose");
    const auto& page = req.path_param("page");
    h.answer(response::json(200, {{"page", page}, {"visits", ++(*counts)[page]}}));
  }};
}
// [/stateful-route]

// [stateful-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "stateful-gateway"};
  if (auto rc = gw.exit_code())
    return *rc;
  // One actor, hosted on the IO thread, replaced with fresh state when it fails.
  gw.route(method::get, "/visits/:page", gw.supervised("visits", visits_route));
  return gw.run();
}
// [/stateful-main]
