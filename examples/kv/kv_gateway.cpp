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

auto answer_error(const reply_handle& h) {
  return [h](const caf::error& e) { h.answer(error_response(e)); };
}

// [kv-get]
// A declared Thrift exception is part of the call's result, caught where the
// call runs: the value, or nothing if the key is not stored.
auto lookup(std::string key) {
  return [key](kv_client& c) -> std::vector<std::string> {
    try {
      std::string value;
      c.get(value, key);
      return {value};
    } catch (const example::kv::NotFound&) {
      return {};
    }
  };
}

// GET /kv/:key -> the value, or 404.
caf::behavior get_route(caf::event_based_actor* self, kv_pool kv) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto key = *req.path_param("key");
    kv.call(self, req.deadline, lookup(key))
        .then(
            [h, key](std::vector<std::string>& found) {
              if (found.empty())
                h.answer(response::error(404, "no key " + key));
              else
                h.answer(response::json(200, "{\"key\":" + json_quote(key) +
                                                 ",\"value\":" + json_quote(found[0]) + "}"));
            },
            answer_error(h));
  }};
}

// [/kv-get]

// PUT /kv/:key with the value as the body.
caf::behavior put_route(caf::event_based_actor* self, kv_pool kv) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    auto key = *req.path_param("key");
    kv.call(self, req.deadline, [key, value = req.body](kv_client& c) { c.put(key, value); })
        .then(
            [h, key](caf::unit_t) {
              h.answer(response::json(200, "{\"stored\":" + json_quote(key) + "}"));
            },
            answer_error(h));
  }};
}

// GET /tokens?text=... -> the backend's tokens as a JSON list.
caf::behavior tokens_route(caf::event_based_actor* self, kv_pool kv) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    const std::string* text = req.query_param("text");
    if (text == nullptr)
      return h.answer(response::error(400, "missing query parameter 'text'")), void();
    kv.call(self, req.deadline,
            [t = *text](kv_client& c) {
              std::vector<std::string> out;
              c.tokenize(out, t);
              return out;
            })
        .then(
            [h](std::vector<std::string>& tokens) {
              h.answer(response::json(200, nlohmann::json(tokens).dump()));
            },
            answer_error(h));
  }};
}

// GET /visits/:page -> how often this gateway served that page: state kept
// in the actor, no locks; supervised, so a failure resets it.
caf::behavior visits_route(caf::event_based_actor*) {
  auto counts = std::make_shared<std::map<std::string, std::int64_t>>();
  return {[counts](handle_atom, const request& req, const reply_handle& h) {
    auto n = ++(*counts)[*req.path_param("page")];
    h.answer(response::json(200, "{\"visits\":" + std::to_string(n) + "}"));
  }};
}

// GET /summary/:key -> the stored value and the Compute backend's echo of the
// key, asked in parallel and joined.
caf::behavior summary_route(caf::event_based_actor* self, kv_pool kv, compute_pool compute) {
  return {[=](handle_atom, const request& req, const reply_handle& h) {
    struct joined {
      std::optional<std::vector<std::string>> value;
      std::optional<std::string> echo;
    };
    auto j = std::make_shared<joined>();
    auto key = *req.path_param("key");
    auto finish = [h, j, key] {
      if (!j->value || !j->echo)
        return;
      auto value = j->value->empty() ? "null" : json_quote(j->value->front());
      h.answer(response::json(200, "{\"key\":" + json_quote(key) + ",\"value\":" + value +
                                       ",\"echo\":" + json_quote(*j->echo) + "}"));
    };
    kv.call(self, req.deadline, lookup(key))
        .then([j, finish](std::vector<std::string>& v) { j->value = std::move(v), finish(); },
              answer_error(h));
    compute
        .call(self, req.deadline,
              [key](compute_client& c) {
                std::string r;
                c.echo(r, key);
                return r;
              })
        .then([j, finish](std::string& r) { j->echo = std::move(r), finish(); }, answer_error(h));
  }};
}

} // namespace

// [kv-main]
int main(int argc, char** argv) {
  gateway gw{argc, argv, "kv-gateway", {"kv"}};
  if (auto rc = gw.exit_code())
    return *rc;
  auto kv = gw.pool<kv_client>(gw.pool_options("kv"));
  auto compute = gw.pool<compute_client>(gw.settings().pool);
  gw.route(method::get, "/kv/:key", gw.hosted(get_route, kv));
  gw.route(method::put, "/kv/:key", gw.hosted(put_route, kv));
  gw.route(method::get, "/tokens", gw.hosted(tokens_route, kv));
  gw.route(method::get, "/visits/:page", gw.supervised("visits", visits_route));
  gw.route(method::get, "/summary/:key", gw.hosted(summary_route, kv, compute));
  return gw.run();
}
// [/kv-main]
