// shop-gateway, rung 4 of the examples ladder: the Shop service over
// HTTP/JSON. Four routes, a struct, a list of them and a declared exception;
// what is left to write is which route calls which method, and the names of
// the fields.
#include "actorgate/actors/json.hpp"
#include "actorgate/gateway/gateway.hpp"
#include "shop/Shop.h"

using namespace actorgate;
using shop::ShopClient;
using shop_pool = rpc::typed_pool<ShopClient>;

// [shop-json]
namespace shop { // {"id":1,"name":"tea","price_cents":350,"tags":["green"]}
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Item, id, name, price_cents, tags)
} // namespace shop
// [/shop-json]

namespace {

// [shop-routes]
// GET /items?limit=N (default 100) -> [item, ...]
caf::behavior list_items(caf::event_based_actor* self, shop_pool shop) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto limit = req.query_param_as<std::int32_t>("limit", 100);
    if (!limit)
      return h.answer(limit.error());
    shop.call(self, req,
              [n = *limit](ShopClient& c) {
                std::vector<shop::Item> items;
                c.list_items(items, n);
                return items;
              })
        .answer(h, [](auto& items) { return response::json(200, items); });
  }};
}

// GET /items/:id -> the item, or 404
caf::behavior get_item(caf::event_based_actor* self, shop_pool shop) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto id = req.path_param_as<std::int64_t>("id");
    if (!id)
      return h.answer(id.error());
    shop.call(self, req,
              [id = *id](ShopClient& c) {
                shop::Item item;
                c.get_item(item, id);
                return item;
              })
        .answer(h, [](shop::Item& item) { return response::json(200, item); });
  }};
}

// POST /items {"name":..,"price_cents":..,"tags":[..]} -> 201, Location: /items/ID
caf::behavior add_item(caf::event_based_actor* self, shop_pool shop) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    shop::Item item;
    auto read = read_json(
        req, {{"name", item.name}, {"price_cents", item.price_cents}, {"tags", item.tags, false}});
    if (!read)
      return h.answer(read.error());
    shop.call(self, req,
              [item](ShopClient& c) {
                shop::Item made;
                c.add_item(made, item);
                return made;
              })
        .answer(h, [](shop::Item& made) {
          return response::created("/items/" + std::to_string(made.id), made);
        });
  }};
}

// DELETE /items/:id -> 204, or 404
caf::behavior remove_item(caf::event_based_actor* self, shop_pool shop) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto id = req.path_param_as<std::int64_t>("id");
    if (!id)
      return h.answer(id.error());
    shop.call(self, req, [id = *id](ShopClient& c) { c.remove_item(id); })
        .answer(h, [](caf::unit_t) { return response::no_content(); });
  }};
}
// [/shop-routes]

} // namespace

// [shop-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "shop-gateway", {"shop"}};
  if (auto rc = gw.exit_code())
    return *rc;
  auto shop = gw.pool<ShopClient>("shop").map_exception<shop::NoSuchItem>(404);
  gw.route(method::get, "/items", gw.per_thread(list_items, shop));
  gw.route(method::get, "/items/:id", gw.per_thread(get_item, shop));
  gw.route(method::post, "/items", gw.per_thread(add_item, shop));
  gw.route(method::del, "/items/:id", gw.per_thread(remove_item, shop));
  return gw.run();
}
// [/shop-main]
