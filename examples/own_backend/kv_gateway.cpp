// kv-gateway, rung 8 of the examples ladder: a gateway in front of a backend
// of your own (kv-backend). Each call is a plain synchronous Thrift call,
// made by one of the pool's blocking workers ([kv] pool-size threads, one
// connection each), so the route actors never block. One route makes two
// calls one after the other, the second with the first's result.
#include <string>
#include <vector>

#include "actorgate/actors/json.hpp"
#include "actorgate/gateway/gateway.hpp"
#include "kv/KeyValue.h"

using namespace actorgate;
using kv::KeyValueClient;
using kv::NotFound;
using kv_pool = rpc::typed_pool<KeyValueClient>;

// PUT /kv/:key with the text as the body -> 204. Safe to repeat: the same
// put twice stores the same.
caf::behavior put_route(caf::event_based_actor* self, kv_pool store) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto key = req.path_param("key");
    store
        .call(self, req, rpc::idempotent,
              [key, text = req.body](KeyValueClient& c) { c.put(key, text); })
        .answer(h, [](caf::unit_t) { return response::no_content(); });
  }};
}

// [kv-sequence]
// GET /kv/:key/words -> {"key":..,"words":[..]}: the stored text (404 if there
// is none, and no second call), then the backend's tokens of that text.
caf::behavior words_route(caf::event_based_actor* self, kv_pool store) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto key = req.path_param("key");
    store
        .call(self, req, rpc::idempotent,
              [key](KeyValueClient& c) {
                std::string text;
                c.get(text, key);
                return text;
              })
        .then(
            [=](std::string& text) {
              store
                  .call(self, req, rpc::idempotent,
                        [text](KeyValueClient& c) {
                          std::vector<std::string> words;
                          c.tokenize(words, text);
                          return words;
                        })
                  .answer(h, [key](std::vector<std::string>& words) {
                    return response::json(200, {{"key", key}, {"words", words}});
                  });
            },
            [h](const caf::error& e) { h.answer(error_response(e)); });
  }};
}
// [/kv-sequence]

// [kv-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "kv-gateway", {"kv"}};
  if (auto rc = gw.exit_code())
    return *rc;
  // Each worker holds a connection, and each connection a backend thread:
  // keep [kv] pool-size x gateways <= [kv-server] threads.
  auto store = gw.pool<KeyValueClient>("kv").map_exception<NotFound>(404);
  gw.route(method::put, "/kv/:key", gw.per_thread(put_route, store));
  gw.route(method::get, "/kv/:key/words", gw.per_thread(words_route, store));
  return gw.run();
}
// [/kv-main]
