// params-gateway, rung 2 of the examples ladder: reading what a request
// carries. Path and query parameters as typed values and a JSON body's
// members, each checked: what cannot be read is answered 400 with a message
// naming the parameter or member, before any work is done. Answers are JSON
// built with nlohmann::json.
#include <numeric>
#include <vector>

#include "actorgate/actors/json.hpp"
#include "actorgate/gateway/gateway.hpp"

using namespace actorgate;

// [params-countdown]
// GET /countdown/:from?step=N (step defaults to 1) -> {"from":10,"numbers":[10,7,4,1],"step":3}
caf::behavior countdown_route(caf::event_based_actor*) {
  return {[](handle_atom, const request& req, const reply_handle& h) {
    auto from = req.path_param_as<int>("from");
    if (!from)
      return h.answer(from.error()); // 400: path parameter 'from' must be an integer ...
    auto step = req.query_param_as<int>("step", 1);
    if (!step)
      return h.answer(step.error()); // 400: query parameter 'step' must be an integer ...
    if (*from < 0 || *from > 1000 || *step < 1)
      return h.answer(response::error(400, "'from' must be 0 to 1000 and 'step' at least 1"));
    std::vector<int> numbers;
    for (int n = *from; n > 0; n -= *step)
      numbers.push_back(n);
    h.answer(response::json(200, {{"from", *from}, {"step", *step}, {"numbers", numbers}}));
  }};
}
// [/params-countdown]

// [params-sum]
// POST /sum {"numbers":[1,2,3.5],"scale":2} ("scale" may be left out: 1) -> {"sum":13.0}
caf::behavior sum_route(caf::event_based_actor*) {
  return {[](handle_atom, const request& req, const reply_handle& h) {
    std::vector<double> numbers;
    double scale = 1;
    auto read = read_json(req, {{"numbers", numbers}, {"scale", scale, false}});
    if (!read)
      return h.answer(read.error()); // 400: numbers[1]: expected a number, colour: unknown field
    auto sum = std::accumulate(numbers.begin(), numbers.end(), 0.0);
    h.answer(response::json(200, {{"sum", scale * sum}}));
  }};
}
// [/params-sum]

// [params-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "params-gateway"};
  if (auto rc = gw.exit_code())
    return *rc;
  // Neither route keeps state: one replica per IO thread (http.io-threads).
  gw.route(method::get, "/countdown/:from", gw.per_thread(countdown_route));
  gw.route(method::post, "/sum", gw.per_thread(sum_route));
  return gw.run();
}
// [/params-main]
