// http_mapping: how a Thrift service's methods appear over HTTP, decided once
// from the IDL and its annotations. The gateway's routes and the OpenAPI
// document both come from it, so they cannot disagree.
//
//   for (const idl::http_route& r : idl::http_routes(model.service("Shop"), "/rpc"))
//     std::cout << to_string(r.verb) << " " << r.path << "\n";
//   // POST /rpc/get_item, GET /rpc/items/{id} (from http.get="/items/{id}"), ...
//
// Every method is served as POST {prefix}/{method} with a JSON object of its
// arguments by name. A method annotated (http.get="/items/{id}") (or
// http.post, http.put, http.patch, http.delete) is also served at
// {prefix}/items/{id}: path variables bind arguments of the same name; with
// GET and DELETE the other arguments come from the query, with the others
// from a JSON object body. Success is 200 with the result as a bare JSON
// value, 204 for void, 202 for oneway; a declared exception answers the
// status of its (http.status="404") annotation, else 500.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "actorgate/actors/request.hpp"
#include "actorgate/idl/model.hpp"

namespace actorgate::idl {

/// The status of a declared exception without an http.status annotation.
constexpr unsigned default_exception_status = 500;

struct http_route {
  const method_def* m = nullptr;
  actorgate::method verb = actorgate::method::post;
  /// OpenAPI form: "/rpc/items/{id}".
  std::string path;
  /// Route-table form: "/rpc/items/:id".
  std::string pattern;
  /// Arguments bound from path segments, in path order.
  std::vector<const field_def*> path_args;
  /// Arguments bound from query parameters (GET and DELETE routes).
  std::vector<const field_def*> query_args;
  /// The remaining arguments come from a JSON object body.
  bool body = true;
  /// From an http.* annotation (false: the POST {prefix}/{method} form).
  bool rest = false;
};

/// Every route of `s` (its parents' methods included): the POST form of each
/// method first, in IDL order, then the annotated ones. Throws idl_error
/// naming the method for an annotation that cannot be served: a path variable
/// that names no argument or one that is not a scalar, a GET or DELETE
/// method with a struct or container argument outside the path, an
/// http.status that is no status, or two methods of the same name.
std::vector<http_route> http_routes(const service_def& s, std::string_view prefix);

/// `path` under `prefix`, with one '/' between them whatever either has:
/// ("/rpc/", "openapi.json") -> "/rpc/openapi.json".
std::string under_prefix(std::string_view prefix, std::string_view path);

/// 200, 204 for void, 202 for oneway.
unsigned success_status(const method_def& m);
/// The exception's http.status annotation, or default_exception_status.
/// Throws idl_error if the annotation is not a status from 400 to 599.
unsigned exception_status(const struct_def& e);

/// Whether an argument of type `t` can bind to a path segment or a query
/// parameter (bool, integers, double, string, binary, enum).
bool binds_from_text(const type_ref& t);

/// A path segment or query parameter as the JSON value the codec takes for
/// `t`: "42" -> 42 for an integer (its range checked later, by the codec),
/// "true"/"false" for bool, text for string, binary (base64) and enum names,
/// a number for an enum given by number. Throws input_error at `path`.
nlohmann::json json_from_text(const type_ref& t, const std::string& text, const std::string& path);

} // namespace actorgate::idl
