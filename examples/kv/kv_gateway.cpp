// kv-gateway: a gateway of your own. Routes with path parameters, a stateful
// actor, calls to the example's own Thrift service (kv-backend, config group
// [kv]) and a parallel fan-out to both backends (kv and Compute, [backend]).
#include <map>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "actorgate/actors/atoms.hpp"
#include "actorgate/actors/errors.hpp"
#include "actorgate/actors/json.hpp"
#include "actorgate/gateway/gateway.hpp"
#include "compute/Compute.h"
#include "kv/KeyValue.h"

using namespace actorgate;
using kv_client = actorgate::example::kv::KeyValueClient;
using compute_client = compute::ComputeClient;
using kv_pool = rpc::typed_pool<kv_client>;
using compute_pool = rpc::typed_pool<compute_client>;

namespace {

using example::kv::NotFound;

// [kv-get]
// GET /kv/:key -> {"key":..,"value":..}; a key not stored is the declared
// exception NotFound, which the pool maps to 404 (see main).
caf::behavior get_route(caf::event_based_actor* self, kv_pool kv) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto key = req.path_param("key");
    kv.call(self, req, [key](kv_client& c) {
        std::string value;
        c.get(value, key);
        return value;
      }).answer(h, [key](std::string& value) {
      return response::json(200, {{"key", key}, {"value", value}});
    });
  }};
}
// [/kv-get]

// PUT /kv/:key with the value as the body.
caf::behavior put_route(caf::event_based_actor* self, kv_pool kv) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto key = req.path_param("key");
    kv.call(self, req, [key, value = req.body](kv_client& c) {
        c.put(key, value);
      }).answer(h, [key](caf::unit_t) {
      return response::json(200, {{"stored", key}});
    });
  }};
}

// GET /tokens?text=... -> the backend's tokens as a JSON list.
caf::behavior tokens_route(caf::event_based_actor* self, kv_pool kv) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto text = req.query_param_as<std::string>("text");
    if (!text)
      return h.answer(text.error());
    kv.call(self, req, [t = *text](kv_client& c) {
        std::vector<std::string> out;
        c.tokenize(out, t);
        return out;
      }).answer(h, [](std::vector<std::string>& tokens) { return response::json(200, tokens); });
  }};
}

// GET /visits/:page -> how often this gateway served that page: state kept
// in the actor, no locks; supervised, so a failure resets it.
caf::behavior visits_route(caf::event_based_actor*) {
  auto counts = std::make_shared<std::map<std::string, std::int64_t>>();
  return {[counts](handle_atom, const request& req, const reply_handle& h) {
    auto n = ++(*counts)[req.path_param("page")];
    h.answer(response::json(200, {{"visits", n}}));
  }};
}

// GET /summary/:key -> the stored value (null if none) and the Compute
// backend's echo of the key, asked in parallel and joined.
caf::behavior summary_route(caf::event_based_actor* self, kv_pool kv, compute_pool compute) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    struct joined {
      std::optional<nlohmann::json> value;
      std::optional<std::string> echo;
    };
    auto j = std::make_shared<joined>();
    auto key = req.path_param("key");
    auto finish = [h, j, key] {
      if (j->value && j->echo)
        h.answer(response::json(200, {{"key", key}, {"value", *j->value}, {"echo", *j->echo}}));
    };
    auto fail = [h](const caf::error& e) { h.answer(error_response(e)); };
    // Here an absent key is a result, not an error: caught where the call runs.
    kv.call(self, req,
            [key](kv_client& c) -> std::optional<std::string> {
              try {
                std::string value;
                c.get(value, key);
                return value;
              } catch (const NotFound&) {
                return std::nullopt;
              }
            })
        .then(
            [j, finish](std::optional<std::string>& v) {
              j->value = v ? nlohmann::json(*v) : nlohmann::json(nullptr);
              finish();
            },
            fail);
    compute
        .call(self, req,
              [key](compute_client& c) {
                std::string r;
                c.echo(r, key);
                return r;
              })
        .then([j, finish](std::string& r) { j->echo = std::move(r), finish(); }, fail);
  }};
}

} // namespace

// [kv-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "kv-gateway", {"kv", "backend"}};
  if (auto rc = gw.exit_code())
    return *rc;
  auto kv = gw.pool<kv_client>("kv").map_exception<NotFound>(404);
  auto compute = gw.pool<compute_client>("backend");
  gw.route(method::get, "/kv/:key", gw.hosted(get_route, kv));
  gw.route(method::put, "/kv/:key", gw.hosted(put_route, kv));
  gw.route(method::get, "/tokens", gw.hosted(tokens_route, kv));
  gw.route(method::get, "/visits/:page", gw.supervised("visits", visits_route));
  gw.route(method::get, "/summary/:key", gw.hosted(summary_route, kv, compute));
  return gw.run();
}
// [/kv-main]
