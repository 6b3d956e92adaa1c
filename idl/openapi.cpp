#include "actorgate/idl/openapi.hpp"

#include <cctype>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace actorgate::idl {

namespace {

using nlohmann::json;

const std::string gateway_error = "actorgate-error";

json ref_to(const std::string& schema_name) {
  return {{"$ref", "#/components/schemas/" + schema_name}};
}

template <class Int> json integer_in_range() {
  return {{"type", "integer"},
          {"minimum", static_cast<std::int64_t>(std::numeric_limits<Int>::min())},
          {"maximum", static_cast<std::int64_t>(std::numeric_limits<Int>::max())}};
}

json type_schema(const model& m, const type_ref& t) {
  switch (t.kind) {
  case type_kind::bool_:
    return {{"type", "boolean"}};
  case type_kind::i8:
    return integer_in_range<std::int8_t>();
  case type_kind::i16:
    return integer_in_range<std::int16_t>();
  case type_kind::i32: {
    json s = integer_in_range<std::int32_t>();
    s["format"] = "int32";
    return s;
  }
  case type_kind::i64:
    return {{"type", "integer"}, {"format", "int64"}};
  case type_kind::double_:
    return {{"type", "number"}, {"format", "double"}};
  case type_kind::string:
    return {{"type", "string"}};
  case type_kind::binary:
    return {{"type", "string"}, {"format", "byte"}};
  case type_kind::list:
    return {{"type", "array"}, {"items", type_schema(m, *t.elem)}};
  case type_kind::set:
    return {{"type", "array"}, {"items", type_schema(m, *t.elem)}, {"uniqueItems", true}};
  case type_kind::map: {
    if (t.key->object_key()) {
      json s = {{"type", "object"}, {"additionalProperties", type_schema(m, *t.elem)}};
      if (t.key->kind == type_kind::enum_)
        s["description"] = "Keys: " + t.key->name + " member names.";
      else if (t.key->kind != type_kind::string)
        s["description"] = "Keys: " + t.key->name + " values in decimal.";
      return s;
    }
    // OpenAPI 3.0 has no tuple schema: each pair is an array of two items,
    // either of which may be the key or the value as far as the schema says.
    json pair = {
        {"type", "array"},
        {"minItems", 2},
        {"maxItems", 2},
        {"items", {{"anyOf", json::array({type_schema(m, *t.key), type_schema(m, *t.elem)})}}}};
    return {{"type", "array"},
            {"description",
             "[key, value] pairs (key " + t.key->name + ", value " + t.elem->name + ")."},
            {"items", std::move(pair)}};
  }
  case type_kind::struct_:
    return ref_to(openapi_schema_name(m, t.structure->module, t.structure->name));
  case type_kind::enum_:
    return ref_to(openapi_schema_name(m, t.enumeration->module, t.enumeration->name));
  case type_kind::void_:
    break;
  }
  return json::object();
}

// In OpenAPI 3.0 a $ref's siblings are ignored, so a default for a struct or
// enum field wraps the reference in allOf.
json with_default(json schema, const std::optional<json>& value) {
  if (!value)
    return schema;
  if (schema.contains("$ref"))
    schema = {{"allOf", json::array({std::move(schema)})}};
  schema["default"] = *value;
  return schema;
}

json field_schema(const model& m, const field_def& f) {
  return with_default(type_schema(m, *f.type), f.default_value);
}

// A JSON object of `fields` by name, as the codec reads and writes structs and
// argument lists: the required ones must be there, no others may.
json object_schema(const model& m, const std::vector<const field_def*>& fields) {
  json props = json::object();
  json required = json::array();
  for (const field_def* f : fields) {
    props[f->name] = field_schema(m, *f);
    if (f->req == requiredness::required)
      required.push_back(f->name);
  }
  json s = {{"type", "object"}, {"properties", std::move(props)}, {"additionalProperties", false}};
  if (!required.empty()) // 3.0 wants at least one name in `required`
    s["required"] = std::move(required);
  return s;
}

void add_annotations(json& target, const annotations& a) {
  if (!a.empty())
    target["x-thrift-annotations"] = json(a);
}

json struct_schema(const model& m, const struct_def& sd) {
  std::vector<const field_def*> fields;
  for (const auto& f : sd.fields)
    fields.push_back(&f);
  json s = object_schema(m, fields);
  if (sd.kind == struct_kind::union_) {
    s["minProperties"] = 1;
    s["maxProperties"] = 1;
  }
  add_annotations(s, sd.annotations);
  return s;
}

json enum_schema(const enum_def& e) {
  json names = json::array();
  std::string numbers;
  for (const auto& [name, value] : e.values) {
    names.push_back(name);
    numbers += (numbers.empty() ? "" : ", ") + name + " = " + std::to_string(value);
  }
  json s = {{"type", "string"},
            {"description", "A member's name; input also takes the member's number" +
                                (numbers.empty() ? std::string{} : " (" + numbers + ")") +
                                ". A number no member has is output as that number."}};
  if (!names.empty()) // 3.0 wants at least one value in `enum`
    s["enum"] = std::move(names);
  add_annotations(s, e.annotations);
  return s;
}

// The gateway names the exception in "error" without its module
// (idl/route.cpp).
json exception_error_schema(const model& m, const struct_def& e) {
  std::string name = openapi_schema_name(m, e.module, e.name);
  return {{"type", "object"},
          {"description", "The declared exception " + name + ", as the gateway answers it."},
          {"required", json::array({"error", "status", "detail"})},
          {"properties",
           {{"error", {{"type", "string"}, {"enum", json::array({e.name})}}},
            {"status", {{"type", "integer"}, {"enum", json::array({exception_status(e)})}}},
            {"detail", ref_to(name)}}}};
}

json gateway_error_schema() {
  return {{"type", "object"},
          {"description", "An error of the gateway's own, or of the backend's call."},
          {"required", json::array({"error", "status"})},
          {"properties",
           {{"error",
             {{"type", "string"},
              {"description", "What went wrong; for bad input \"PATH: PROBLEM\", e.g. "
                              "\"value.tags[1]: expected a string\"."}}},
            {"status", {{"type", "integer"}}}}}};
}

std::string lowercase(std::string_view s) {
  std::string out{s};
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// One status's body: a single schema, or several alternatives. Declared
// exceptions exclude each other by their "error" name (oneOf), unless two of
// different modules share a name; the gateway's own error body would also
// match an exception's. Without exclusion they are anyOf: oneOf rejects a
// body that matches two.
struct answer {
  std::vector<std::string> descriptions;
  std::vector<std::string> schemas;     ///< component names, each once
  std::vector<std::string> error_names; ///< each schema's "error"; empty: the gateway's
  bool exclusive = true;

  void add(const std::string& description, const std::string& schema,
           const std::string& error_name = {}) {
    descriptions.push_back(description);
    for (const auto& s : schemas)
      if (s == schema)
        return;
    for (const auto& n : error_names)
      exclusive = exclusive && n != error_name;
    exclusive = exclusive && !error_name.empty();
    schemas.push_back(schema);
    error_names.push_back(error_name);
  }

  json to_json() const {
    std::string text;
    for (const auto& d : descriptions)
      text += (text.empty() ? "" : " Or: ") + d;
    json schema;
    if (schemas.size() == 1) {
      schema = ref_to(schemas.front());
    } else {
      json alternatives = json::array();
      for (const auto& s : schemas)
        alternatives.push_back(ref_to(s));
      schema = {{exclusive ? "oneOf" : "anyOf", std::move(alternatives)}};
    }
    return {{"description", text}, {"content", {{"application/json", {{"schema", schema}}}}}};
  }
};

json responses(const model& m, const method_def& md) {
  json out = json::object();
  switch (success_status(md)) {
  case 200:
    out["200"] = {{"description", "The result."},
                  {"content", {{"application/json", {{"schema", type_schema(m, *md.returns)}}}}}};
    break;
  case 204:
    out["204"] = {{"description", "Done (the method returns void)."}};
    break;
  default:
    out["202"] = {{"description", "Sent (a oneway method: the backend does not answer)."}};
    break;
  }
  std::map<unsigned, answer> errors;
  for (const auto& e : md.throws) {
    const struct_def& x = *e.type->structure;
    errors[exception_status(x)].add("The method threw " + x.name + " (" + e.name + ").",
                                    openapi_error_schema_name(m, x), x.name);
  }
  errors[400].add("Bad input: the error names the JSON path of the culprit.", gateway_error);
  errors[502].add("The backend failed, or threw an exception the IDL does not declare.",
                  gateway_error);
  errors[503].add("The gateway is overloaded, or the backend is down.", gateway_error);
  errors[504].add("The deadline passed before the backend answered.", gateway_error);
  for (const auto& [status, a] : errors)
    out[std::to_string(status)] = a.to_json();
  // Every 503 of the gateway's own (overloaded, backend down, no thread
  // free) says when to come back (actors/errors.cpp).
  out["503"]["headers"]["Retry-After"] = {
      {"description", "Seconds to wait before trying again (on the gateway's own 503s)."},
      {"schema", {{"type", "integer"}, {"minimum", 0}}}};
  return out;
}

json operation(const model& m, const http_route& r, std::set<std::string>& operation_ids) {
  const method_def& md = *r.m;
  const std::string base = r.rest ? md.name + "_" + lowercase(to_string(r.verb)) : md.name;
  // A method may be named like another's REST route ("add_get"); the POST
  // forms come first, so a method keeps its own name and the route gets a number.
  std::string id = base;
  for (int n = 2; !operation_ids.insert(id).second; ++n)
    id = base + "_" + std::to_string(n);
  json op = {{"operationId", id}, {"summary", md.name}};
  if (!r.rest)
    op["description"] = "Calls " + md.name + " with a JSON object of its arguments by name.";

  json params = json::array();
  for (const field_def* a : r.path_args)
    params.push_back({{"name", a->name},
                      {"in", "path"},
                      {"required", true},
                      {"schema", type_schema(m, *a->type)}});
  for (const field_def* a : r.query_args)
    params.push_back({{"name", a->name},
                      {"in", "query"},
                      {"required", a->req == requiredness::required},
                      {"schema", field_schema(m, *a)}});
  if (!params.empty())
    op["parameters"] = std::move(params);

  if (r.body) {
    std::vector<const field_def*> in_body;
    bool any_required = false;
    for (const auto& a : md.args) {
      bool in_path = false;
      for (const field_def* p : r.path_args)
        in_path = in_path || p == &a;
      if (in_path)
        continue;
      in_body.push_back(&a);
      any_required = any_required || a.req == requiredness::required;
    }
    // With no required argument an empty body is taken as {}.
    if (!in_body.empty())
      op["requestBody"] = {
          {"description", "The arguments by name."},
          {"required", any_required},
          {"content", {{"application/json", {{"schema", object_schema(m, in_body)}}}}}};
  }
  op["responses"] = responses(m, md);
  add_annotations(op, md.annotations);
  return op;
}

} // namespace

std::string openapi_schema_name(const model& m, const std::string& module,
                                const std::string& name) {
  return module == m.main_module() ? name : module + "." + name;
}

std::string openapi_error_schema_name(const model& m, const struct_def& exception) {
  return openapi_schema_name(m, exception.module, exception.name) + "-error";
}

json openapi_document(const model& m, const service_def& s, const std::vector<http_route>& routes) {
  json schemas = json::object();
  for (const auto& sd : m.structs()) {
    schemas[openapi_schema_name(m, sd->module, sd->name)] = struct_schema(m, *sd);
    if (sd->kind == struct_kind::exception)
      schemas[openapi_error_schema_name(m, *sd)] = exception_error_schema(m, *sd);
  }
  for (const auto& e : m.enums())
    schemas[openapi_schema_name(m, e->module, e->name)] = enum_schema(*e);
  schemas[gateway_error] = gateway_error_schema();

  json paths = json::object();
  std::map<std::pair<std::string, std::string>, std::string> served_by;
  std::set<std::string> operation_ids;
  for (const http_route& r : routes) {
    std::string verb = lowercase(to_string(r.verb));
    auto [it, fresh] = served_by.emplace(std::make_pair(r.path, verb), r.m->name);
    if (!fresh)
      throw idl_error("methods " + it->second + " and " + r.m->name + " are both " +
                      std::string(to_string(r.verb)) + " " + r.path);
    paths[r.path][verb] = operation(m, r, operation_ids);
  }

  std::string description =
      "The Thrift service " + s.name + " (" + s.module +
      ".thrift) over HTTP and JSON, generated from the IDL by actorgate. Every method is "
      "served as POST {prefix}/{method} with a JSON object of its arguments by name; one "
      "annotated http.get, http.post, http.put, http.patch or http.delete also at its own "
      "path. Success is 200 with the result as a bare JSON value, 204 for void, 202 for "
      "oneway. A declared exception answers its http.status (else " +
      std::to_string(default_exception_status) +
      ") with {error, status, detail}; the gateway's own errors are {error, status}.";
  return {{"openapi", "3.0.3"},
          {"info", {{"title", s.name}, {"version", "1.0.0"}, {"description", description}}},
          {"paths", std::move(paths)},
          {"components", {{"schemas", std::move(schemas)}}}};
}

} // namespace actorgate::idl
