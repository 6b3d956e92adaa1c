// openapi: an OpenAPI 3.0.3 document of a service as the gateway serves it.
// It is made from the same model and the same http_routes() as the gateway's
// routes, so clients generated from it, and tools that check requests
// against it, see exactly the contract the gateway enforces.
//
//   auto m = idl::model::from_idl("shop.thrift");
//   const idl::service_def& shop = m.service("Shop");
//   std::cout << idl::openapi_document(m, shop, idl::http_routes(shop, "/rpc")).dump(2);
//
// Schemas are named as the IDL names them: "Item" for the main file's types,
// "common.Point" for an included file's. The names this document adds hold a
// '-', which no Thrift name can, so they never clash with the IDL's:
// "actorgate-error" (the gateway's own {"error", "status"} body) and
// "NotFound-error" (the body of the declared exception NotFound:
// {"error": "NotFound", "status": 404, "detail": {...its fields...}}).
// The IDL's annotations ride along as "x-thrift-annotations".
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actorgate/idl/http_mapping.hpp"
#include "actorgate/idl/model.hpp"

namespace actorgate::idl {

/// The OpenAPI 3.0.3 document of `s` (a service of `m`) served at `routes`
/// (http_routes(s, prefix)). Throws idl_error when two routes have the same
/// path and verb: one document path cannot hold both.
nlohmann::json openapi_document(const model& m, const service_def& s,
                                const std::vector<http_route>& routes);

/// The components.schemas name of a struct, union, exception or enum of `m`.
std::string openapi_schema_name(const model& m, const std::string& module, const std::string& name);

/// The components.schemas name of the body a declared exception answers.
std::string openapi_error_schema_name(const model& m, const struct_def& exception);

} // namespace actorgate::idl
