// route: a Thrift service served over HTTP/JSON from its IDL alone (the
// gateway's [idl] group). The service is loaded once at start-up
// (load_idl_service) and each of its routes (idl/http_mapping.hpp) gets an
// idl_route actor, which
// turns the request into the method's arguments, checks them against the IDL
// on the HTTP thread and sends a job to the [idl] pool: a worker writes the
// call with the generic codec (idl/codec.hpp) on its connection, reads the
// reply and makes the response there, off the HTTP thread.
//
//   auto svc = load_idl_service({"shop.thrift", "Shop", "/rpc"});   // throws idl::idl_error
//   for (std::size_t i = 0; i < svc->routes.size(); ++i)
//     gw.route(svc->routes[i].verb, svc->routes[i].pattern,
//              gw.per_thread(idl_route, svc, i, pool));
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/behavior.hpp>
#include <caf/event_based_actor.hpp>

#include "actorgate/idl/http_mapping.hpp"
#include "actorgate/idl/model.hpp"
#include "actorgate/idl/source.hpp"

namespace actorgate {

/// What the gateway serves of an IDL, shared read-only by its route actors.
struct idl_service {
  idl::model model;
  const idl::service_def* service = nullptr;
  std::vector<idl::http_route> routes;
  /// The OpenAPI document of the routes (idl/openapi.hpp), as served at
  /// {prefix}/openapi.json.
  std::string openapi;
};

/// Compiles (or reads) the file and picks the service. Throws idl_error:
/// the compiler's "FILE:LINE: message", a service the file lacks (listing
/// those it has), or an annotation that cannot be served (or be documented:
/// two routes on one path and verb).
std::shared_ptr<const idl_service> load_idl_service(const idl_source& s);

/// GET {prefix}/openapi.json: svc->openapi.
caf::behavior idl_openapi_route(caf::event_based_actor* self,
                                std::shared_ptr<const idl_service> svc);

/// The route actor of svc->routes[index], calling through `pool` (a generic
/// pool: rpc::spawn_generic_pool).
caf::behavior idl_route(caf::event_based_actor* self, std::shared_ptr<const idl_service> svc,
                        std::size_t index, caf::actor pool);

} // namespace actorgate
