// fanout-gateway, rung 5 of the examples ladder: one request, two backends
// asked at once, one answer when both have replied. The route actor sends
// both calls and goes on; each result is stored as it arrives, and the
// second one completes the answer. The first error answers instead: a reply
// handle answers only once, so the other outcome is simply ignored.
#include <optional>

#include "actorgate/actors/json.hpp"
#include "actorgate/gateway/gateway.hpp"
#include "greet/Greeter.h"
#include "shop/Shop.h"

using namespace actorgate;
using greet::GreeterClient;
using shop::ShopClient;

namespace shop {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Item, id, name, price_cents, tags)
} // namespace shop

// [fanout-route]
// GET /home/:name -> {"greeting":..,"items":[the first 3 items]}: Greeter and Shop in parallel
caf::behavior home_route(caf::event_based_actor* self, rpc::typed_pool<GreeterClient> greeter,
                         rpc::typed_pool<ShopClient> shop) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    struct joined { // both results arrive in this actor, one after the other: no lock
      std::optional<std::string> greeting;
      std::optional<std::vector<shop::Item>> items;
    };
    auto j = std::make_shared<joined>();
    auto finish = [h, j] {
      if (j->greeting && j->items)
        h.answer(response::json(200, {{"greeting", *j->greeting}, {"items", *j->items}}));
    };
    auto fail = [h](const caf::error& e) { h.answer(error_response(e)); };
    greeter
        .call(self, req, rpc::idempotent,
              [name = req.path_param("name")](GreeterClient& c) {
                std::string greeting;
                c.greet(greeting, name);
                return greeting;
              })
        .then([j, finish](std::string& g) { j->greeting = std::move(g), finish(); }, fail);
    shop.call(self, req, rpc::idempotent,
              [](ShopClient& c) {
                std::vector<shop::Item> items;
                c.list_items(items, 3);
                return items;
              })
        .then([j, finish](std::vector<shop::Item>& i) { j->items = std::move(i), finish(); }, fail);
  }};
}
// [/fanout-route]

// [fanout-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "fanout-gateway", {"greet", "shop"}};
  if (auto rc = gw.exit_code())
    return *rc;
  auto greeter = gw.pool<GreeterClient>("greet");
  auto shop = gw.pool<ShopClient>("shop");
  gw.route(method::get, "/home/:name", gw.per_thread(home_route, greeter, shop));
  return gw.run();
}
// [/fanout-main]
