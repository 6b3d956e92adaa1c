// cpu-work-gateway, rung 7 of the examples ladder: CPU work in the gateway
// itself. Route actors on the IO thread must never compute for long: every
// connection of that thread would wait. This one counts primes on actors of
// CAF's scheduler, its own threads, so /ping (on the IO thread) is answered
// at once while a count runs.
#include <cstdint>

#include "actorgate/actors/json.hpp"
#include "actorgate/actors/routes.hpp"
#include "actorgate/gateway/gateway.hpp"

using namespace actorgate;

namespace {

bool is_prime(std::int64_t n) {
  if (n < 2 || (n > 2 && n % 2 == 0))
    return false;
  for (std::int64_t d = 3; d * d <= n; d += 2)
    if (n % d == 0)
      return false;
  return true;
}

} // namespace

// [cpu-route]
// GET /primes?below=N (N up to 100 000 000) -> {"below":N,"primes":C}, by trial division
caf::behavior primes_route(caf::event_based_actor*) {
  return {[](handle_atom, const request& req, const reply_handle& h) {
    auto below = req.query_param_as<std::int64_t>("below");
    if (!below)
      return h.answer(below.error());
    if (*below < 0 || *below > 100'000'000)
      return h.answer(response::error(400, "query parameter 'below' must be 0 to 100000000"));
    std::int64_t count = 0;
    for (std::int64_t n = 0; n < *below; ++n) {
      if (n % 65536 == 0 && req.deadline.expired())
        return; // answered 504 already: nobody waits for the count
      count += is_prime(n);
    }
    h.answer(response::json(200, {{"below", *below}, {"primes", count}}));
  }};
}
// [/cpu-route]

// [cpu-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "cpu-work-gateway"};
  if (auto rc = gw.exit_code())
    return *rc;
  gw.route(method::get, "/ping", gw.per_thread(ping_route)); // on the IO thread(s)
  // Two actors on CAF's scheduler (scheduler.max-threads threads), requests in turn.
  gw.route(method::get, "/primes", gw.stateless(2, primes_route));
  return gw.run();
}
// [/cpu-main]
